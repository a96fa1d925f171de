"""Heads of unit and their record. An obligation belongs to the accountable head (principal headship) in
office on its due date: a tenure covers the reports that fell due from its first day to its last. The
records add up the roll-ups of the head's unit (its own rows, which keep their due dates) with the
dashboard's own definitions (``figures.figure_sums``)."""

from collections import defaultdict

from django.db.models import Count, ExpressionWrapper, F, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.functions import NullIf

from reports.models import Obligation
from reports.models.obligations import late_or_returned_q, overdue_q
from reports.selectors.figures import figure_sums
from reports.selectors.filters import DashboardFilter
from units.models import Headship, Person

OB = "unit__tallies__"


def heads_on_due_dates(obligations) -> dict[int, Headship]:
    """obligation id -> the head in office on its due date, for the obligations given: one query."""
    obligations = list(obligations)
    if not obligations:
        return {}
    tenures = defaultdict(list)
    for h in Headship.objects.filter(unit_id__in={o.unit_id for o in obligations}, is_principal=True).select_related(
        "person"
    ):
        tenures[h.unit_id].append(h)
    found = {}
    for o in obligations:
        for h in tenures[o.unit_id]:
            if h.started_on <= o.due_date and (h.ended_on is None or o.due_date <= h.ended_on):
                found[o.pk] = h
                break
    return found


def _in_tenure(flt: DashboardFilter) -> Q:
    """The headship's roll-up rows counted: its unit's own, due by today and within the tenure, in the
    dashboard's periods and forms."""
    q = Q(
        **{
            f"{OB}subtree": False,
            f"{OB}period_end__gte": flt.start,
            f"{OB}period_end__lte": flt.end,
            f"{OB}due_date__lte": flt.today,
            f"{OB}due_date__gte": F("started_on"),
        }
    ) & (Q(ended_on__isnull=True) | Q(**{f"{OB}due_date__lte": F("ended_on")}))
    if flt.form_ids:
        q &= Q(**{f"{OB}form_id__in": flt.form_ids})
    return q


# A head's record under the names the pages use, from the dashboard's figures.
RECORD = {
    "due": "expected",
    "filed": "received",
    "on_time": "on_time",
    "late": "late",
    "missing": "overdue",  # overdue now: never filed, or returned and not refiled
    "returned": "returned",
}


def _record(flt: DashboardFilter) -> dict:
    sums = figure_sums(flt.today, OB, _in_tenure(flt))
    return {name: sums[f"n_{figure}"] for name, figure in RECORD.items()}


def _rate():
    """On time × 100 / due; null for a head with nothing due (sorted last either way)."""
    return ExpressionWrapper(F("on_time") * Value(100.0) / NullIf(F("due"), 0), output_field=FloatField())


SORTS = {
    "name": ("person__sort_key",),
    "due": ("-due", "person__sort_key"),
    "on_time": (F("on_time_rate").desc(nulls_last=True), "person__sort_key"),
    "late": ("-late", "person__sort_key"),
    "missing": ("-missing", "person__sort_key"),
    "returned": ("-returned", "person__sort_key"),
    "worst": (F("on_time_rate").asc(nulls_last=True), "-missing", "person__sort_key"),
}


def head_records(flt: DashboardFilter, *, search: str = "", sort: str = "worst"):
    """One row per person who headed a unit in the subtree (former units included): tenures, reports due
    during their tenures, filed, on time, late, missing, returned, on-time rate. A queryset of dicts: one
    query per page (and one to count)."""
    from units.querysets import search_q

    qs = Headship.objects.filter(flt.subtree_q(), is_principal=True)
    if search:
        qs = qs.filter(search_q(search, "person__search_key"))
    # The unit of the person's latest tenure here, so the list says whom each head answered for.
    latest_unit = (
        Headship.objects.filter(flt.subtree_q(), person_id=OuterRef("person_id"), is_principal=True)
        .order_by("-started_on", "-pk")
        .values("unit__name")[:1]
    )
    qs = (
        qs.values("person_id", "person__full_name")
        .annotate(tenures=Count("pk", distinct=True), **_record(flt))
        .annotate(on_time_rate=_rate(), unit_name=Subquery(latest_unit))
    )
    return qs.order_by(*SORTS.get(sort, SORTS["worst"]), "person_id")


def head_tenures(flt: DashboardFilter, person: Person) -> list[Headship]:
    """The person's tenures as head of units in the subtree, each with its record: one query."""
    return list(
        Headship.objects.filter(flt.subtree_q(), person=person, is_principal=True)
        .select_related("unit")
        .annotate(**_record(flt))
        .annotate(on_time_rate=_rate())
        .order_by("-started_on", "pk")
    )


def tenure_gaps(flt: DashboardFilter, tenures: list[Headship], limit: int = 100) -> list[Obligation]:
    """The reports of those tenures that were late, are missing, or were returned: one query."""
    if not tenures:
        return []
    q = Q(pk__in=[])
    for h in tenures:
        within = Q(unit_id=h.unit_id, due_date__gte=h.started_on)
        if h.ended_on:
            within &= Q(due_date__lte=h.ended_on)
        q |= within
    gaps = late_or_returned_q() | overdue_q(flt.today)
    qs = Obligation.objects.filter(q, gaps, flt.obligations_q())
    return list(qs.select_related("unit", "form").order_by("-due_date", "pk")[:limit])
