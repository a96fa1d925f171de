"""What a dashboard counts: the reports that count in a unit's figures (its subtree's, and those of the
former units merged into it, as ``units.history`` resolved them when they merged), for a range of periods and
some forms, as of a day."""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.db.models import Max, Min, Q
from django.utils import timezone

from reports.selectors import compiled
from units.models import Unit

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
    clamped: bool = False  # the range asked for reached beyond the periods any report covers
    whole_tree: bool = False  # the unit is the one root: every unit's reports count in its figures

    @property
    def merged_away(self) -> bool:
        """The unit was itself merged into another: its page shows its own subtree's reports, which now
        count in its successor's figures."""
        return self.unit.figures_unit_id is not None

    def units_q(self, prefix: str = "") -> Q:
        """Units (reached through ``prefix``) whose reports count in the dashboard unit's figures."""
        path = self.unit.path
        if self.merged_away:
            return Q(**{f"{prefix}path__startswith": path})
        return Q(**{f"{prefix}figures_unit__isnull": True, f"{prefix}path__startswith": path}) | Q(
            **{f"{prefix}figures_unit__path__startswith": path}
        )

    def subtree_q(self, prefix: str = "") -> Q:
        """Rows whose unit (reached through ``prefix``) counts in the dashboard unit's figures: all of them
        for the one root, whose subtree and successors hold every unit (no test of each row's unit)."""
        if self.whole_tree:
            return Q()
        return Q(**{f"{prefix}unit__in": Unit.objects.filter(self.units_q()).values("pk")})

    def obligations_q(self, prefix: str = "", due_only: bool = True) -> Q:
        """The obligations counted, as a filter on a model that reaches Obligation through ``prefix``."""
        q = self.subtree_q(prefix) & Q(**{f"{prefix}period_end__gte": self.start, f"{prefix}period_end__lte": self.end})
        if due_only:
            q &= Q(**{f"{prefix}due_date__lte": self.today})
        if self.form_ids:
            q &= Q(**{f"{prefix}form_id__in": self.form_ids})
        return q


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


def dashboard_filter(
    unit: Unit,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    form_ids=None,
    today: datetime.date | None = None,
) -> DashboardFilter:
    """The filter for ``unit`` (this year up to this month by default): one query (the data's years), and
    for a root one more (whether it is the only one)."""
    today = today or timezone.localdate()
    start = start or datetime.date(today.year, 1, 1)
    end = end or month_bounds(today.year, today.month)[1]
    asked = (start, end)
    start, end = clamp_to_data(start, end, today)
    return DashboardFilter(
        unit=unit,
        start=start,
        end=end,
        form_ids=sorted({int(f) for f in form_ids or []}),
        today=today,
        clamped=(start, end) != asked,
        whole_tree=unit.parent_id is None
        and unit.figures_unit_id is None
        and not Unit.objects.filter(parent__isnull=True).exclude(pk=unit.pk).exists(),
    )


def compiled_query(
    flt: DashboardFilter,
    name: str,
    build: Callable,
    *,
    today: bool = False,
    unit: str | None = "id",
    forms: bool = True,
    **more,
) -> dict:
    """The arguments of ``compiled.fetch`` and ``compiled.rows_for`` for ``build(filter, **more)``, a values
    query of a dashboard filter, compiled once per process for every filter of the same shape.

    The query names which parts of the filter it reads, each a stand-in in the compiled SQL with this
    filter's value put in its place: always the dates; ``today``; the unit by its ``"id"`` or its
    ``"path"`` (or neither: None); the forms chosen (``forms``); and ``more``, ids or texts. What it does
    not read is given as nothing (no id, no path, no forms), never as this filter's own, which the compiled
    SQL would keep for every filter after it. The shape (``name``, the number of forms, whether the unit is
    the one root or merged away) keys the compiled SQL."""
    chosen = {f"form_{i}": form_id for i, form_id in enumerate(flt.form_ids)} if forms else {}
    stand_ins = {"start": compiled.stand_in_date(0), "end": compiled.stand_in_date(1)}
    values = {"start": flt.start, "end": flt.end}
    if today:
        stand_ins["today"], values["today"] = compiled.stand_in_date(2), flt.today
    if unit == "id":
        stand_ins["unit_id"], values["unit_id"] = compiled.stand_in_id(0), flt.unit.pk
    elif unit == "path":
        stand_ins["path"], values["path"] = compiled.stand_in_path(0), flt.unit.path
    for i, (key, form_id) in enumerate(chosen.items()):
        stand_ins[key], values[key] = compiled.stand_in_id(1 + i), form_id
    for i, (key, value) in enumerate(more.items()):
        stand_ins[key] = compiled.stand_in_text(i) if isinstance(value, str) else compiled.stand_in_id(1000 + i)
        values[key] = value

    def shaped(**given):
        stood = Unit(pk=given.pop("unit_id", None), path=given.pop("path", None))
        stood.figures_unit_id = flt.unit.figures_unit_id
        shape = replace(
            flt,
            unit=stood,
            start=given.pop("start"),
            end=given.pop("end"),
            today=given.pop("today", flt.today),
            form_ids=[given.pop(key) for key in chosen],
        )
        return build(shape, **given)

    return {
        "key": (name, len(chosen), flt.whole_tree, flt.merged_away),
        "build": shaped,
        "stand_ins": stand_ins,
        "values": values,
        "as_param": {"path": compiled.like_prefix} if unit == "path" else None,
    }
