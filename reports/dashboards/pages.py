"""What the dashboard pages, their Excel tables and the PDF summary show, built from ``reports.selectors``.

The filter comes from the query string (``from``/``to`` as YYYY-MM, ``form`` repeated); the tables are
plain rows so that the page, the workbook and the PDF show the same thing.
"""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import periods, selectors
from reports.models import ReportForm
from reports.numbers import rounded_float
from reports.reminders import escalation_reached
from reports.selectors.figures import Cell, Grid
from reports.selectors.filters import SELF, month_bounds
from units.text import sort_key

OVERDUE_LISTED = 50  # the oldest overdue reports read for "show more" (the page shows 10 first; the Excel file all)
CHUNK = 2000  # rows per query of the heads and reminders of an overdue list: within any database's parameter limit
RANKED = 5

CHILD_SORTS = {
    # The default: the units that need the leader's attention first (most overdue, then the lowest on-time rate).
    "worst": (
        lambda r: (-r.figures.overdue, _n(r.figures.on_time_rate) if r.figures.expected else 101, sort_key(r.name)),
        False,
    ),
    "name": (lambda r: sort_key(r.name), False),
    "expected": (lambda r: r.figures.expected, True),
    "reporting": (lambda r: _n(r.figures.reporting_rate), True),
    "filed": (lambda r: _n(r.figures.filed_rate), True),
    "meets": (lambda r: _n(r.figures.accepted_rate), True),
    "on_time": (lambda r: _n(r.figures.on_time_rate), True),
    "accepted": (lambda r: _n(r.figures.accepted_on_time_rate), True),
    "late": (lambda r: r.figures.late, True),
    "days_late": (lambda r: _n(r.figures.average_days_late), True),
    "returned": (lambda r: r.figures.returned, True),
    "overdue": (lambda r: r.figures.overdue, True),
}


def _n(value) -> float:
    return -1.0 if value is None else value


MONTH_TYPED = re.compile(r"^(?:tháng\s*)?(\d{1,2})\s*/\s*(\d{4})$", re.IGNORECASE)
MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_label(day: datetime.date) -> str:
    """A month as the filter shows it and reads it back: "tháng 1/2026"."""
    return f"tháng {day.month}/{day.year}"


class MonthField(forms.CharField):
    """A month typed as "tháng 1/2026", "1/2026" or "01/2026"; links and the API give YYYY-MM."""

    widget = forms.TextInput(attrs={"data-datepicker": "month", "autocomplete": "off"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        typed, iso = MONTH_TYPED.match(value.strip()), MONTH_ISO.match(value.strip())
        try:
            if typed:
                return datetime.date(int(typed[2]), int(typed[1]), 1)
            if iso:
                return datetime.date(int(iso[1]), int(iso[2]), 1)
        except ValueError:
            pass
        raise forms.ValidationError(_("Enter the month as month/year, for example 1/2026."))


class DashboardFilterForm(forms.Form):
    start = MonthField(label=gettext_lazy("From (month)"), required=False)
    end = MonthField(label=gettext_lazy("To (month)"), required=False)
    form = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Report forms"), queryset=ReportForm.objects.none(), required=False
    )

    def __init__(self, data, today: datetime.date):
        data = data.copy()
        # The query string speaks of from/to; the defaults are this year up to this month.
        data.setdefault("start", data.get("from") or f"{today.year}-01")
        data.setdefault("end", data.get("to") or f"{today:%Y-%m}")
        super().__init__(data)
        self.fields["form"].queryset = ReportForm.objects.filter(kind__in=["periodic", "thematic"]).order_by(
            "kind", "name"
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The last month comes before the first."))
        return data


def dashboard_filter_from(request, unit) -> tuple[selectors.DashboardFilter, DashboardFilterForm]:
    """The filter the query string asks for (the defaults where it is empty or wrong)."""
    from django.utils import timezone

    today = timezone.localdate()
    form = DashboardFilterForm(request.GET, today)
    start = end = None
    form_ids = []
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        end = month_bounds(end.year, end.month)[1] if end else None
        form_ids = [f.pk for f in form.cleaned_data["form"]]
    return selectors.dashboard_filter(unit, start=start, end=end, form_ids=form_ids, today=today), form


@dataclass
class Row:
    bucket: str
    name: str
    unit: object
    figures: selectors.Figures


def child_rows(flt, grid: Grid, sort: str = "name") -> list[Row]:
    """The children's rows of ``grid``, sorted (one query: the units' names)."""
    rows = []
    for r in selectors.child_units(flt, grid.by_bucket):
        if r.unit is None:
            rows.append(Row(SELF, _("%(unit)s (its own reports)") % {"unit": flt.unit.name}, flt.unit, r.figures))
        else:
            rows.append(Row(str(r.unit.pk), r.unit.name, r.unit, r.figures))
    key, descending = CHILD_SORTS.get(sort, CHILD_SORTS["worst"])
    rows.sort(key=key, reverse=descending)
    return rows


def ranking(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """Best and worst units by on-time rate (then reporting rate), among those that owed something."""
    ranked = sorted(
        (r for r in rows if r.figures.expected and r.bucket != SELF),
        key=lambda r: (_n(r.figures.on_time_rate), _n(r.figures.reporting_rate), -r.figures.overdue),
        reverse=True,
    )
    if len(ranked) < 2:
        return [], []
    half = min(RANKED, len(ranked) // 2)
    return ranked[:half], list(reversed(ranked[-half:]))


def months_of(flt) -> list[datetime.date]:
    last = min(flt.end, flt.today)
    months, day = [], datetime.date(flt.start.year, flt.start.month, 1)
    while day <= last:
        months.append(day)
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def heatmap_rows(months: list[datetime.date], rows: list[Row], grid: Grid):
    """One (row, cells) per unit, one cell per month (empty where nothing fell due)."""
    empty = Cell()
    return [(row, [grid.cells.get((row.bucket, m), empty) for m in months]) for row in rows]


def overdue_rows(flt, limit: int | None = OVERDUE_LISTED):
    """The oldest overdue reports (all of them with ``limit=None``), each with the head in office on its
    due date and the reminder stage reached: one query for the rows, then two per ``CHUNK`` of them."""
    rows = selectors.oldest_overdue(flt, limit=limit)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        heads = selectors.heads_on_due_dates(chunk)
        stages = escalation_reached([o.pk for o in chunk])
        for o in chunk:
            o.head = heads.get(o.pk)
            o.escalation = stages.get(o.pk)
            o.days_overdue = periods.working_days_late(o.due_date, flt.today)
    return rows


def indicator_rows(flt, key: str | None, rows: list[Row]):
    """The results per form and indicator, and the detail of one (``key`` "form:code"; the first otherwise)."""
    totals = selectors.indicator_totals(flt)
    chosen_row = next((t for t in totals if t["key"] == key), totals[0] if totals else None)
    by_child, by_month = {}, {}
    if chosen_row:
        by_child, by_month = selectors.indicator_detail(flt, chosen_row["form_id"], chosen_row["code"])
    child_values = [(r, by_child.get(r.bucket)) for r in rows if r.bucket in by_child]
    return {"totals": totals, "chosen": chosen_row, "by_child": child_values, "by_month": sorted(by_month.items())}


def _figure_tables(flt, grid, sort: str) -> dict:
    """The units, the heatmap and the trend, from ``grid``."""
    rows = child_rows(flt, grid, sort)
    months = months_of(flt)
    by_month = grid.trend
    return {
        "rows": rows,
        "months": months,
        "heat": heatmap_rows(months, rows, grid),
        "trend": [(m, by_month.get(m, Cell())) for m in months],
    }


def table_context(flt, table: str, *, sort: str = "name") -> dict:
    """What one Excel table needs of ``dashboard_context``, and nothing more: a workbook of the directives
    does not scan the obligations, nor one of the units read the overdue list, indicators and directives."""
    if table in ("units", "heatmap", "trend"):
        return {"flt": flt, **_figure_tables(flt, selectors.grid(flt), sort)}
    if table == "overdue":
        return {"flt": flt, "overdue": overdue_rows(flt, limit=None)}
    if table == "indicators":
        return {"flt": flt, "indicators": {"totals": selectors.indicator_totals(flt)}}
    if table == "directives":
        return {"flt": flt, "directives": selectors.directive_progress(flt)}
    raise KeyError(table)


def summary_data(flt, *, overdue: int = 10) -> dict:
    """What the issued summary states: the headline, every child unit's figures, the oldest overdue reports."""
    grid = selectors.grid(flt)
    return {
        "flt": flt,
        "headline": grid.headline,
        "rows": child_rows(flt, grid, "name"),
        "overdue": overdue_rows(flt, limit=overdue),
    }


def dashboard_context(flt, *, sort: str = "name", indicator: str | None = None, listed: int = OVERDUE_LISTED) -> dict:
    """Everything the page shows. The headline, the units, the heatmap and the trend come from one grouped
    aggregate (``selectors.grid``); the totals of the lists are its counts, and each list holds ``listed`` of
    its reports at most."""
    grid = selectors.grid(flt)
    tables = _figure_tables(flt, grid, sort)
    rows = tables["rows"]
    best, worst = ranking(rows)
    return {
        "flt": flt,
        "headline": grid.headline,
        **tables,
        "sort": sort,
        "best": best,
        "worst": worst,
        "overdue": overdue_rows(flt, limit=listed),
        "overdue_total": grid.headline.overdue,
        "late": selectors.latest_late_or_returned(flt, limit=listed),
        "late_total": grid.late_or_returned,
        "indicators": indicator_rows(flt, indicator, rows),
        "directives": selectors.directive_progress(flt),
    }


def chart_data(context) -> dict:
    """What dashboard.js draws; the same numbers are in the tables under each chart."""
    ind = context["indicators"]
    rows = context.get("shown", context["rows"])
    return {
        "trend": {
            "labels": [f"{m:%m/%Y}" for m, _c in context["trend"]],
            "series": [
                {"key": "on-time", "label": _("On time"), "data": [c.on_time for _m, c in context["trend"]]},
                {"key": "late", "label": _("Late"), "data": [c.late for _m, c in context["trend"]]},
                {"key": "missing", "label": _("Overdue"), "data": [c.missing for _m, c in context["trend"]]},
            ],
        },
        "children": {
            "labels": [r.name for r in rows],
            "series": [
                {
                    "key": "reporting",
                    "label": _("Reporting rate (%)"),
                    "data": [rounded_float(r.figures.reporting_rate) for r in rows],
                },
                {
                    "key": "on-time",
                    "label": _("On-time rate (%)"),
                    "data": [rounded_float(r.figures.on_time_rate) for r in rows],
                },
            ],
        },
        "indicator": {
            "label": f"{ind['chosen']['label']} ({ind['chosen']['form']})" if ind["chosen"] else "",
            "labels": [f"{m:%m/%Y}" for m, _v in ind["by_month"]],
            "data": [float(v["value"]) for _m, v in ind["by_month"]],
        },
    }
