"""A report as an official document (PDF, by WeasyPrint) and as a workbook (.xlsx, by openpyxl).

The PDF follows Decree 30/2020/NĐ-CP's layout: the issuing body top left with the number and symbol
under it, the national (or Party) header top right with the place-and-date line, the title, the body,
the figures, then the recipients (*Nơi nhận*) and the signer. Documents are always in Vietnamese,
whatever the interface language: their fixed words are written here, not translated.
"""

import io
import re

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qcdc.spreadsheets import safe_row
from reports import pages, periods
from reports.models import Report, ReportForm
from reports.models.obligations import FILED
from units.text import search_key

DATE_FORMAT = "DD/MM/YYYY"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()]


def symbol_line(report: Report) -> str:
    """ "Số: 12/BC-UBND"; a symbol without its number ("/BC-UBND") leaves room to write it in."""
    symbol = (report.doc_symbol or "").strip()
    if not symbol:
        return ""
    if symbol[0] in "/-":
        return f"Số:        {symbol}"
    return f"Số: {symbol}"


def document_context(report: Report) -> dict:
    obligation = report.obligation
    form = obligation.form
    rows = {v.indicator_id: v for v in report.values.all()}
    indicators = list(form.indicators.all())
    day = report.doc_date or timezone.localdate()
    subtitle = f"{form.title} {obligation.period_label_vi}".strip()
    if obligation.assignment_id and obligation.assignment:
        subtitle = f"{form.title}: {obligation.assignment.task}"
    return {
        "report": report,
        "obligation": obligation,
        "form": form,
        "party": form.header == ReportForm.Header.PARTY,
        "issuer_lines": _lines(report.issuer) or [obligation.unit.name.upper()],
        "symbol_line": symbol_line(report),
        "date_line": periods.document_date_vi(report.doc_place, day),
        "subtitle": subtitle,
        "sections": [
            (s.title, _paragraphs(report.narrative.get(str(s.pk), "")))
            for s in form.sections.all()
            if (report.narrative.get(str(s.pk)) or "").strip() or s.required
        ],
        "figures": [(i, pages.show_value(i, rows.get(i.pk)) or "—") for i in indicators],
        "recipients": _lines(report.recipients),
        "signer_lines": _lines(report.signer_title),
        "draft": report.status not in FILED,
    }


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only this page needs

    with translation.override("vi"):  # 1.386 and 94,5, "Có": the document's language, not the reader's
        html = render_to_string("reports/document.html", document_context(report))
    return HTML(string=html).write_pdf()


def file_name(report: Report) -> str:
    """An ASCII file name: bao-cao-quy-i-nam-2026-phuong-tu-son."""
    obligation = report.obligation
    return "-".join(["bao-cao", search_key(obligation.period_label_vi), search_key(obligation.unit.name)]).replace(
        " ", "-"
    )[:120]


def render_xlsx(report: Report) -> bytes:
    """One sheet: who, which period, status, each section's text, then the figures as real numbers."""
    obligation = report.obligation
    form = obligation.form
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDE", (6, 60, 14, 16, 24), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append(safe_row(sheet, [None, f"{form.name} — {obligation.period_label}"]))
    sheet["B1"].font = Font(bold=True, size=13)
    facts = [
        (_("Unit"), obligation.unit.name),
        (_("Data from"), obligation.period_start),
        (_("Data until"), obligation.period_end),
        (_("Due date"), obligation.due_date),
        (_("Status"), report.get_status_display()),
        (_("Number and symbol"), report.doc_symbol),
        (_("Signed by"), report.signer_name),
    ]
    for label, value in facts:
        sheet.append(safe_row(sheet, [None, label, value]))
        cell = sheet.cell(row=sheet.max_row, column=3)
        if hasattr(value, "year"):
            cell.number_format = DATE_FORMAT
    sheet.append([])
    for section in form.sections.all():
        sheet.append(safe_row(sheet, [None, section.title]))
        sheet.cell(row=sheet.max_row, column=2).font = bold
        sheet.append(safe_row(sheet, [None, report.narrative.get(str(section.pk), "")]))
        cell = sheet.cell(row=sheet.max_row, column=2)
        cell.alignment = wrap
        sheet.merge_cells(start_row=sheet.max_row, start_column=2, end_row=sheet.max_row, end_column=5)
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(safe_row(sheet, [_("No."), _("Indicator"), _("Unit of measure"), _("Value"), _("Code")]))
    for column in range(1, 6):
        sheet.cell(row=header_row, column=column).font = bold
    rows = {v.indicator_id: v for v in report.values.all()}
    for number, indicator in enumerate(form.indicators.all(), start=1):
        row = rows.get(indicator.pk)
        if row is None or not row.raw:
            value = None
        elif indicator.value_type == indicator.ValueType.TEXT or row.value_decimal is None:
            value = row.value_text or row.raw
        elif indicator.value_type == indicator.ValueType.BOOLEAN:
            value = pages.show_value(indicator, row)
        elif indicator.value_type == indicator.ValueType.INTEGER:
            value = int(row.value_decimal)
        else:
            value = float(row.value_decimal)
        sheet.append(safe_row(sheet, [number, indicator.label, indicator.unit, value, indicator.code]))
        sheet.cell(row=sheet.max_row, column=2).alignment = wrap
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_options.gridLines = False
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{header_row}:{header_row}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
