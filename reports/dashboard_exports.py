"""The dashboard's tables as workbooks (.xlsx, openpyxl) and its one-to-two page summary as an official
document (PDF, WeasyPrint), in the layout of ``reports/documents.py``: the issuing body top left, the
Party header top right with the place-and-date line, the title, the figures, the signer.

Rates go into the workbooks as numbers (0–100) so officials can sort and chart them in Excel.
"""

import io

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from qcdc.spreadsheets import safe_row, sheet_title
from reports import periods
from reports.documents import DATE_FORMAT
from reports.services import place_of
from units.text import search_key

PDF_ROWS = 20  # child units in the PDF: the worst ones first, so the summary stays within two pages


def _rate(value):
    return None if value is None else round(value, 1)


def figure_headers() -> list[str]:
    return [
        _("Expected"),
        _("Received"),
        _("Reporting rate (%)"),
        _("On time (first submission)"),
        _("On-time rate (%)"),
        _("Accepted on time (%)"),
        _("Late"),
        _("Average days late"),
        _("Returned"),
        _("Times returned"),
        _("Overdue now"),
    ]


def figure_cells(f) -> list:
    return [
        f.expected,
        f.received,
        _rate(f.reporting_rate),
        f.on_time,
        _rate(f.on_time_rate),
        _rate(f.accepted_on_time_rate),
        f.late,
        _rate(f.average_days_late),
        f.returned,
        f.returns,
        f.overdue,
    ]


def workbook(title: str, subtitle: str, headers: list[str], rows: list[list]) -> bytes:
    """One sheet: a title, what it covers, a bold header row frozen above the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    sheet.append(safe_row(sheet, [title]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(safe_row(sheet, [subtitle]))
    sheet.append([])
    sheet.append(safe_row(sheet, headers))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(sheet, row))
        for cell in sheet[sheet.max_row]:
            if hasattr(cell.value, "year"):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A5"
    sheet.column_dimensions["A"].width = 36
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def scope_line(flt) -> str:
    return _("%(unit)s, periods ending %(start)s – %(end)s, reports due by %(today)s") % {
        "unit": flt.unit.name,
        "start": f"{flt.start:%d/%m/%Y}",
        "end": f"{flt.end:%d/%m/%Y}",
        "today": f"{flt.today:%d/%m/%Y}",
    }


def table(name: str, context: dict) -> tuple[str, list[str], list[list]]:
    """(title, headers, rows) of one of the dashboard's tables."""
    if name == "units":
        return (
            _("Units"),
            [_("Unit"), *figure_headers()],
            [[r.name, *figure_cells(r.figures)] for r in context["rows"]],
        )
    if name == "heatmap":
        return (
            _("Units by month"),
            [_("Unit"), *[f"{m:%m/%Y}" for m in context["months"]]],
            [[row.name, *[_cell_text(c) for c in cells]] for row, cells in context["heat"]],
        )
    if name == "trend":
        return (
            _("By month"),
            [_("Month"), _("Expected"), _("On time"), _("Late"), _("Returned"), _("Missing")],
            [[f"{m:%m/%Y}", c.expected, c.on_time, c.late, c.returned, c.missing] for m, c in context["trend"]],
        )
    if name == "overdue":
        return (
            _("Overdue reports"),
            [_("Unit"), _("Report"), _("Period"), _("Due date"), _("Days overdue"), _("Head of unit"), _("Reminders")],
            [
                [
                    o.unit.name,
                    o.form.name,
                    o.period_label,
                    o.due_date,
                    o.days_overdue,
                    o.head.person.full_name if o.head else "",
                    o.escalation.label if o.escalation else "",
                ]
                for o in context["overdue"]
            ],
        )
    if name == "indicators":
        return (
            _("Indicators"),
            [_("Code"), _("Indicator"), _("Unit of measure"), _("Total or average"), _("Reports")],
            [
                [t["code"], t["label"], t["unit"], float(t["value"]) if t["value"] is not None else None, t["reports"]]
                for t in context["indicators"]["totals"]
            ],
        )
    if name == "directives":
        return (
            _("Directives"),
            [_("Directive"), _("Abstract"), _("Units assigned"), _("Reported"), _("On time"), _("Overdue")],
            [
                [
                    d["directive__symbol"],
                    d["directive__abstract"],
                    d["units"],
                    d["reported"],
                    d["on_time"],
                    d["overdue"],
                ]
                for d in context["directives"]
            ],
        )
    raise KeyError(name)


TABLES = ("units", "heatmap", "trend", "overdue", "indicators", "directives")


def _cell_text(cell) -> str:
    if not cell.expected:
        return ""
    return f"{cell.on_time}/{cell.expected}" + (f" (-{cell.missing})" if cell.missing else "")


def file_name(kind: str, flt) -> str:
    return f"{kind}-{search_key(flt.unit.name).replace(' ', '-')}-{flt.start:%Y%m}-{flt.end:%Y%m}"[:120]


# The PDF summary ------------------------------------------------------------------------------------


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + "%"


def summary_context(context: dict) -> dict:
    flt = context["flt"]
    unit = flt.unit
    h = context["headline"]
    rows = sorted(
        (r for r in context["rows"] if r.figures.expected),
        key=lambda r: (r.figures.on_time_rate or 0, r.name),
    )
    return {
        "issuer_lines": ["BAN CHỈ ĐẠO QCDC", unit.name.upper()],
        "date_line": periods.document_date_vi(place_of(unit), flt.today),
        "subtitle": (
            f"Tình hình thực hiện chế độ báo cáo Quy chế dân chủ ở cơ sở của {unit.name}, "
            f"các kỳ kết thúc từ ngày {flt.start:%d/%m/%Y} đến ngày {flt.end:%d/%m/%Y}"
        ),
        "headline": [
            ("Số báo cáo phải nộp (đã đến hạn)", str(h.expected)),
            ("Số báo cáo đã nhận", f"{h.received} ({_pct(h.reporting_rate)})"),
            ("Nộp đúng hạn (lần nộp đầu), trên số phải nộp", f"{h.on_time} ({_pct(h.on_time_rate)})"),
            ("Được chấp nhận trong hạn, trên số phải nộp", f"{h.accepted_on_time} ({_pct(h.accepted_on_time_rate)})"),
            ("Nộp muộn; số ngày muộn bình quân", f"{h.late}; {_pct(h.average_days_late)[:-1] or '—'}"),
            ("Bị trả lại để bổ sung (số báo cáo; số lượt)", f"{h.returned}; {h.returns}"),
            ("Quá hạn chưa nộp đến ngày lập báo cáo", str(h.overdue)),
        ],
        "rows": [
            (
                r.name,
                r.figures.expected,
                r.figures.received,
                _pct(r.figures.reporting_rate),
                _pct(r.figures.on_time_rate),
                r.figures.overdue,
            )
            for r in rows[:PDF_ROWS]
        ],
        "more_rows": max(0, len(rows) - PDF_ROWS),
        "overdue": [
            (o.unit.name, o.period_label_vi, f"{o.due_date:%d/%m/%Y}", o.head.person.full_name if o.head else "—")
            for o in context["overdue"][:10]
        ],
        "overdue_total": context["overdue_total"],
        "signer_lines": ["T/M BAN CHỈ ĐẠO", "TRƯỞNG BAN"],
        "recipients": ["- Thường trực cấp ủy (để b/c);", "- Các thành viên Ban Chỉ đạo;", "- Lưu: VT."],
    }


def render_summary_pdf(context: dict) -> bytes:
    from weasyprint import HTML  # loads Pango: only this export needs it

    with translation.override("vi"):
        html = render_to_string("reports/dashboard_summary.html", summary_context(context))
    return HTML(string=html).write_pdf()
