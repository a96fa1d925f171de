"""A report as an official document (PDF, by WeasyPrint) and as a workbook (.xlsx, by openpyxl).

The PDF follows Decree 30/2020/NĐ-CP's layout: the issuing body top left with the number and symbol
under it, the national (or Party) header top right with the place-and-date line, the title, the body,
the figures, then the recipients (*Nơi nhận*) and the signer. Documents are always in Vietnamese,
whatever the interface language: their fixed words are written here, not translated.
"""

import io
import re
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qcdc.spreadsheets import safe_row
from reports import pages, periods
from reports.documents import signing
from reports.models import Report
from reports.models.obligations import FILED
from units.text import search_key

DATE_FORMAT = "DD/MM/YYYY"

# One typeface for every document, shipped in reports/fonts/ (SIL OFL 1.1, OFL.txt) and embedded in each PDF: Tinos,
# Times New Roman's metrics with every Vietnamese letter (Ơ, Ư, the hook above), so no system font is needed.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "Tinos"
FONT_FILES = {
    ("normal", "normal"): "Tinos-Regular.ttf",
    ("bold", "normal"): "Tinos-Bold.ttf",
    ("normal", "italic"): "Tinos-Italic.ttf",
    ("bold", "italic"): "Tinos-BoldItalic.ttf",
}
# Words that open the name of a body: the issuer's last line starting with one begins the issuing body itself,
# the lines above it name the body above (printed upright, not bold).
BODY_WORDS = (
    "ỦY BAN", "UỶ BAN", "UBND", "HỘI ĐỒNG", "HĐND", "ĐẢNG ỦY", "ĐẢNG UỶ", "ĐẢNG BỘ", "CHI BỘ", "BAN ", "SỞ ", "PHÒNG ",
    "VĂN PHÒNG", "MẶT TRẬN", "ỦY BAN MẶT TRẬN", "TỈNH ỦY", "TỈNH UỶ", "THÀNH ỦY", "THÀNH UỶ", "THỊ ỦY", "THỊ UỶ",
    "HUYỆN ỦY", "HUYỆN UỶ", "BỘ ", "CỤC ", "TRUNG TÂM", "TRƯỜNG ", "CÔNG AN", "HỘI ", "ĐOÀN ",
)  # fmt: skip


def font_faces() -> SafeString:
    """The @font-face rules of the shipped typeface, by absolute file URL (WeasyPrint reads them from disk)."""
    rules = [
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{(FONT_DIR / name).as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for (weight, style), name in FONT_FILES.items()
    ]
    return mark_safe("\n".join(rules))  # our own constant CSS: nothing typed by a user


def write_pdf(template: str, context: dict) -> bytes:
    """An official document's PDF, in Vietnamese whatever the reader's language (1.386 and 94,5, "Có")."""
    from weasyprint import HTML  # imported here: it loads Pango, which only the documents need

    with translation.override("vi"):
        html = render_to_string(template, {**context, "font_faces": font_faces()})
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()


def text_lines(text: str) -> list[str]:
    """The non-empty lines of a typed text, trimmed (a textarea posts "\r\n")."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()]


def split_issuer(lines: list[str]) -> tuple[list[str], list[str]]:
    """(the body above, the issuing body) of the issuer's lines; the Party's "*" is the template's, not a line.

    "ĐẢNG BỘ TỈNH BẮC NINH / ĐẢNG ỦY PHƯỜNG TỪ SƠN" is a parent and its committee; "ỦY BAN NHÂN DÂN / PHƯỜNG TỪ SƠN" is one
    body's name on two lines. The issuing body starts at the last line opening with the name of a body."""
    lines = [line for line in lines if line.strip("* ")]
    starts = [i for i, line in enumerate(lines) if line.upper().startswith(BODY_WORDS)]
    first = starts[-1] if starts else 0
    return lines[:first], lines[first:]


def symbol_text(symbol: str, *, party: bool) -> str:
    """ "Số: 12/BC-UBND" (Decree 30), "Số 125-BC/ĐU" with no colon (Guideline 36); a symbol without its number
    ("/BC-UBND") leaves room to write it in."""
    symbol = (symbol or "").strip()
    if not symbol:
        return ""
    word = "Số" if party else "Số:"
    if symbol[0] in "/-":
        return f"{word}        {symbol}"
    return f"{word} {symbol}"


def symbol_line(report: Report, party: bool | None = None) -> str:
    if party is None:
        party = report.is_party
    return symbol_text(report.doc_symbol, party=party)


def document_context(report: Report) -> dict:
    obligation = report.obligation
    form = obligation.form
    if report.status not in FILED:  # a draft shows who would sign it on its date, as the posts stand now
        holder = signing.expected_signer(obligation.unit, report.issuing_body, report.doc_date or timezone.localdate())
        report.signer_title, report.signer_name = signing.signature(report.issuing_body, holder)
    rows = {v.indicator_id: v for v in report.values.all()}
    indicators = list(form.indicators.all())
    day = report.doc_date or timezone.localdate()
    subtitle = f"{form.title} {obligation.period_label_vi}".strip()
    if obligation.assignment_id and obligation.assignment:
        subtitle = f"{form.title}: {obligation.assignment.task}"
    elif obligation.directive_id:  # a periodic report a directive requires names it
        subtitle = f"{subtitle} theo {obligation.directive.doc_type.name} số {obligation.directive.symbol}"
    party = report.is_party
    parent_lines, issuer_lines = split_issuer(text_lines(report.issuer) or [obligation.unit.name.upper()])
    return {
        "report": report,
        "obligation": obligation,
        "form": form,
        "party": party,
        "parent_lines": parent_lines,
        "issuer_lines": issuer_lines,
        "symbol_line": symbol_line(report, party),
        "date_line": periods.document_date_vi(report.doc_place, day),
        "subtitle": subtitle,
        "sections": [
            (s.title, _paragraphs(report.narrative.get(str(s.pk), "")))
            for s in form.sections.all()
            if (report.narrative.get(str(s.pk)) or "").strip() or s.required
        ],
        "figures": [(i, pages.show_value(i, rows.get(i.pk)) or "—") for i in indicators],
        "recipients": text_lines(report.recipients),
        "signer_lines": text_lines(report.signer_title),
        "draft": report.status not in FILED,
        "issuing_body": report.issuing_body,
        **approval_context(report),
    }


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def approval_context(report: Report) -> dict:
    """``version`` (the latest filed one, or None) and ``approval_line``: which version this is and who
    approved it, when, in the document's words; a version filed without the head's approval says so."""
    versions = sorted(report.versions.all(), key=lambda v: v.number)  # prefetched by the views
    latest = versions[-1] if versions else None
    if report.status not in FILED:
        after = f" (sau bản số {latest.number})" if latest else ""
        return {"version": None, "approval_line": f"Dự thảo{after}, chưa được ký duyệt."}
    if latest is None:  # filed before versions were kept, or loaded in bulk: no approval is on record
        filed = f"Nộp lúc {_when(report.submitted_at)}; " if report.submitted_at else ""
        return {"version": None, "approval_line": f"{filed}hệ thống không lưu bản ký duyệt của báo cáo này."}
    if latest.approved_at:
        who = latest.approved_by.display_name if latest.approved_by else report.signer_name
        line = f"Bản số {latest.number}, ký duyệt: {who}, lúc {_when(latest.approved_at)}."
    else:
        signed = next((v for v in reversed(versions) if v.approved_at), None)
        line = f"Bản số {latest.number}, nộp lúc {_when(latest.created_at)}, "
        if signed is not None:
            who = signed.approved_by.display_name if signed.approved_by else ""
            line += (
                f"không qua ký duyệt lại (bản số {signed.number} do {who} ký duyệt lúc {_when(signed.approved_at)})."
            )
        else:
            line += "không qua người đứng đầu ký duyệt."
    return {"version": latest, "approval_line": line}


def render_pdf(report: Report) -> bytes:
    with translation.override("vi"):  # the figures are formatted while the context is built
        context = document_context(report)
    return write_pdf("reports/document.html", context)


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
