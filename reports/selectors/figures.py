"""Reporting figures: the headline of a unit, its children, the units × months heatmap and the trend, the
overdue and late lists, and the progress of directives.

``grid`` is the one grouped aggregate (child unit × period end) from which the headline, the children's rows,
the heatmap and the trend are all added up in Python, so the obligations are scanned once for all of them:
the dashboard page, its exports and the API read it."""

import datetime
from dataclasses import dataclass, fields

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from reports.models import Obligation
from reports.models.obligations import FILED, overdue_q
from reports.selectors.filters import SELF, DashboardFilter
from units.models import Unit


@dataclass
class Figures:
    """Counts over a set of obligations that fell due; the rates are derived from them.

    ``received``: filed at least once, DHIS2's count (a returned report was received, and is also counted
    in ``returned``); ``filed``: filed now, with the committee or accepted (not sitting returned);
    ``on_time``: first filed by the due date; ``accepted``: accepted (meets the requirements);
    ``accepted_on_time``: accepted by the due date; ``overdue``: past its due date today and not filed now
    (never filed, or returned and not refiled).
    """

    expected: int = 0
    received: int = 0
    filed: int = 0
    on_time: int = 0
    late: int = 0
    accepted: int = 0
    accepted_on_time: int = 0
    returned: int = 0
    returns: int = 0
    days_late: int = 0
    overdue: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return None if not whole else min(part * 100 / whole, 100.0)

    @property
    def missing(self) -> int:
        return self.expected - self.received

    @property
    def reporting_rate(self) -> float | None:
        """DHIS2: received × 100 / expected, at most 100."""
        return self._rate(self.received, self.expected)

    @property
    def filed_rate(self) -> float | None:
        """Filed now (not sitting returned) × 100 / expected."""
        return self._rate(self.filed, self.expected)

    @property
    def accepted_rate(self) -> float | None:
        """Accepted × 100 / expected."""
        return self._rate(self.accepted, self.expected)

    @property
    def on_time_rate(self) -> float | None:
        """DHIS2: filed by the due date × 100 / *expected* (not / received)."""
        return self._rate(self.on_time, self.expected)

    @property
    def accepted_on_time_rate(self) -> float | None:
        return self._rate(self.accepted_on_time, self.expected)

    @property
    def average_days_late(self) -> float | None:
        return None if not self.late else self.days_late / self.late

    def __add__(self, other: "Figures") -> "Figures":
        # Called for every row of a national grid: positional arguments over a fixed tuple of names, since
        # ``dataclasses.fields`` and keyword dicts cost more than the addition itself.
        return Figures(*[getattr(self, n) + getattr(other, n) for n in FIGURE_NAMES])


FIGURE_NAMES = tuple(f.name for f in fields(Figures))  # in the order of the constructor's arguments
AGGREGATE_KEYS = tuple(f"n_{name}" for name in FIGURE_NAMES)


def aggregates(today: datetime.date) -> dict:
    """The conditional aggregates behind ``Figures`` (obligations already restricted to those due by today)."""
    # Named apart from the columns they count (``on_time``, ``days_late``…), which Django would confuse.
    return {
        "n_expected": Count("pk"),
        "n_received": Count("pk", filter=Q(first_submitted_at__isnull=False)),
        "n_filed": Count("pk", filter=Q(status__in=FILED)),
        "n_on_time": Count("pk", filter=Q(on_time=True)),
        "n_late": Count("pk", filter=Q(on_time=False)),
        "n_accepted": Count("pk", filter=Q(accepted_at__isnull=False)),
        "n_accepted_on_time": Count("pk", filter=Q(accepted_on_time=True)),
        "n_returned": Count("pk", filter=Q(returned_count__gt=0)),
        "n_returns": Coalesce(Sum("returned_count"), 0),
        "n_days_late": Coalesce(Sum("days_late", filter=Q(on_time=False)), 0),
        "n_overdue": Count("pk", filter=overdue_q(today)),
    }


def _figures(row: dict) -> Figures:
    return Figures(*[row.get(key) or 0 for key in AGGREGATE_KEYS])


@dataclass
class ChildRow:
    unit: Unit | None  # None: the dashboard unit's own reports
    figures: Figures


@dataclass
class Cell:
    expected: int = 0
    on_time: int = 0
    late: int = 0
    returned: int = 0
    missing: int = 0
    pending: int = 0  # due, filed never, not yet past the due date (due today)
    # ``missing``: overdue now (never filed, or returned and not refiled)

    @property
    def state(self) -> str:
        """The worst thing in the cell: missing, returned, late, on time (or empty)."""
        if not self.expected:
            return "none"
        if self.missing:
            return "missing"
        if self.returned:
            return "returned"
        if self.late:
            return "late"
        return "on-time"


@dataclass
class Grid:
    """The figures of one dashboard added up every way it shows them, from one grouped aggregate."""

    headline: Figures
    by_bucket: dict[str, Figures]
    cells: dict[tuple[str, datetime.date], Cell]
    late_or_returned: int

    @property
    def trend(self) -> dict[datetime.date, Cell]:
        """The heatmap's column sums: the subtree's figures month by month, in order."""
        months: dict[datetime.date, Cell] = {}
        for (_bucket, month), cell in self.cells.items():
            total = months.setdefault(month, Cell())
            total.expected += cell.expected
            total.on_time += cell.on_time
            total.late += cell.late
            total.returned += cell.returned
            total.missing += cell.missing
            total.pending += cell.pending
        return dict(sorted(months.items()))


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def grid(flt: DashboardFilter) -> Grid:
    """Headline, per child bucket, per (bucket, month): one query grouped by child bucket and period end.

    Grouping by the period's last day (a handful of distinct days) rather than by its month keeps the SQL
    to plain columns; the months are folded together here."""
    rows = (
        Obligation.objects.filter(flt.obligations_q())
        .annotate(bucket=flt.bucket())
        .values("bucket", "period_end")
        .annotate(
            **aggregates(flt.today),
            n_pending=Count("pk", filter=Q(first_submitted_at__isnull=True, due_date__gte=flt.today)),
            n_late_or_returned=Count("pk", filter=Q(on_time=False) | Q(returned_count__gt=0)),
        )
        .order_by()
    )
    headline, by_bucket, cells, late_or_returned = Figures(), {}, {}, 0
    for row in _with_work_mem(rows):
        f = _figures(row)
        headline = headline + f
        bucket = row["bucket"]
        by_bucket[bucket] = by_bucket[bucket] + f if bucket in by_bucket else f
        late_or_returned += row["n_late_or_returned"]
        cell = cells.setdefault((bucket, _month(row["period_end"])), Cell())
        cell.expected += f.expected
        cell.on_time += f.on_time
        cell.late += f.late
        cell.returned += f.returned
        cell.missing += f.overdue
        cell.pending += row["n_pending"]
    return Grid(headline, by_bucket, cells, late_or_returned)


def _with_work_mem(queryset) -> list:
    """The rows of a grouped aggregate over a whole country: PostgreSQL's default 4 MB of sort memory sends
    its ~70,000 rows to a sort on disk (twice the time); a little more for this one query keeps it in memory."""
    if connection.vendor != "postgresql":
        return list(queryset)
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '32MB'")
        try:
            return list(queryset)
        finally:
            cursor.execute("RESET work_mem")


def child_units(flt: DashboardFilter, by_bucket: dict[str, Figures]) -> list[ChildRow]:
    """One row per child unit (former units merged in count with their successor's child), plus the unit's
    own reports if it owes any, from ``grid(flt).by_bucket``: one query for the units' names."""
    units = Unit.objects.in_bulk([int(b) for b in by_bucket if b.isdigit()])
    result = [ChildRow(units[int(b)], f) for b, f in by_bucket.items() if b.isdigit() and int(b) in units]
    result.sort(key=lambda r: r.unit.sort_key)
    if SELF in by_bucket:
        result.insert(0, ChildRow(None, by_bucket[SELF]))
    return result


def overdue_queryset(flt: DashboardFilter):
    """The reports overdue now (never filed, or returned and not refiled), oldest first."""
    qs = Obligation.objects.filter(flt.obligations_q(), overdue_q(flt.today)).select_related("unit", "form")
    return qs.order_by("due_date", "unit__sort_key", "pk")


def oldest_overdue(flt: DashboardFilter, limit: int | None = 50) -> list[Obligation]:
    """The reports overdue now, oldest first (at most ``limit``; all with None): one query."""
    qs = overdue_queryset(flt)
    return list(qs if limit is None else qs[:limit])


def latest_late_or_returned(flt: DashboardFilter, limit: int = 20) -> list[Obligation]:
    """The reports filed late or returned for revision, latest first (at most ``limit``): one query."""
    qs = Obligation.objects.filter(flt.obligations_q(), Q(on_time=False) | Q(returned_count__gt=0))
    qs = qs.select_related("unit", "form")
    return list(qs.order_by("-due_date", "unit__sort_key", "pk")[:limit])


def directive_progress(flt: DashboardFilter) -> list[dict]:
    """Per directive with tasks in the subtree due in the range (or given in it, without a deadline): units
    assigned, tasks reported, on time, overdue. One query."""
    from directives.models import Assignment

    in_range = Q(deadline__gte=flt.start, deadline__lte=flt.end) | Q(
        deadline__isnull=True, created_at__date__gte=flt.start, created_at__date__lte=flt.end
    )
    rows = (
        Assignment.objects.filter(flt.subtree_q(), in_range)
        .exclude(status=Assignment.Status.CANCELLED)
        .values("directive_id", "directive__symbol", "directive__abstract")
        .annotate(
            units=Count("unit", distinct=True),
            tasks=Count("pk", distinct=True),
            reported=Count("report_obligations", filter=Q(report_obligations__first_submitted_at__isnull=False)),
            on_time=Count("report_obligations", filter=Q(report_obligations__on_time=True)),
            overdue=Count("report_obligations", filter=overdue_q(flt.today, "report_obligations__")),
            done=Count("pk", filter=Q(status=Assignment.Status.DONE), distinct=True),
        )
        .order_by("-overdue", "directive__symbol")
    )
    return list(rows)
