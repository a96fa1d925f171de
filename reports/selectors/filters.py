"""What a dashboard counts: a unit's subtree (with the former units merged into it), a range of periods,
some forms, as of a day; and how each obligation rolls up to one child unit of the dashboard's unit."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Max, Min, Q, Value, When
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone

from units.models import Unit, UnitSuccession
from units.scope import minimal_paths, paths_q

SELF = ""  # the bucket of the dashboard unit's own obligations


@dataclass
class DashboardFilter:
    """The unit, the periods whose last day falls in ``start``..``end``, the forms (all if empty), and the day
    the figures are computed on: only obligations due by ``today`` are expected."""

    unit: Unit
    start: datetime.date
    end: datetime.date
    form_ids: list[int] = field(default_factory=list)
    today: datetime.date = field(default_factory=timezone.localdate)
    # Filled by ``dashboard_filter``: the path prefixes counted, and former units' prefixes -> child bucket.
    paths: list[str] = field(default_factory=list)
    remap: list[tuple[str, str]] = field(default_factory=list)
    clamped: bool = False  # the range asked for reached beyond the periods any report covers

    def subtree_q(self, prefix: str = "") -> Q:
        """Rows whose unit (reached through ``prefix``) lies under one of ``paths``."""
        return paths_q(f"{prefix}unit__path", self.paths)

    def obligations_q(self, prefix: str = "", due_only: bool = True) -> Q:
        """The obligations counted, as a filter on a model that reaches Obligation through ``prefix``."""
        q = self.subtree_q(prefix) & Q(**{f"{prefix}period_end__gte": self.start, f"{prefix}period_end__lte": self.end})
        if due_only:
            q &= Q(**{f"{prefix}due_date__lte": self.today})
        if self.form_ids:
            q &= Q(**{f"{prefix}form_id__in": self.form_ids})
        return q

    def bucket(self, prefix: str = "") -> Case:
        """The id (as text) of the child unit of ``unit`` an obligation rolls up to; '' for the unit itself.

        In the subtree it is the path component after the unit's own path, read with SUBSTR/STRPOS (one
        expression, any database); a former unit merged into the subtree goes with its successor's child.
        """
        path = f"{prefix}unit__path"
        length = len(self.unit.path)
        rest = Substr(path, length + 1)
        whens = [When(**{f"{path}__startswith": p}, then=Value(child)) for p, child in self.remap]
        whens.append(When(**{path: self.unit.path}, then=Value(SELF)))
        component = Substr(path, length + 1, StrIndex(rest, Value("/")) - 1, output_field=CharField())
        return Case(*whens, default=component, output_field=CharField())


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def clamp_to_data(
    start: datetime.date, end: datetime.date, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """``start``..``end`` narrowed to the years the obligations' periods end in (and this year): one query.

    A range such as 1000-01 … 9999-12 would otherwise lay out twelve thousand months of heatmap and trend
    for a page, a workbook or the API; what lies outside the data holds nothing to count anyway."""
    from reports.models import Obligation

    bounds = Obligation.objects.aggregate(first=Min("period_end"), last=Max("period_end"))
    # Whole years, so that a range asked for within the data's years is never changed.
    low = datetime.date(min(bounds["first"] or today, today).year, 1, 1)
    high = datetime.date(max(bounds["last"] or today, today).year, 12, 31)
    return max(start, low), min(end, high)


def _child_of(unit_path: str, path: str) -> str | None:
    if not path.startswith(unit_path):
        return None
    rest = path[len(unit_path) :]
    return rest.split("/", 1)[0] if rest else SELF


HISTORY_KINDS = [UnitSuccession.Kind.MERGED, UnitSuccession.Kind.RENAMED, UnitSuccession.Kind.SPLIT]
MAX_MERGER_DEPTH = 20  # a chain of successions longer than this is a loop in the data, not history


def former_units(paths: list[str]) -> dict[str, str]:
    """Every former unit merged into a unit under ``paths``, at any depth: {former's path: its successor's path}.

    Followed transitively: two wards that each absorbed former wards in 2025 and were merged in 2026
    bring all of those with them. One query per level of merging (two or three in practice), whatever
    the number of units.
    """
    successor_of: dict[str, str] = {}
    frontier = list(paths)
    for _level in range(MAX_MERGER_DEPTH):
        if not frontier:
            break
        links = (
            UnitSuccession.objects.filter(paths_q("successor__path", frontier), kind__in=HISTORY_KINDS)
            .values_list("predecessor__path", "successor__path")
            .order_by("successor__path", "predecessor__path")
        )
        frontier = []
        for former, successor in links:
            if former in successor_of or any(former.startswith(p) for p in paths):
                if former not in successor_of:
                    successor_of[former] = successor
                continue
            successor_of[former] = successor
            frontier.append(former)
    return successor_of


def dashboard_filter(
    unit: Unit,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    form_ids=None,
    today: datetime.date | None = None,
) -> DashboardFilter:
    """The filter for ``unit`` (this year up to this month by default), in a query per level of merging."""
    today = today or timezone.localdate()
    start = start or datetime.date(today.year, 1, 1)
    end = end or month_bounds(today.year, today.month)[1]
    asked = (start, end)
    start, end = clamp_to_data(start, end, today)
    successor_of = former_units([unit.path])
    # Longest first: a former village is matched before the former commune it was under.
    formers = sorted(successor_of, key=len, reverse=True)

    def child_of(path: str, depth: int = 0) -> str | None:
        """The child bucket a unit's rows go to: through its successors until a unit of the subtree."""
        if depth > MAX_MERGER_DEPTH:
            return None
        if path in successor_of:
            return child_of(successor_of[path], depth + 1)
        if path.startswith(unit.path):
            return _child_of(unit.path, path)
        holder = next((f for f in formers if path.startswith(f)), None)
        return child_of(holder, depth + 1) if holder else None

    outside, remap = [], {}
    for former in successor_of:
        child = child_of(former)
        if former.startswith(unit.path):
            if former == unit.path or _child_of(unit.path, former) == child:
                continue
        else:
            outside.append(former)
        remap[former] = child
    return DashboardFilter(
        unit=unit,
        start=start,
        end=end,
        form_ids=sorted({int(f) for f in form_ids or []}),
        today=today,
        clamped=(start, end) != asked,
        paths=minimal_paths([unit.path, *outside]),
        remap=sorted(remap.items(), key=lambda item: -len(item[0])),
    )
