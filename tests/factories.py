"""Small builders for test data. Plain functions: what a test builds is visible in the test."""

import datetime
import itertools

from units.models import Body, Headship, Person, RoleGrant, Unit, User

_seq = itertools.count(1)


def make_unit(name: str | None = None, kind: str = Unit.Kind.WARD, parent: Unit | None = None, **fields) -> Unit:
    unit = Unit(name=name or f"Đơn vị {next(_seq)}", kind=kind, parent=parent, **fields)
    unit.save()
    return unit


def make_person(full_name: str | None = None, **fields) -> Person:
    person = Person(full_name=full_name or f"Nguyễn Văn {next(_seq)}", **fields)
    person.save()
    return person


def make_user(username: str | None = None, *, role: str | None = None, unit: Unit | None = None, **fields) -> User:
    user = User.objects.create_user(username=username or f"user{next(_seq)}", password="matkhau-Thu-2026", **fields)
    if role and unit:
        RoleGrant.objects.create(user=user, role=role, unit=unit)
    return user


def make_body(unit: Unit, **fields) -> Body:
    fields.setdefault("kind", Body.Kind.STEERING_COMMITTEE)
    fields.setdefault("name", f"Ban Chỉ đạo QCDC {unit.name}")
    fields.setdefault("decision_date", datetime.date(2025, 7, 15))
    return Body.objects.create(unit=unit, **fields)


def make_signer(
    user: User,
    unit: Unit,
    title: str = "Chủ tịch UBND",
    started_on: datetime.date = datetime.date(2020, 1, 1),
    ended_on: datetime.date | None = None,
    full_name: str = "Hoàng Thế Trung",
) -> Headship:
    """Give ``user`` (through their person, made if missing) a post that signs ``unit``'s reports.

    Not the accountable head: that post stays free for the tests that appoint one."""
    person = Person.objects.filter(user=user).first() or make_person(full_name, unit=unit, user=user)
    return Headship.objects.create(
        unit=unit, person=person, title=title, started_on=started_on, ended_on=ended_on, is_principal=False
    )
