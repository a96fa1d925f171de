"""Read-side aggregates for the leadership dashboards and the heads' accountability pages.

Every figure is computed in SQL from the timeliness columns the workflow services write on each
obligation, with a constant number of queries whatever the number of units or periods:

- ``figures.grid``: what a page shows of them all (headline, children, heatmap, trend) from one grouped
  aggregate, child unit × period end;
- ``figures.headline``: one aggregate over the unit's subtree (and the former units merged into it);
- ``figures.by_child``: the same aggregate grouped by the child unit each row rolls up to;
- ``figures.heatmap``: grouped by child unit and month (the trend is its column sums);
- ``indicators``: the figures of the reports, summed or averaged per indicator;
- ``directives``: the progress of each directive's tasks;
- ``heads``: who was head when each report fell due, and their record.

The definitions follow DHIS2 (reporting rate capped at 100 %, on-time rate over *expected*), and go
further: on time by first submission and by acceptance, returns, days late, still overdue.
"""

from reports.selectors.figures import (
    Figures,
    Grid,
    by_child,
    child_units,
    directive_progress,
    grid,
    headline,
    heatmap,
    late_or_returned,
    latest_late_or_returned,
    oldest_overdue,
    overdue,
)
from reports.selectors.filters import DashboardFilter, dashboard_filter
from reports.selectors.heads import head_records, head_tenures, heads_on_due_dates
from reports.selectors.indicators import indicator_by_child, indicator_totals, indicator_trend

__all__ = [
    "DashboardFilter",
    "Figures",
    "Grid",
    "by_child",
    "child_units",
    "dashboard_filter",
    "directive_progress",
    "grid",
    "head_records",
    "head_tenures",
    "heads_on_due_dates",
    "headline",
    "heatmap",
    "indicator_by_child",
    "indicator_totals",
    "indicator_trend",
    "late_or_returned",
    "latest_late_or_returned",
    "oldest_overdue",
    "overdue",
]
