"""The dashboard's tables as workbooks (.xlsx, openpyxl); its summary, an issued document, is
``reports/dashboard_summary.py``.

Rates go into the workbooks as numbers (0–100) so officials can sort and chart them in Excel.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from qcdc.spreadsheets import safe_cell, sheet_title, text_cell
from reports.documents.pdf import DATE_FORMAT
from reports.numbers import rounded_float
from units.text import search_key


def figure_headers() -> list[str]:
    return [
        _("Expected"),
        _("Received"),
        _("Reporting rate (%)"),
        _("Filed now"),
        _("Filed now (%)"),
        _("Meets the requirements"),
        _("Meets the requirements (%)"),
        _("On time (first submission)"),
        _("On-time rate (%)"),
        _("Accepted on time (%)"),
        _("Late"),
        _("Average working days late"),
        _("Returned"),
        _("Times returned"),
        _("Overdue now"),
    ]


def figure_cells(f) -> list:
    return [
        f.expected,
        f.received,
        rounded_float(f.reporting_rate),
        f.filed,
        rounded_float(f.filed_rate),
        f.accepted,
        rounded_float(f.accepted_rate),
        f.on_time,
        rounded_float(f.on_time_rate),
        rounded_float(f.accepted_on_time_rate),
        f.late,
        rounded_float(f.average_days_late),
        f.returned,
        f.returns,
        f.overdue,
    ]


def workbook(title: str, subtitle: str, headers: list[str], rows) -> bytes:
    """One sheet: a title, what it covers, a bold header row frozen above the rows (every row given).

    Written in openpyxl's write-only mode, row after row, so a national table of tens of thousands of rows
    holds them all without building each cell as an object first; ``rows`` may be a generator."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title))
    sheet.freeze_panes = "A5"
    sheet.column_dimensions["A"].width = 36
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4

    def styled(value, **style):
        cell = text_cell(sheet, value)  # text stays text: never a formula
        for name, v in style.items():
            setattr(cell, name, v)
        return cell

    sheet.append([styled(title, font=Font(bold=True, size=13))])
    sheet.append([safe_cell(sheet, subtitle)])
    sheet.append([])
    sheet.append([styled(h, font=Font(bold=True)) for h in headers])
    for row in rows:
        sheet.append([styled(v, number_format=DATE_FORMAT) if hasattr(v, "year") else safe_cell(sheet, v) for v in row])
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
            [_("Month"), _("Expected"), _("On time"), _("Late"), _("Returned"), _("Overdue")],
            [[f"{m:%m/%Y}", c.expected, c.on_time, c.late, c.returned, c.missing] for m, c in context["trend"]],
        )
    if name == "overdue":
        return (
            _("Overdue reports"),
            [
                _("Unit"),
                _("Report"),
                _("Period"),
                _("Due date"),
                _("Working days overdue"),
                _("Head of unit"),
                _("Reminders"),
            ],
            (
                [
                    o.unit.name,
                    o.form.name,
                    o.period_label,
                    o.due_date,
                    o.days_overdue,
                    o.head.person.full_name if o.head else "",
                    o.escalation.summary if o.escalation else "",
                ]
                for o in context["overdue"]
            ),
        )
    if name == "indicators":
        return (
            _("Indicators"),
            [_("Report form"), _("Code"), _("Indicator"), _("Unit of measure"), _("Total or average"), _("Reports")],
            [
                [
                    t["form"],
                    t["code"],
                    t["label"],
                    t["unit"],
                    _indicator_value(t),
                    t["reports"],
                ]
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


def _indicator_value(t: dict):
    """A total as it was summed; an average rounded as every average is."""
    if t["value"] is None:
        return None
    return rounded_float(t["value"]) if t["averaged"] else float(t["value"])


TABLES = ("units", "heatmap", "trend", "overdue", "indicators", "directives")


def _cell_text(cell) -> str:
    if not cell.expected:
        return ""
    return f"{cell.on_time}/{cell.expected}" + (f" (-{cell.missing})" if cell.missing else "")


def file_name(kind: str, flt) -> str:
    return f"{kind}-{search_key(flt.unit.name).replace(' ', '-')}-{flt.start:%Y%m}-{flt.end:%Y%m}"[:120]
