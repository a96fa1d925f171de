"""The register as an Excel workbook: one row per directive the user may see, with the page's filters."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from qcdc.spreadsheets import text_cell

DATE_FORMAT = "DD/MM/YYYY"


def _columns():
    """(heading, width, value of a directive)."""
    return [
        (_("Number and symbol"), 18, lambda d: d.symbol),
        (_("Type"), 16, lambda d: d.doc_type.name),
        (_("Issuing body"), 30, lambda d: d.issuer),
        (_("Issue date"), 12, lambda d: d.issued_on),
        (_("Place of issue"), 14, lambda d: d.issued_place),
        (_("Abstract"), 60, lambda d: d.abstract),
        (_("Signed by"), 22, lambda d: d.signer),
        (_("Signer's position"), 22, lambda d: d.signer_position),
        (_("Confidentiality"), 14, lambda d: d.get_confidentiality_display()),
        (_("Urgency"), 14, lambda d: d.get_urgency_display()),
        (_("Effective from"), 12, lambda d: d.effective_from),
        (_("Effective until"), 12, lambda d: d.effective_to),
        (_("Status"), 12, lambda d: d.get_status_display()),
        (_("Implements"), 22, lambda d: ", ".join(r.target.symbol for r in d.implements)),
        (_("Registered by"), 24, lambda d: d.owner_unit.name),
    ]


def register_workbook(directives) -> io.BytesIO:
    """An .xlsx in memory (write-only mode keeps memory flat); dates are real dates shown dd/mm/yyyy."""
    columns = _columns()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Directives")[:31])
    for index, (_heading, width, _value) in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for heading, _width, _value in columns:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for directive in directives.iterator(chunk_size=1000):
        row = []
        for _heading, _width, value in columns:
            cell = text_cell(sheet, value(directive) or None)
            if cell.is_date:
                cell.number_format = DATE_FORMAT
            cell.alignment = wrap
            row.append(cell)
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
