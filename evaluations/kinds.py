"""The registry of criterion kinds: where a criterion's evidence comes from.

A kind is either *entered* (the unit states its evidence in words) or *computed* from what QCDC holds, by a
function of ``Subject`` (the unit or head, the year, the tenures) returning ``Evidence``: a figure, a sentence,
a suggested share of the maximum points and a link to the list it counts. Computed kinds read the existing
figures (``reports.selectors``: the dashboards' ``grid`` and the heads' ``head_tenures``), never a definition of
their own. Another app adds its kinds by calling ``register`` from its ``AppConfig.ready`` (register counts per
unit subtree and date range, for instance); a criterion whose kind is not registered any more shows as entered.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.numbers import percent

ENTERED = "entered"


@dataclass
class Evidence:
    value: float | None  # the figure counted (a rate in %, a count), None when there was nothing to count
    text: str  # one sentence, in the reader's language
    fraction: float | None = None  # suggested share of the maximum points, 0..1
    url: str = ""  # the list the figure counts


@dataclass(frozen=True)
class Kind:
    code: str
    label: object  # lazy text
    compute: Callable[["Subject"], Evidence] | None = None
    subjects: tuple[str, ...] = ("unit", "head")

    @property
    def computed(self) -> bool:
        return self.compute is not None


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _KINDS[kind.code] = kind
    return kind


def get(code: str) -> Kind:
    return _KINDS.get(code) or _KINDS[ENTERED]


def choices(subject: str | None = None) -> list[tuple[str, object]]:
    return [(k.code, k.label) for k in _KINDS.values() if subject is None or subject in k.subjects]


@dataclass
class Subject:
    """What one evaluation is judged on: the unit's subtree over the year, or, for a head, the reports that fell
    due during his own accountable tenures at the unit in that year."""

    unit: object
    year: int
    today: datetime.date
    person: object = None
    user: object = None  # who reads the evidence: the links go to pages they may open

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @cached_property
    def flt(self):
        from reports.selectors import dashboard_filter

        return dashboard_filter(self.unit, start=self.start, end=self.end, today=self.today)

    @cached_property
    def headline(self):
        from reports.selectors import grid

        return grid(self.flt).headline

    @cached_property
    def tenures(self) -> list:
        """The person's accountable tenures at the unit overlapping the year, each with its record."""
        from reports.selectors import head_tenures

        if self.person is None:
            return []
        return [
            h
            for h in head_tenures(self.flt, self.person)
            if h.unit_id == self.unit.pk
            and h.started_on <= self.end
            and (h.ended_on is None or h.ended_on >= self.start)
        ]

    def tenure_q(self, prefix: str = "") -> Q:
        """Obligations that fell due during the tenures (all of them for a unit's evaluation)."""
        if self.person is None:
            return Q()
        q = Q(pk__in=[])
        for h in self.tenures:
            within = Q(**{f"{prefix}due_date__gte": h.started_on})
            if h.ended_on:
                within &= Q(**{f"{prefix}due_date__lte": h.ended_on})
            q |= within
        return q

    @property
    def query(self) -> str:
        return f"?from={self.year}-01&to={self.year}-12"

    def reports_url(self, anchor: str = "") -> str:
        """The head's record (for leaders, staff and administrators over the unit), else the unit's dashboard."""
        from units import scope
        from units.models import RoleGrant

        R = RoleGrant.Role
        if self.person is not None and (
            self.user is None or scope.has_role(self.user, [R.LEADER, R.STAFF, R.ADMIN], self.unit)
        ):
            return reverse("reports:head_detail", args=[self.unit.pk, self.person.pk]) + self.query
        return reverse("reports:dashboard", args=[self.unit.pk]) + self.query + anchor


def _share(part: int, whole: int) -> float | None:
    return None if not whole else min(part / whole, 1.0)


def _record(subject: Subject) -> dict:
    """due, on time, returned: the unit's headline, or the sum of the head's tenures' records."""
    if subject.person is None:
        f = subject.headline
        return {"due": f.expected, "on_time": f.on_time, "returned": f.returned, "received": f.received}
    tenures = subject.tenures
    return {
        "due": sum(h.due for h in tenures),
        "on_time": sum(h.on_time for h in tenures),
        "returned": sum(h.returned for h in tenures),
        "received": sum(h.filed for h in tenures),
    }


def on_time_rate(subject: Subject) -> Evidence:
    r = _record(subject)
    share = _share(r["on_time"], r["due"])
    rate = None if share is None else share * 100
    text = _("%(on_time)s of %(due)s reports due were filed on time (%(rate)s).") % {
        "on_time": r["on_time"],
        "due": r["due"],
        "rate": percent(rate),
    }
    return Evidence(rate, text, share, subject.reports_url())


def returns(subject: Subject) -> Evidence:
    r = _record(subject)
    returned_share = _share(r["returned"], r["received"])
    text = _("%(returned)s of %(received)s reports filed were returned for revision.") % {
        "returned": r["returned"],
        "received": r["received"],
    }
    fraction = None if returned_share is None else 1 - returned_share
    return Evidence(float(r["returned"]), text, fraction, subject.reports_url("#late-title"))


def tasks_on_time(subject: Subject) -> Evidence:
    """Directive tasks whose report fell due in the year: reported by the task's deadline (the same figures as
    the dashboards', over the obligations that carry a task)."""
    from reports.models import Obligation
    from reports.tallies import OBLIGATION_COUNTS

    flt = subject.flt
    row = Obligation.objects.filter(flt.obligations_q(), subject.tenure_q(), assignment__isnull=False).aggregate(
        n_expected=OBLIGATION_COUNTS["expected"](), n_on_time=OBLIGATION_COUNTS["on_time"]()
    )
    share = _share(row["n_on_time"], row["n_expected"])
    text = _("%(on_time)s of %(due)s directive tasks due were reported by their deadline.") % {
        "on_time": row["n_on_time"],
        "due": row["n_expected"],
    }
    url = reverse("directives:unit_tasks", args=[subject.unit.pk])
    return Evidence(None if share is None else share * 100, text, share, url)


def commendations(subject: Subject) -> Evidence:
    from evaluations.models import Commendation

    qs = Commendation.objects.in_year(subject.year)
    qs = qs.filter(person=subject.person) if subject.person is not None else qs.filter(unit=subject.unit, person=None)
    n = qs.count()
    text = _("%(n)s commendations recorded in %(year)s.") % {"n": n, "year": subject.year}
    url = reverse("evaluations:commendation_list") + f"?year={subject.year}&unit={subject.unit.pk}"
    return Evidence(float(n), text, 1.0 if n else 0.0, url)


register(Kind(ENTERED, gettext_lazy("Entered by the unit")))
register(Kind("on_time_rate", gettext_lazy("Computed: reports filed on time"), on_time_rate))
register(Kind("returns", gettext_lazy("Computed: reports returned for revision"), returns))
register(Kind("tasks_on_time", gettext_lazy("Computed: directive tasks reported by their deadline"), tasks_on_time))
register(Kind("commendations", gettext_lazy("Computed: commendations in the year"), commendations))


def _register_kind(code: str, label, register_slug: str, counter_name: str, expected: int) -> Kind:
    """A unit's records in one register over the year (its whole subtree: the wards' villages count too),
    suggested in full from ``expected`` records a year (one a quarter for most registers)."""

    def compute(subject: Subject) -> Evidence:
        from registers import registry, selectors

        n = getattr(selectors, counter_name)(subject.unit, subject.start, subject.end)
        text = _("%(n)s records in the register “%(register)s” in %(year)s.") % {
            "n": n,
            "register": registry.REGISTERS[register_slug].title,
            "year": subject.year,
        }
        params = f"?unit={subject.unit.pk}&start={subject.start.isoformat()}&end={subject.end.isoformat()}"
        url = reverse("registers:record_list", args=[register_slug]) + params
        return Evidence(float(n), text, min(n / expected, 1.0), url)

    return Kind(code, label, compute, subjects=("unit",))


def _register_kinds() -> None:
    from registers import models as m

    for code, label, model, counter, expected in (
        ("disclosures", gettext_lazy("Computed: public disclosures in the register"), m.Disclosure, "disclosures_count", 4),
        ("community_decisions", gettext_lazy("Computed: community decisions in the register"), m.CommunityDecision, "community_decisions_count", 4),
        ("conferences", gettext_lazy("Computed: dissemination conferences in the register"), m.Conference, "conferences_count", 2),
        ("citizen_receptions", gettext_lazy("Computed: citizen reception days in the register"), m.CitizenReception, "citizen_receptions_count", 12),
    ):  # fmt: skip
        register(_register_kind(code, label, model.REGISTER, counter, expected))


_register_kinds()
