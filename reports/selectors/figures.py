"""Reporting figures: the headline of a unit, its children, the units × months heatmap and the trend, the
overdue and late lists, and the progress of directives.

``grid`` reads the roll-ups (``reports.tallies``) of the unit and of its children, one row per unit, form,
period and due date, and adds up the headline, the children's rows, the heatmap and the trend from them in
Python: the dashboard page, its exports and the API read it. ``figure_sums`` is the one definition of the
figures over roll-up rows, the heads' records included; what depends on the day (overdue, due today) comes
from the due date each row keeps."""

import datetime
from dataclasses import dataclass, fields

from django.db import connection
from django.db.models import Case, CharField, Count, Q, Sum, Value, When
from django.db.models.functions import Coalesce, StrIndex, Substr

from reports.models import FigureTally, Obligation
from reports.models.obligations import late_or_returned_q, overdue_q
from reports.selectors import compiled
from reports.selectors.filters import SELF, DashboardFilter, compiled_query
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

    def __sub__(self, other: "Figures") -> "Figures":
        return Figures(*[getattr(self, n) - getattr(other, n) for n in FIGURE_NAMES])


FIGURE_NAMES = tuple(f.name for f in fields(Figures))  # in the order of the constructor's arguments
AGGREGATE_KEYS = tuple(f"n_{name}" for name in FIGURE_NAMES)


def figure_sums(today: datetime.date, prefix: str = "", counted: Q | None = None) -> dict:
    """The sums behind ``Figures`` (``n_<name>``, and ``n_pending``: due today, never filed; and
    ``n_late_or_returned``) over roll-up rows reached through ``prefix``, those ``counted`` among them. The
    rows are already restricted to those due by ``today``."""

    def total(column: str, only: Q | None = None) -> Coalesce:
        q = counted if only is None else (only if counted is None else counted & only)
        return Coalesce(Sum(f"{prefix}{column}", filter=q), 0)

    return {
        **{f"n_{name}": total(name) for name in FIGURE_NAMES if name != "overdue"},
        "n_overdue": total("not_filed", Q(**{f"{prefix}due_date__lt": today})),
        "n_pending": total("never_filed", Q(**{f"{prefix}due_date__gte": today})),
        "n_late_or_returned": total("late_or_returned"),
    }


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


def component(path_field: str, unit_path: str) -> Substr:
    """The id (as text) of the child of the unit at ``unit_path`` that a path under it lies in ('' for the unit)."""
    rest = Substr(path_field, len(unit_path) + 1)
    return Substr(path_field, len(unit_path) + 1, StrIndex(rest, Value("/")) - 1, output_field=CharField())


def with_own_share(whole: dict, children: dict) -> dict:
    """``children`` ({(bucket, key): value}) and, under ``SELF``, each of the unit's ``whole`` ({key: value})
    less its children's, when something is left (``value - value`` is None when nothing is)."""
    shares: dict = {}
    for (_bucket, key), value in children.items():
        shares[key] = shares[key] + value if key in shares else value
    out = dict(children)
    for key, value in whole.items():
        own = value - shares[key] if key in shares else value
        if own is not None:
            out[(SELF, key)] = own
    return out


def tally_scope(flt: DashboardFilter, queryset, children: bool = True):
    """The roll-up rows a dashboard reads: the subtree rows of the unit (and of its children); for a unit merged
    away, the own rows of its subtree, annotated with their child ``bucket``."""
    if flt.merged_away:
        own = When(unit__path=flt.unit.path, then=Value(SELF))
        return queryset.filter(subtree=False, unit__path__startswith=flt.unit.path).annotate(
            bucket=Case(own, default=component("unit__path", flt.unit.path), output_field=CharField())
        )
    if not children:
        return queryset.filter(unit_id=flt.unit.pk, subtree=True)
    # One IN over the unit and its children (not an OR beside it), so each unit's rows come from the index.
    shown = Unit.objects.filter(Q(pk=flt.unit.pk) | Q(parent_id=flt.unit.pk)).values("pk")
    return queryset.filter(unit_id__in=shown, subtree=True)


# The columns ``grid`` reads per roll-up row, in this order: the figures (``Figures``' arguments), then the
# reports due today and never filed, then those filed late or returned.
GRID_COLUMNS = (*AGGREGATE_KEYS, "n_pending", "n_late_or_returned")
_EXPECTED, _ON_TIME, _LATE, _RETURNED, _OVERDUE = (
    FIGURE_NAMES.index(n) for n in ("expected", "on_time", "late", "returned", "overdue")
)
_PENDING, _LATE_OR_RETURNED = len(FIGURE_NAMES), len(FIGURE_NAMES) + 1


def _summed(parts: list[tuple]) -> tuple:
    """The column sums of rows of ``GRID_COLUMNS`` (one row: itself)."""
    return parts[0] if len(parts) == 1 else tuple(map(sum, zip(*parts, strict=True)))


def _grid_queryset(flt: DashboardFilter):
    rows = FigureTally.objects.filter(period_end__gte=flt.start, period_end__lte=flt.end, due_date__lte=flt.today)
    if flt.form_ids:
        rows = rows.filter(form_id__in=flt.form_ids)
    group = "bucket" if flt.merged_away else "unit_id"
    return tally_scope(flt, rows).values(group, "period_end").annotate(**figure_sums(flt.today)).order_by()


def _grid_rows(flt: DashboardFilter) -> list:
    """The grouped roll-up rows of ``grid``: (bucket or unit id, period end, *GRID_COLUMNS) each. For a unit
    not merged away, from SQL compiled once per number of forms (``filters.compiled_query``), as plain lists."""
    group = "bucket" if flt.merged_away else "unit_id"
    if flt.merged_away:
        return list(_grid_queryset(flt).values_list(group, "period_end", *GRID_COLUMNS))
    sql, params, names = compiled.sql_for(**compiled_query(flt, "grid", _grid_queryset, today=True))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    # Read without the ORM's converters, which would cast each of a national grid's ten thousand counts to
    # int again: only the date needs one, on SQLite.
    order = [names.index(n) for n in (group, "period_end", *GRID_COLUMNS)]
    in_order = order == list(range(len(order)))
    rows = []
    for row in fetched:
        row = list(row) if in_order else [row[i] for i in order]
        if isinstance(row[1], str):  # SQLite gives the date as text
            row[1] = datetime.date.fromisoformat(row[1])
        rows.append(row)
    return rows


def grid(flt: DashboardFilter) -> Grid:
    """Headline, per child bucket, per (bucket, month), from the roll-up rows of the unit and its children
    grouped by unit and period end: one query, a few rows per child and period whatever the history.

    The rows are plain tuples of ``GRID_COLUMNS`` added up column by column (a national grid has a row per
    province and period); ``Figures`` and ``Cell`` are made once per bucket and per cell."""
    rows = _grid_rows(flt)
    whole: dict[datetime.date, tuple] = {}
    children: dict[tuple[str, datetime.date], list[tuple]] = {}
    unit_pk, merged_away = flt.unit.pk, flt.merged_away
    for bucket, period_end, *values in rows:
        values = tuple(values)
        if merged_away:
            children.setdefault((bucket, period_end), []).append(values)
        elif bucket == unit_pk:
            whole[period_end] = values
        else:
            children.setdefault((str(bucket), period_end), []).append(values)
    parts = {key: _summed(values) for key, values in children.items()}
    if not flt.merged_away:
        # The unit's own share of each period: its whole less its children's, when something is left.
        shares: dict[datetime.date, list[tuple]] = {}
        for (_bucket, period_end), values in parts.items():
            shares.setdefault(period_end, []).append(values)
        for period_end, values in whole.items():
            if period_end in shares:
                own = tuple(a - b for a, b in zip(values, _summed(shares[period_end]), strict=True))
                if not own[_EXPECTED]:
                    continue
            else:
                own = values
            parts[(SELF, period_end)] = own
    if not parts:
        return Grid(Figures(), {}, {}, 0)
    buckets: dict[str, list[tuple]] = {}
    months: dict[tuple[str, datetime.date], list[tuple]] = {}
    month_of = {period_end: _month(period_end) for _bucket, period_end in parts}
    for (bucket, period_end), values in parts.items():
        buckets.setdefault(bucket, []).append(values)
        months.setdefault((bucket, month_of[period_end]), []).append(values)
    totals = _summed(list(parts.values()))
    cells = {}
    for key, values in months.items():
        v = _summed(values)
        cells[key] = Cell(v[_EXPECTED], v[_ON_TIME], v[_LATE], v[_RETURNED], v[_OVERDUE], v[_PENDING])
    return Grid(
        Figures(*totals[:_PENDING]),
        {bucket: Figures(*_summed(values)[:_PENDING]) for bucket, values in buckets.items()},
        cells,
        totals[_LATE_OR_RETURNED],
    )


def child_units(flt: DashboardFilter, by_bucket: dict[str, Figures]) -> list[ChildRow]:
    """One row per child unit (former units merged in count with their successor's child), plus the unit's
    own reports if it owes any, from ``grid(flt).by_bucket``: one query for the units' names."""
    units = Unit.objects.in_bulk([int(b) for b in by_bucket if b.isdigit()])
    result = [ChildRow(units[int(b)], f) for b, f in by_bucket.items() if b.isdigit() and int(b) in units]
    result.sort(key=lambda r: r.unit.sort_key)
    if SELF in by_bucket:
        result.insert(0, ChildRow(None, by_bucket[SELF]))
    return result


# By due date, then by unit (the copy of its sort key on the obligation, which the lists' indexes hold).
OVERDUE_ORDER = ("due_date", "unit_sort_key", "pk")
LATE_ORDER = ("-due_date", "unit_sort_key", "pk")


def _overdue(flt: DashboardFilter):
    return Obligation.objects.filter(flt.obligations_q(), overdue_q(flt.today))


def overdue_queryset(flt: DashboardFilter):
    """The reports overdue now (never filed, or returned and not refiled), oldest first."""
    return _overdue(flt).select_related("unit", "form").order_by(*OVERDUE_ORDER)


def _first(qs, order: tuple, limit: int) -> list[Obligation]:
    """The first ``limit`` of ``qs`` in ``order``, with their units and forms: one query, read in order from
    the lists' indexes."""
    return list(qs.select_related("unit", "form").order_by(*order)[:limit])


def oldest_overdue(flt: DashboardFilter, limit: int | None = 50) -> list[Obligation]:
    """The reports overdue now, oldest first (at most ``limit``; all with None): one query."""
    if limit is None:
        return list(overdue_queryset(flt))
    return _first(_overdue(flt), OVERDUE_ORDER, limit)


def latest_late_or_returned(flt: DashboardFilter, limit: int = 20) -> list[Obligation]:
    """The reports filed late or returned for revision, latest first (at most ``limit``): one query."""
    return _first(Obligation.objects.filter(flt.obligations_q(), late_or_returned_q()), LATE_ORDER, limit)


def _directive_progress_query(flt: DashboardFilter):
    from directives.models import Assignment

    in_range = Q(deadline__gte=flt.start, deadline__lte=flt.end) | Q(
        deadline__isnull=True, created_at__date__gte=flt.start, created_at__date__lte=flt.end
    )
    return (
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


def directive_progress(flt: DashboardFilter) -> list[dict]:
    """Per directive with tasks in the subtree due in the range (or given in it, without a deadline): units
    assigned, tasks reported, on time, overdue. One query, compiled once per kind of scope
    (``filters.compiled_query``)."""
    unit = None if flt.whole_tree else "path"  # the one root's query names no unit
    return compiled.rows_for(
        **compiled_query(flt, "directive progress", _directive_progress_query, today=True, unit=unit, forms=False)
    )
