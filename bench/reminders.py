"""The reminder sweep over 100,000 open obligations (3,321 communes, a reporter and a head each): the first
sweep, in which every obligation has a stage due, and the beat's repeat sweep five minutes later, which
must write nothing and cost little; their query counts, and the most queries any one batch costs at 10,000
and 100,000 obligations, which must be the same. Then a national year as it really is: 16 reports per commune, most
filed on time, and the day after March's monthly deadline, when the late communes' heads are told."""

import datetime

from _common import COMMUNES, build_communes, figure, setup, timer

setup("reminders")

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from reports import periods  # noqa: E402
from reports.models import Delivery, Obligation, ReportForm, Status  # noqa: E402
from reports.reminders import sweep  # noqa: E402
from units.models import Headship, Person, RoleGrant, Unit, User  # noqa: E402

TODAY = datetime.date(2026, 4, 15)


def build_units() -> tuple[list[Unit], list[Unit]]:
    """The shared bench country (``_common.build_communes``): every unit, and the communes."""
    build_communes()
    provinces = list(Unit.objects.filter(depth=1).order_by("pk"))
    communes = list(Unit.objects.filter(depth=2).order_by("pk"))
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


def _per_batch(captured: list[dict]) -> int:
    """The most queries any one batch cost, from the batch's page of candidates to the next one's: the
    people of a unit are read by the first batch that needs them, so early batches cost more than later
    ones and the per-batch cost is not the sweep's queries over its batches."""
    starts = [i for i, q in enumerate(captured) if q["sql"].startswith('SELECT "reports_obligation"."id"')]
    if not starts:
        return 0
    bounds = [*starts, len(captured)]
    return max(b - a for a, b in zip(bounds, bounds[1:], strict=False))


def measure(label: str, *, today=TODAY, fresh: bool = True) -> tuple[float, int, float, int]:
    """(seconds, queries, the most queries of one batch, rows written) of one sweep on ``today``."""
    if fresh:
        Delivery.objects.all().delete()
    before = Delivery.objects.count()
    if connection.vendor == "postgresql":  # as autovacuum would have done between two beats
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_delivery, reports_obligation")
    with CaptureQueriesContext(connection) as queries, timer() as t:
        result = sweep.sweep(today=today, publish=False)
    per_batch = _per_batch(queries.captured_queries)
    written = Delivery.objects.count() - before
    print(f"# {label}: {result.obligations} obligations, {result.batches} batches, {written} deliveries written")
    return t["s"], len(queries), per_batch, written


def build_national_year(communes) -> datetime.date:
    """A year of a monthly and a quarterly report for every commune; what fell due before the day after
    March's monthly deadline was filed, except by one commune in ten. Returns that day."""
    monthly, quarterly = list(ReportForm.objects.order_by("pk"))[:2]
    Obligation.objects.update(status=Status.ACCEPTED)  # the synthetic obligations above are done with
    day = periods.add_working_days(periods.due_date(datetime.date(2026, 3, 31), monthly.due_working_days), 1)
    rows = []
    for form, period_type in ((monthly, periods.MONTH), (quarterly, periods.QUARTER)):
        for p in periods.periods_of_year(period_type, 2026):
            due = periods.due_date(p.end, form.due_working_days)
            for i, unit in enumerate(communes):
                late = i % 10 == 0
                status = (
                    Status.NOT_STARTED
                    if due >= day or (late and due >= day - datetime.timedelta(days=10))
                    else Status.ACCEPTED
                )
                rows.append(
                    Obligation(
                        form=form,
                        unit=unit,
                        year=2026,
                        period_index=p.index,
                        period_start=p.start,
                        period_end=p.end,
                        due_date=due,
                        status=status,
                    )
                )
    Obligation.objects.bulk_create(rows, batch_size=5000)
    return day


units, communes = build_units()
build_people(units, communes)
build_obligations(communes, 10_000, 0)
sweep.ensure_ladders()
_s10, q10, per10, _w10 = measure("10k first")
build_obligations(communes, 90_000, 10_000)
s100, q100, per100, _w100 = measure("100k first")
again, q_again, _per, written_again = measure("100k repeat", fresh=False)
assert written_again == 0, written_again
next_day, q_next, _per, _written = measure("100k next day", today=TODAY + datetime.timedelta(days=1), fresh=False)
figure("reminder first sweep 100k", s100, "s")  # the goal: at most 10 s
figure("reminders sweep 100k first queries", q100, "queries")
figure("reminders sweep 100k repeat", again, "s")
figure("reminders sweep 100k repeat queries", q_again, "queries")
figure("reminders sweep 100k next day", next_day, "s")
figure("reminders sweep 10k first queries", q10, "queries")
figure(f"reminders sweep most queries of a {sweep.BATCH}-obligation batch at 10k", per10, "queries")
figure(f"reminders sweep most queries of a {sweep.BATCH}-obligation batch at 100k", per100, "queries")
day = build_national_year(communes)
measure("national day before", today=periods.add_working_days(day, 0) - datetime.timedelta(days=1))
national, q_national, _per, _written = measure(f"national day {day:%d/%m}", today=day, fresh=False)
figure("reminders sweep national day", national, "s")
figure("reminders sweep national day queries", q_national, "queries")
