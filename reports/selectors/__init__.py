"""Read-side aggregates for the leadership dashboards and the heads' accountability pages.

Every figure is added up from the live roll-ups (``reports.tallies``: per unit, form, period and due date,
kept in the transaction of every change), with a constant number of queries whatever the number of units,
periods, reports or former units:

- ``figures.grid``: the headline over the unit's subtree (and the former units merged into it), the figures
  of each child unit, the heatmap of child units × months and the trend (its column sums), all from the
  roll-up rows of the unit and its children (``child_units`` names the children's rows);
- ``figures.oldest_overdue``, ``figures.latest_late_or_returned``: the lists under the figures;
- ``indicators``: the figures of the reports, summed or averaged per indicator;
- ``figures.directive_progress``: the progress of each directive's tasks;
- ``heads``: who was head when each report fell due, and their record.

The definitions follow DHIS2 (reporting rate capped at 100 %, on-time rate over *expected*), and go
further: on time by first submission and by acceptance, returns, days late, still overdue.
"""

from reports.selectors.figures import (
    Figures,
    Grid,
    child_units,
    directive_progress,
    grid,
    latest_late_or_returned,
    oldest_overdue,
)
from reports.selectors.filters import DashboardFilter, dashboard_filter
from reports.selectors.heads import head_records, head_tenures, heads_on_due_dates
from reports.selectors.indicators import indicator_by_child, indicator_detail, indicator_totals, indicator_trend

__all__ = [
    "DashboardFilter",
    "Figures",
    "Grid",
    "child_units",
    "dashboard_filter",
    "directive_progress",
    "grid",
    "head_records",
    "head_tenures",
    "heads_on_due_dates",
    "indicator_by_child",
    "indicator_detail",
    "indicator_totals",
    "indicator_trend",
    "latest_late_or_returned",
    "oldest_overdue",
]
