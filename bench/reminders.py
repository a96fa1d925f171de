"""One reminder sweep over 100,000 open obligations (3,321 communes, a reporter and a head each), its
time and its query count; and the query count per batch at 10,000 and at 100,000 obligations, which must
be the same: recipients are resolved per batch with a fixed number of queries, rows written in bulk."""

import datetime
import os
import sys

from _common import figure, setup, timer

_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]

setup("reminders")

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from reports.models import Delivery, Obligation, ReportForm  # noqa: E402
from reports.reminders import sweep  # noqa: E402
from units.models import Headship, Person, RoleGrant, Unit, User  # noqa: E402

COMMUNES = 3321
PROVINCES = 34
TODAY = datetime.date(2026, 4, 15)


def build_units() -> list[Unit]:
    nation = Unit(name="Việt Nam", kind=Unit.Kind.NATION)
    nation.save()
    Unit.objects.bulk_create(
        [Unit(name=f"Tỉnh {i + 1}", kind=Unit.Kind.PROVINCE, parent=nation, depth=1) for i in range(PROVINCES)]
    )
    provinces = list(Unit.objects.filter(parent=nation).order_by("pk"))
    for p in provinces:
        p.path = f"{nation.path}{p.pk}/"
    Unit.objects.bulk_update(provinces, ["path"])
    Unit.objects.bulk_create(
        [
            Unit(name=f"Xã {i + 1}", kind=Unit.Kind.COMMUNE, parent=provinces[i % PROVINCES], depth=2)
            for i in range(COMMUNES)
        ],
        batch_size=1000,
    )
    communes = list(Unit.objects.filter(depth=2).select_related("parent"))
    for u in communes:
        u.path = f"{u.parent.path}{u.pk}/"
    Unit.objects.bulk_update(communes, ["path"], batch_size=1000)
    return [*provinces, *communes], communes


def build_people(units, communes) -> None:
    users = User.objects.bulk_create(
        [User(username=f"baocao{u.pk}", email=f"baocao{u.pk}@xa.vn") for u in communes], batch_size=1000
    )
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=user, role=RoleGrant.Role.REPORTER, unit=u) for user, u in zip(users, communes, strict=True)],
        batch_size=1000,
    )
    people = Person.objects.bulk_create(
        [Person(full_name=f"Chủ tịch {u.name}", email=f"ct{u.pk}@xa.vn", unit=u) for u in units], batch_size=1000
    )
    Headship.objects.bulk_create(
        [
            Headship(unit=u, person=p, title="Chủ tịch UBND", started_on=datetime.date(2025, 7, 1))
            for u, p in zip(units, people, strict=True)
        ],
        batch_size=1000,
    )


def build_obligations(communes, n: int, start: int) -> None:
    """``n`` open obligations, due between 40 days before and 7 days after TODAY (every stage is reached)."""
    forms = list(ReportForm.objects.order_by("pk"))
    rows = []
    for i in range(start, start + n):
        unit = communes[i % COMMUNES]
        k = i // COMMUNES  # distinct period per (form, unit)
        form = forms[k % len(forms)]
        period_start = datetime.date(2020, 1, 1) + datetime.timedelta(days=k)
        rows.append(
            Obligation(
                form=form,
                unit=unit,
                year=2026,
                period_index=0,
                period_start=period_start,
                period_end=period_start,
                due_date=TODAY + datetime.timedelta(days=(i % 48) - 40),
            )
        )
    Obligation.objects.bulk_create(rows, batch_size=5000)


def measure(label: str) -> tuple[float, int, int]:
    Delivery.objects.all().delete()
    with CaptureQueriesContext(connection) as queries, timer() as t:
        result = sweep.sweep(today=TODAY, publish=False)
    per_batch = (len(queries) - 2) / max(result.batches, 1)
    print(
        f"# {label}: {result.obligations} obligations, {result.batches} batches, {Delivery.objects.count()} deliveries"
    )
    return t["s"], len(queries), per_batch


units, communes = build_units()
build_people(units, communes)
build_obligations(communes, 10_000, 0)
sweep.ensure_ladders()
_s10, q10, per10 = measure("10k")
build_obligations(communes, 90_000, 10_000)
s100, q100, per100 = measure("100k")
figure("reminders sweep 100k", s100, "s")
figure("reminders sweep 100k queries", q100, "queries")
figure("reminders sweep 10k queries", q10, "queries")
figure(f"reminders sweep queries per {sweep.BATCH}-obligation batch at 10k", round(per10), "queries")
figure(f"reminders sweep queries per {sweep.BATCH}-obligation batch at 100k", round(per100), "queries")
