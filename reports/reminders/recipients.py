"""Who a stage addresses, for a whole batch of units at once (a fixed number of queries per batch).

Only people of the unit's own chain are ever addressed: reporters granted the role on the unit itself,
the unit's accountable head on the day, the head of the unit directly above, the standing member of the
unit's steering committee, and committee staff of the unit directly above (who review its reports).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from units.models import Body, BodyMembership, Headship, RoleGrant

REPORTER, HEAD, PARENT_HEAD, STANDING, REVIEWER = "reporter", "head", "parent_head", "standing", "reviewer"


@dataclass(frozen=True)
class Recipient:
    key: str  # u<user id> or p<person id>: one person, whichever way they were found
    name: str
    role: str
    email: str
    user_id: int | None
    person_id: int | None
    muted: bool


def _muted(user) -> bool:
    pref = getattr(user, "reminder_preference", None) if user is not None else None
    return bool(pref and pref.mute_reminders)


def from_user(user, role: str) -> Recipient:
    person = getattr(user, "person", None)
    return Recipient(
        key=f"u{user.pk}",
        name=(person.full_name if person else "") or user.get_full_name() or user.username,
        role=role,
        email=(person.email if person else "") or user.email,
        user_id=user.pk,
        person_id=person.pk if person else None,
        muted=_muted(user),
    )


def from_person(person, role: str) -> Recipient:
    user = person.user if person.user_id and person.user.is_active else None
    return Recipient(
        key=f"u{user.pk}" if user else f"p{person.pk}",
        name=person.full_name,
        role=role,
        email=person.email or (user.email if user else ""),
        user_id=user.pk if user else None,
        person_id=person.pk,
        muted=_muted(user),
    )


def _in_office(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def _users_with(role: str, unit_ids) -> dict[int, list[Recipient]]:
    grants = (
        RoleGrant.objects.filter(role=role, unit_id__in=unit_ids, user__is_active=True)
        .select_related("user__person", "user__reminder_preference")
        .order_by("unit_id", "user_id")
    )
    label = REPORTER if role == RoleGrant.Role.REPORTER else REVIEWER
    out: dict[int, list[Recipient]] = defaultdict(list)
    for grant in grants:
        out[grant.unit_id].append(from_user(grant.user, label))
    return out


def _heads(unit_ids, day: datetime.date) -> dict[int, Headship]:
    rows = (
        Headship.objects.filter(_in_office(day), unit_id__in=unit_ids, is_principal=True)
        .select_related("person__user__reminder_preference")
        .order_by("unit_id", "-started_on")
    )
    heads: dict[int, Headship] = {}
    for row in rows:
        heads.setdefault(row.unit_id, row)
    return heads


def _standing_members(unit_ids, day: datetime.date) -> dict[int, list[BodyMembership]]:
    rows = (
        BodyMembership.objects.filter(
            _in_office(day),
            role=BodyMembership.Role.STANDING_DEPUTY,
            body__kind=Body.Kind.STEERING_COMMITTEE,
            body__unit_id__in=unit_ids,
        )
        .filter(Q(body__dissolved_on__isnull=True) | Q(body__dissolved_on__gt=day))
        .select_related("body", "person__user__reminder_preference")
        .order_by("body__unit_id", "person_id")
    )
    out: dict[int, list[BodyMembership]] = defaultdict(list)
    for row in rows:
        out[row.body.unit_id].append(row)
    return out


class Directory:
    """The recipients of every audience for a batch of units (unit id -> parent id), loaded on demand."""

    def __init__(self, parents: dict[int, int | None], day: datetime.date):
        self.parents = parents
        self.day = day
        self._cache: dict[str, dict] = {}

    def _load(self, what: str) -> dict:
        if what not in self._cache:
            units = list(self.parents)
            above = {p for p in self.parents.values() if p}
            self._cache[what] = {
                "reporters": lambda: _users_with(RoleGrant.Role.REPORTER, units),
                "reviewers": lambda: _users_with(RoleGrant.Role.STAFF, above),
                "heads": lambda: _heads(set(units) | above, self.day),
                "standing": lambda: _standing_members(units, self.day),
            }[what]()
        return self._cache[what]

    def audience(self, unit_id: int, audience: str) -> list[Recipient]:
        parent_id = self.parents.get(unit_id)
        if audience == "reporters":
            return self._load("reporters").get(unit_id, [])
        if audience == "reviewers":
            return self._load("reviewers").get(parent_id, []) if parent_id else []
        if audience == "head":
            head = self._load("heads").get(unit_id)
            return [from_person(head.person, HEAD)] if head else []
        if audience == "parent":
            found = []
            head = self._load("heads").get(parent_id) if parent_id else None
            if head:
                found.append(from_person(head.person, PARENT_HEAD))
            found += [from_person(m.person, STANDING) for m in self._load("standing").get(unit_id, [])]
            return found
        raise ValueError(f"unknown audience {audience!r}")
