"""Each register as an Excel workbook: every row the user may see, and a template to fill in and upload.

An upload is all or nothing: every row is checked first (the same checks as the form), every problem is
reported with its row number as Excel shows it and the reason, and nothing is saved unless every row is
good. Headings are part of the file format: the template writes them in Vietnamese whatever the page
language; the reader also accepts the English headings.
"""

import io
import zipfile
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from directives.models import Directive
from qcdc import archives
from qcdc.spreadsheets import put, sheet_title, text_cell
from registers import rules, services
from registers.models import MatterKind
from registers.registry import Register
from units.excel_import import RowError
from units.excel_import.cells import cell_text, parse_date
from units.models import Headship, Unit
from units.text import name_identity, search_key

MAX_ROWS = 2000
DATE_FORMAT = "DD/MM/YYYY"
UNIT_COLUMN = "unit"
# Links a workbook cell can name, and how: a kind of matter by name, a directive by its symbol, a head by name.
LINKS = ("matter_kind", "directive", "headship")
NOT_IMPORTED = ("body",)


@dataclass(frozen=True)
class Column:
    field: str
    heading: str
    english: str
    required: bool
    kind: str  # text, date, int, choice, link


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _kind_of(f) -> str:
    if f.is_relation:
        return "link"
    if f.choices:
        return "choice"
    t = f.get_internal_type()
    if t == "DateField":
        return "date"
    if t in ("PositiveIntegerField", "PositiveSmallIntegerField", "IntegerField"):
        return "int"
    return "text"


def columns(register: Register) -> list[Column]:
    """The template's columns: the unit, then the register's fields in the form's order."""

    def label(name):
        return register.field_label(name) if name != UNIT_COLUMN else str(_("Unit"))

    out = []
    for name in (UNIT_COLUMN, *register.all_fields):
        if name in NOT_IMPORTED:
            continue
        with translation.override("vi"):
            heading = label(name)
        with translation.override("en"):
            english = label(name)
        if name == UNIT_COLUMN:
            out.append(Column(name, heading, english, False, "unit"))
            continue
        f = register.model._meta.get_field(name)
        required = not (f.blank or f.null or f.has_default())
        out.append(Column(name, heading, english, required, _kind_of(f)))
    return out


# ---------------------------------------------------------------------------------------------
# Export


def _export_columns(register: Register) -> list[tuple[str, object]]:
    """(heading, value of a row): the unit, every field of the form, what was computed, who entered it."""
    names = list(register.all_fields)
    if register.model._meta.model_name == "communitydecision":
        names += ["threshold_percent", "carried"]

    def reader(name):
        return lambda record: _cell_value(record, name)

    return [
        (_("Unit"), lambda r: r.unit.name),
        *(
            (
                register.field_label(n)
                if n in register.all_fields
                else str(register.model._meta.get_field(n).verbose_name),
                reader(n),
            )
            for n in names
        ),
        (_("Entered by"), lambda r: r.entered_by.username if r.entered_by else ""),
        (_("Entered at"), lambda r: timezone.localtime(r.entered_at).replace(tzinfo=None) if r.entered_at else None),
    ]


def _cell_value(record, name: str):
    value = getattr(record, name)
    f = record._meta.get_field(name)
    if f.is_relation or f.choices or isinstance(value, bool):
        return services.display(record, name)
    return value


def export_workbook(register: Register, records) -> io.BytesIO:
    """Every row of ``records`` (write-only mode keeps memory flat); text is written as text, never as a formula."""
    cols = _export_columns(register)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(str(register.title)))
    sheet.freeze_panes = "A2"
    for index in range(len(cols)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = 20
    bold = Font(bold=True)
    header = []
    for heading, _value in cols:
        cell = WriteOnlyCell(sheet, value=str(heading))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for record in records.select_related("entered_by").iterator(chunk_size=2000):
        row = []
        for _heading, value in cols:
            v = value(record)
            cell = text_cell(sheet, v if v != "" else None)
            if cell.is_date:
                cell.number_format = DATE_FORMAT
            cell.alignment = wrap
            row.append(cell)
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


# ---------------------------------------------------------------------------------------------
# Template


def _note(register: Register, column: Column) -> str:
    if column.kind == "unit":
        return _("The unit's name, inside the unit chosen when uploading; empty for that unit itself.")
    required = _("Required.") if column.required else _("Optional.")
    if column.kind == "date":
        return f"{required} " + _("Date as dd/mm/yyyy, e.g. 15/03/2026.")
    if column.kind == "int":
        return f"{required} " + _("A whole number, 0 or more.")
    if column.kind == "choice":
        labels = [str(label) for _code, label in register.model._meta.get_field(column.field).choices]
        return f"{required} " + _("One of: %(values)s.") % {"values": "; ".join(labels)}
    if column.field == "matter_kind":
        return f"{required} " + _("One of: %(values)s.") % {
            "values": "; ".join(MatterKind.objects.filter(is_active=True).values_list("name", flat=True))
        }
    if column.field == "directive":
        return f"{required} " + _("The directive's number and symbol as in the register, e.g. 120-KL/TW.")
    if column.field == "headship":
        return f"{required} " + _("The head's full name, as recorded among the unit's heads.")
    return required


def template(register: Register) -> bytes:
    cols = columns(register)
    book = openpyxl.Workbook()
    sheet = book.active
    with translation.override("vi"):
        sheet.title = sheet_title(str(register.title))
    white = Font(bold=True, color="FFFFFF")
    for index, column in enumerate(cols, start=1):
        cell = put(sheet, 1, index, column.heading)
        cell.font = white
        cell.fill = PatternFill("solid", fgColor="B3261E" if column.required else "5F6368")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = 24
        if column.kind == "date":
            sheet.column_dimensions[get_column_letter(index)].number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(sheet_title(_("Instructions")))
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 90
    put(guide, 1, 1, str(register.title)).font = Font(bold=True, size=14)
    put(guide, 2, 1, _("One row per record from row 2 of the first sheet; do not change the first row."))
    put(
        guide,
        3,
        1,
        _("At most %(limit)s rows per file. If any row has a problem, nothing is saved.")
        % {"limit": formats.number_format(MAX_ROWS, force_grouping=True)},
    )
    for offset, column in enumerate(cols, start=5):
        put(guide, offset, 1, column.heading).font = Font(bold=True)
        put(guide, offset, 2, _note(register, column)).alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Import


class _Reader:
    def __init__(self, *, actor, register: Register, unit: Unit):
        self.actor, self.register, self.unit = actor, register, unit
        self.errors: list[RowError] = []
        self.cols = columns(register)
        self._units = None
        self._directives: dict[str, Directive | None] = {}
        self._heads: dict[tuple[int, str], list[Headship]] = {}
        self._kinds = {name_identity(k.name): k for k in MatterKind.objects.filter(is_active=True)}

    def error(self, row, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def check_file(self, file) -> bool:
        if file.size > settings.MAX_UPLOAD_SIZE:
            self.error(
                None,
                "",
                _("The file is %(size)s; the limit is %(limit)s. Split it into several files.")
                % {"size": filesizeformat(file.size), "limit": filesizeformat(settings.MAX_UPLOAD_SIZE)},
            )
            return False
        file.seek(0)
        head = file.read(8)
        file.seek(0)
        try:
            if not head.startswith(b"PK\x03\x04"):
                raise ValidationError("not a zip", code="damaged")
            archives.check_zip(file, max_uncompressed=settings.IMPORT_MAX_UNCOMPRESSED)
        except ValidationError as exc:
            self.error(
                None,
                "",
                exc.messages[0]
                if exc.code != "damaged"
                else _("This file is not an Excel workbook (.xlsx): start from the template and save it as .xlsx."),
            )
            return False
        return True

    def rows(self, file) -> list[tuple[int, dict]]:
        try:
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        except Exception:  # openpyxl fails in many ways on a zip that is not a workbook
            self.error(
                None, "", _("This file is not an Excel workbook (.xlsx): start from the template and save it as .xlsx.")
            )
            return []
        try:
            sheet = book.worksheets[0]
            header = next(sheet.iter_rows(min_row=1, max_row=1, max_col=60, values_only=True), ())
            wanted = {}
            for column in self.cols:
                wanted.setdefault(search_key(column.heading), column.field)
                wanted.setdefault(search_key(column.english), column.field)
            positions = {}
            for index, value in enumerate(header):
                name = wanted.get(search_key(cell_text(value)))
                if name and name not in positions:
                    positions[name] = index
            missing = [c.heading for c in self.cols if c.required and c.field not in positions]
            if missing:
                self.error(
                    1,
                    "",
                    _("The first row must hold the template's headings; missing: %(columns)s.")
                    % {"columns": ", ".join(missing)},
                )
                return []
            out = []
            width = max(positions.values()) + 1
            for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2):
                cells = {n: values[i] if i < len(values) else None for n, i in positions.items()}
                if all(cell_text(v) == "" for v in cells.values()):
                    continue
                if len(out) == MAX_ROWS:
                    self.error(
                        None,
                        "",
                        _("The file has more than %(limit)s rows; split it into several files.")
                        % {"limit": formats.number_format(MAX_ROWS, force_grouping=True)},
                    )
                    return []
                out.append((number, cells))
            if not out:
                self.error(None, "", _("The first sheet has no rows under its headings."))
            return out
        except (ValueError, TypeError, KeyError, IndexError, SyntaxError, EOFError, zipfile.BadZipFile, OSError):
            self.error(None, "", _("The file is damaged and cannot be read. Save it again in Excel and retry."))
            return []
        finally:
            book.close()

    def units(self) -> dict[str, list[Unit]]:
        if self._units is None:
            self._units = {}
            for u in Unit.objects.subtree(self.unit).only("id", "name", "path", "kind", "parent_id"):
                self._units.setdefault(name_identity(u.name), []).append(u)
        return self._units

    def resolve_unit(self, value) -> Unit:
        text = cell_text(value)
        if not text:
            return self.unit
        found = self.units().get(name_identity(text), [])
        if not found:
            raise ValueError(_("No unit called “%(name)s” inside %(unit)s.") % {"name": text, "unit": self.unit.name})
        if len(found) > 1:
            raise ValueError(
                _("Several units are called “%(name)s” inside %(unit)s.") % {"name": text, "unit": self.unit.name}
            )
        unit = found[0]
        if not rules.may_enter(self.actor, unit):
            raise ValueError(_("You may not enter rows for %(unit)s.") % {"unit": unit.name})
        return unit

    def resolve_link(self, name: str, value, unit: Unit):
        text = cell_text(value)
        if name == "matter_kind":
            kind = self._kinds.get(name_identity(text))
            if kind is None:
                raise ValueError(_("Unknown kind of matter “%(value)s”.") % {"value": text})
            return kind
        if name == "directive":
            key = search_key(text)
            if key not in self._directives:
                matches = list(Directive.objects.visible_to(self.actor).filter(symbol__iexact=text)[:2])
                self._directives[key] = matches[0] if len(matches) == 1 else None
            if self._directives[key] is None:
                raise ValueError(_("No directive “%(value)s” in the register you may see.") % {"value": text})
            return self._directives[key]
        if name == "headship":
            key = (unit.pk, name_identity(text))
            if key not in self._heads:
                self._heads[key] = [
                    h
                    for h in Headship.objects.filter(unit=unit).select_related("person")
                    if name_identity(h.person.full_name) == key[1]
                ]
            heads = self._heads[key]
            if not heads:
                raise ValueError(
                    _("%(name)s is not recorded as a head of %(unit)s.") % {"name": text, "unit": unit.name}
                )
            return sorted(heads, key=lambda h: (h.ended_on is not None, h.started_on), reverse=False)[0]
        raise ValueError(text)

    def parse(self, number: int, cells: dict) -> dict | None:
        fields = {}
        ok = True
        try:
            fields["unit"] = self.resolve_unit(cells.get(UNIT_COLUMN))
        except ValueError as exc:
            self.error(number, str(self.cols[0].heading), str(exc))
            return None
        for column in self.cols[1:]:
            raw = cells.get(column.field)
            if cell_text(raw) == "":
                if column.required:
                    self.error(number, column.heading, _("Required."))
                    ok = False
                continue
            try:
                fields[column.field] = self.value(column, raw, fields["unit"])
            except ValueError as exc:
                self.error(number, column.heading, str(exc))
                ok = False
        if not ok:
            return None
        record = self.register.model(**fields)
        services._prepare(record)
        try:
            record.full_clean(exclude=["search_key", "entered_by", "updated_by"])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                heading = next((c.heading for c in self.cols if c.field == name), "")
                for message in messages:
                    self.error(number, heading, message)
            return None
        return fields

    def value(self, column: Column, raw, unit: Unit):
        if column.kind == "date":
            try:
                return parse_date(raw)
            except (ValueError, TypeError, OverflowError):
                raise ValueError(_("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": cell_text(raw)}) from None
        if column.kind == "int":
            if isinstance(raw, bool):
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": raw})
            try:
                number = (
                    float(raw)
                    if isinstance(raw, int | float)
                    else float(cell_text(raw).replace(".", "").replace(",", ""))
                )
            except ValueError:
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": cell_text(raw)}) from None
            if not number.is_integer() or number < 0:
                raise ValueError(_("“%(value)s” is not a whole number, 0 or more.") % {"value": cell_text(raw)})
            return int(number)
        if column.kind == "choice":
            text = name_identity(cell_text(raw))
            for code, label in self.register.model._meta.get_field(column.field).choices:
                with translation.override("vi"):
                    vi = name_identity(str(label))
                with translation.override("en"):
                    en = name_identity(str(label))
                if text in (name_identity(code), vi, en):
                    return code
            raise ValueError(_("“%(value)s” is not one of the allowed values.") % {"value": cell_text(raw)})
        if column.kind == "link":
            return self.resolve_link(column.field, raw, unit)
        f = self.register.model._meta.get_field(column.field)
        text = str(raw).strip() if isinstance(f, models.TextField) else cell_text(raw)
        return text


def import_workbook(*, actor, register: Register, unit: Unit, file) -> ImportResult:
    """Read, check every row, then save them all in one transaction, or none."""
    if not rules.may_enter(actor, unit):
        raise PermissionDenied
    reader = _Reader(actor=actor, register=register, unit=unit)
    result = ImportResult()
    if not reader.check_file(file):
        result.errors = reader.errors
        return result
    parsed = [reader.parse(number, cells) for number, cells in reader.rows(file)]
    if reader.errors:
        result.errors = reader.errors
        return result
    with transaction.atomic():
        result.created = services.records_import(actor=actor, register=register, unit=unit, rows=parsed)
    return result
