"""Small builders for test data. Plain functions: what a test builds is visible in the test."""

import datetime
import itertools

from units.models import Body, Person, RoleGrant, Unit, User

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
