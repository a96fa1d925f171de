"""Who a stage addresses, for a whole batch of units at once (a fixed number of queries per batch).

Only people of the unit's own chain are ever addressed: reporters granted the role on the unit itself,
the unit's accountable head on the day, the holder of the post that signs for the report's issuing body
(the People's Committee's chairman, the Party secretary: ``reports.documents.signing``), the head of the unit
directly above, the standing member of the unit's steering committee, and committee staff of the unit
directly above (who review its reports).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from units.models import Body, BodyMembership, Headship, RoleGrant
from units.querysets import in_office_q

REPORTER, HEAD, PARENT_HEAD, STANDING, REVIEWER = "reporter", "head", "parent_head", "standing", "reviewer"
SIGNER = "signer"


@dataclass(frozen=True)
class Recipient:
    key: str  # u<user id> or p<person id>: one person, whichever way they were found
    name: str
    role: str
    email: str
    user_id: int | None
    person_id: int | None
    muted: bool


# The columns a recipient is made of, read as plain values (no model instances: a batch has thousands).
USER = ("username", "first_name", "last_name", "email", "person__id", "person__full_name", "person__email")
USER += ("reminder_preference__mute_reminders",)
PERSON = ("id", "full_name", "email", "user_id", "user__is_active", "user__email")
PERSON += ("user__reminder_preference__mute_reminders",)


def from_user(row: dict, role: str, prefix: str = "user__") -> Recipient:
    """A recipient with an account, from the USER values read through ``prefix``."""
    v = {k: row[prefix + k] for k in USER}
    full = f"{v['first_name']} {v['last_name']}".strip()
    return Recipient(
        key=f"u{row[prefix + 'id']}",
        name=v["person__full_name"] or full or v["username"],
        role=role,
        email=v["person__email"] or v["email"],
        user_id=row[prefix + "id"],
        person_id=v["person__id"],
        muted=bool(v["reminder_preference__mute_reminders"]),
    )


def from_person(row: dict, role: str, prefix: str = "person__") -> Recipient:
    """A recipient found as a person (head, standing member): by account if they have an active one."""
    v = {k: row[prefix + k] for k in PERSON}
    user_id = v["user_id"] if v["user__is_active"] else None
    return Recipient(
        key=f"u{user_id}" if user_id else f"p{v['id']}",
        name=v["full_name"],
        role=role,
        email=v["email"] or (v["user__email"] if user_id else "") or "",
        user_id=user_id,
        person_id=v["id"],
        muted=bool(user_id and v["user__reminder_preference__mute_reminders"]),
    )


def _users_with(role: str, unit_ids) -> dict[int, list[Recipient]]:
    grants = (
        RoleGrant.objects.filter(role=role, unit_id__in=unit_ids, user__is_active=True)
        .values("unit_id", "user__id", *(f"user__{k}" for k in USER))
        .order_by("unit_id", "user_id")
    )
    label = REPORTER if role == RoleGrant.Role.REPORTER else REVIEWER
    out: dict[int, list[Recipient]] = defaultdict(list)
    for grant in grants:
        out[grant["unit_id"]].append(from_user(grant, label))
    return out


def _heads(unit_ids, day: datetime.date) -> dict[int, dict]:
    rows = (
        Headship.objects.filter(in_office_q(day), unit_id__in=unit_ids, is_principal=True)
        .values("unit_id", *(f"person__{k}" for k in PERSON))
        .order_by("unit_id", "-started_on")
    )
    heads: dict[int, dict] = {}
    for row in rows:
        heads.setdefault(row["unit_id"], row)
    return heads


def _signers(unit_ids, day: datetime.date) -> dict[tuple[int, str], list[dict]]:
    """(unit, function) -> the posts in office that sign for a body of the unit: heads before deputies."""
    from reports.documents import signing

    functions = {b.function for b in signing.BODIES.values()}
    rows = (
        Headship.objects.filter(in_office_q(day), unit_id__in=unit_ids, function__in=functions)
        .values("unit_id", "function", "is_deputy", *(f"person__{k}" for k in PERSON))
        .order_by("unit_id", "is_deputy", "-started_on", "person_id")
    )
    out: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for row in rows:
        out[(row["unit_id"], row["function"])].append(row)
    return out


def _standing_members(unit_ids, day: datetime.date) -> dict[int, list[dict]]:
    rows = (
        BodyMembership.objects.filter(
            in_office_q(day),
            role=BodyMembership.Role.STANDING_DEPUTY,
            body__kind=Body.Kind.STEERING_COMMITTEE,
            body__unit_id__in=unit_ids,
        )
        .filter(Q(body__dissolved_on__isnull=True) | Q(body__dissolved_on__gt=day))
        .values("body__unit_id", *(f"person__{k}" for k in PERSON))
        .order_by("body__unit_id", "person_id")
    )
    out: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        out[row["body__unit_id"]].append(row)
    return out


class Directory:
    """The recipients of every audience for a batch of units (unit id -> parent id), loaded on demand."""

    def __init__(self, parents: dict[int, int | None], day: datetime.date):
        self.parents = parents
        self.day = day
        self._cache: dict[str, dict] = {}
        self._found: dict[tuple[int, str], list[Recipient]] = {}

    def _load(self, what: str) -> dict:
        if what not in self._cache:
            units = list(self.parents)
            above = {p for p in self.parents.values() if p}
            self._cache[what] = {
                "reporters": lambda: _users_with(RoleGrant.Role.REPORTER, units),
                "reviewers": lambda: _users_with(RoleGrant.Role.STAFF, above),
                "heads": lambda: _heads(set(units) | above, self.day),
                "standing": lambda: _standing_members(units, self.day),
                "signers": lambda: _signers(units, self.day),
            }[what]()
        return self._cache[what]

    def audience(self, unit_id: int, audience: str, issuing_body: str = "") -> list[Recipient]:
        key = (unit_id, audience, issuing_body)
        if key not in self._found:  # a unit owes several reports: find its people once per batch
            self._found[key] = self._audience(unit_id, audience, issuing_body)
        return self._found[key]

    def _audience(self, unit_id: int, audience: str, issuing_body: str = "") -> list[Recipient]:
        parent_id = self.parents.get(unit_id)
        if audience == "signers":  # the body's head; while the post is vacant, its deputies
            from reports.documents import signing

            posts = self._load("signers").get((unit_id, signing.body(issuing_body).function), [])
            heads = [p for p in posts if not p["is_deputy"]] or posts
            return list({r.key: r for r in (from_person(p, SIGNER) for p in heads)}.values())
        if audience == "reporters":
            return self._load("reporters").get(unit_id, [])
        if audience == "reviewers":
            return self._load("reviewers").get(parent_id, []) if parent_id else []
        if audience == "head":
            head = self._load("heads").get(unit_id)
            return [from_person(head, HEAD)] if head else []
        if audience == "parent":
            found = []
            head = self._load("heads").get(parent_id) if parent_id else None
            if head:
                found.append(from_person(head, PARENT_HEAD))
            found += [from_person(m, STANDING) for m in self._load("standing").get(unit_id, [])]
            return found
        raise ValueError(f"unknown audience {audience!r}")
