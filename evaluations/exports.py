"""The ranked table of a criteria set's evaluations as a workbook; every text cell is written as text."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qcdc.spreadsheets import safe_row, sheet_title
from units.text import search_key

DATE_FORMAT = "DD/MM/YYYY"


def _number(value):
    return None if value is None else float(value)


def ranking_xlsx(criteria_set, evaluations: list) -> bytes:
    """Rank, unit (and head), status, the unit's points, the points decided, classification, decision."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(_("Ranking"))
    sheet.append(safe_row(sheet, [criteria_set.name]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(safe_row(sheet, [_("Maximum points: %s") % criteria_set.max_total]))
    sheet.append([])
    headers = [_("Rank"), _("Unit")]
    if criteria_set.is_heads:
        headers.append(_("Head"))
    headers += [
        _("Status"),
        _("Self-assessed points"),
        _("Points decided"),
        _("Classification"),
        _("Decision"),
        _("Decision date"),
    ]
    sheet.append(safe_row(sheet, headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for rank, e in enumerate(evaluations, start=1):
        row = [rank, e.unit.name]
        if criteria_set.is_heads:
            row.append(e.person.full_name if e.person_id else "")
        row += [
            e.get_status_display(),
            _number(e.self_total),
            _number(e.final_total),
            e.level.name if e.level_id else "",
            e.decision_symbol,
            e.decision_date,
        ]
        sheet.append(safe_row(sheet, row))
        sheet.cell(row=sheet.max_row, column=len(row)).number_format = DATE_FORMAT
    for column, width in zip("ABCDEFGHI", (7, 34, 26, 14, 14, 28, 18, 14, 14), strict=False):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=header_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{header_row}:{header_row}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(criteria_set) -> str:
    words = ["xep-loai", "nguoi-dung-dau" if criteria_set.is_heads else "don-vi", str(criteria_set.year)]
    return "-".join([*words, search_key(criteria_set.unit.name).replace(" ", "-")])[:120]
