"""The template officials fill in: its columns (part of the file format, so headed in Vietnamese whatever
the page language) and the instructions sheet."""

import io
import re
from dataclasses import dataclass

import openpyxl
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from qcdc.spreadsheets import put
from units.models import Unit

IMPORTABLE_KINDS = (
    Unit.Kind.VILLAGE,
    Unit.Kind.RESIDENTIAL_GROUP,
    Unit.Kind.PARTY,
    Unit.Kind.AGENCY,
    Unit.Kind.ENTERPRISE,
    Unit.Kind.MASS_ORGANISATION,
)
MAX_ROWS = 5000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_FILENAME = "mau-nhap-don-vi.xlsx"


@dataclass(frozen=True)
class Column:
    field: str
    heading: str
    aliases: tuple[str, ...]
    width: int
    required: bool = False


COLUMNS = (
    Column("name", "Tên đơn vị", ("Unit name", "Name", "Tên"), 36, required=True),
    Column("kind", "Loại", ("Kind", "Type", "Loại đơn vị"), 26, required=True),
    Column("parent_code", "Mã đơn vị cấp trên", ("Parent code", "Parent unit code"), 20),
    Column("parent_name", "Tên đơn vị cấp trên", ("Parent name", "Parent unit", "Parent unit name"), 32),
    Column("code", "Mã", ("Code", "Own code", "Mã đơn vị"), 14),
    Column("opened_on", "Ngày thành lập", ("Opening date", "Opened on", "Date opened"), 16),
    Column("address", "Địa chỉ", ("Address",), 40),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}


def kind_labels() -> list[str]:
    return [str(Unit.Kind(kind).label) for kind in IMPORTABLE_KINDS]


def _sheet_title(text: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def _column_notes() -> dict[str, str]:
    return {
        "name": _("Required. The full name, e.g. Thôn Đông, Tổ dân phố số 3, Chi bộ Thôn Đông."),
        "kind": _("Required. Choose from the list: %(kinds)s.") % {"kinds": ", ".join(kind_labels())},
        "parent_code": _(
            "The official code of the unit this one belongs to, e.g. the ward code 09367. "
            "Leave empty to put the row directly under the unit chosen when uploading."
        ),
        "parent_name": _(
            "Instead of the code: the name of the unit this one belongs to, inside the unit chosen when "
            "uploading, or a unit on an earlier row of this file. Accents and capitals do not matter."
        ),
        "code": _("Optional. Your own code for this unit; no two units may share it."),
        "opened_on": _("Optional. Date as dd/mm/yyyy, e.g. 01/07/2025."),
        "address": _("Optional."),
    }


def excel_template() -> bytes:
    """The .xlsx officials fill in: the data sheet first, then the instructions, then the kind list."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _sheet_title(_("Units"))
    notes = _column_notes()
    heading_font = Font(bold=True, color="FFFFFF")
    required_fill = PatternFill("solid", fgColor="B3261E")
    optional_fill = PatternFill("solid", fgColor="5F6368")
    for index, column in enumerate(COLUMNS, start=1):
        cell = put(ws, 1, index, column.heading)
        cell.font = heading_font
        cell.fill = required_fill if column.required else optional_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(notes[column.field], "QCDC", width=320, height=120)
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.field in ("parent_code", "code"):
            dimension.number_format = "@"  # text, so Excel keeps the leading zero of 09367
        elif column.field == "opened_on":
            dimension.number_format = "DD/MM/YYYY"
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"

    guide = wb.create_sheet(_sheet_title(_("Instructions")))
    _write_instructions(guide, notes)

    lists = wb.create_sheet("DanhMuc")
    lists.sheet_state = "hidden"
    labels = kind_labels()
    for index, label in enumerate(labels, start=1):
        put(lists, index, 1, label)
    # A range on a hidden sheet rather than an inline list: labels may hold commas, and an inline
    # list is limited to 255 characters.
    validation = DataValidation(
        type="list",
        formula1=f"DanhMuc!$A$1:$A${len(labels)}",
        allow_blank=True,
        showDropDown=False,  # openpyxl's name is inverted: False shows the arrow
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=_("Unknown kind"),
        error=_("Choose a kind from the list."),
        promptTitle=_("Kind"),
        prompt=_("Choose from the list."),
        showInputMessage=True,
    )
    ws.add_data_validation(validation)
    kind_letter = get_column_letter(COLUMNS.index(COLUMN_BY_FIELD["kind"]) + 1)
    validation.add(f"{kind_letter}2:{kind_letter}{MAX_ROWS + 1}")

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _write_instructions(ws, notes: dict[str, str]) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 90
    lines = [
        _("How to fill in this file"),
        _("1. Type one unit per row on the first sheet, from row 2. Do not change the first row."),
        _("2. Kinds you can import: %(kinds)s.") % {"kinds": ", ".join(kind_labels())},
        _("3. Communes, wards and provinces come from the official lists: do not type them here."),
        _(
            "4. A village belongs directly under a commune, ward or special zone; a residential group under "
            "one of those or under an agency, enterprise or other organisation."
        ),
        _(
            "5. A row may belong to a unit on an earlier row: write that unit's name in “%(column)s”, "
            "e.g. a Party cell under the village above it."
        )
        % {"column": COLUMN_BY_FIELD["parent_name"].heading},
        _(
            "6. If a unit with the same name and kind is already under the same parent, its address and "
            "opening date are updated: uploading the same file again changes nothing."
        ),
        _("7. At most %(limit)s rows per file. If any row has a problem, nothing is saved.")
        % {"limit": formats.number_format(MAX_ROWS, force_grouping=True)},
    ]
    put(ws, 1, 1, lines[0]).font = Font(bold=True, size=14)
    row = 2
    for line in lines[1:]:
        put(ws, row, 1, line)
        row += 1
    row += 1
    put(ws, row, 1, _("Columns")).font = Font(bold=True, size=12)
    row += 1
    for column in COLUMNS:
        put(ws, row, 1, column.heading).font = Font(bold=True)
        cell = put(ws, row, 2, notes[column.field])
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    row += 1
    put(ws, row, 1, _("Example")).font = Font(bold=True, size=12)
    row += 1
    label = dict(zip(IMPORTABLE_KINDS, kind_labels(), strict=True))
    example = [
        [column.heading for column in COLUMNS],
        ["Tổ dân phố số 1", label[Unit.Kind.RESIDENTIAL_GROUP], "09367", "", "TDP-01", "01/07/2025", ""],
        ["Chi bộ Tổ dân phố số 1", label[Unit.Kind.PARTY], "", "Tổ dân phố số 1", "", "", ""],
        ["Công ty TNHH Ánh Dương", label[Unit.Kind.ENTERPRISE], "", "", "", "", "Số 5 đường Lý Thái Tổ"],
    ]
    for index, values in enumerate(example):
        for col, value in enumerate(values, start=1):
            cell = put(ws, row, col, value)
            if index == 0:
                cell.font = Font(bold=True)
        row += 1
