"""The live roll-ups against a rebuild: after any sequence of changes through the services (reports filed,
returned, accepted; periods opened; wards merged into others, closed, moved to another province; merged
wards merged again), the rows kept in each change's transaction are exactly those ``rebuild_figures``
writes from the obligations and the reports' values.

Hypothesis draws the sequences; each runs in a savepoint rolled back afterwards, over the same small tree.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import generation, services, tallies
from reports.models import FigureTally, FormAssignment, IndicatorTally, Obligation, Report
from reports.models.obligations import FILED, IN_REVIEW
from tests.dashboards.conftest import at
from tests.factories import make_unit
from tests.reports.conftest import entry, form_by_code
from units import services as unit_services
from units.models import Unit

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def country(tree, users):
    """Two provinces of three wards each (one with a village), the quarterly and monthly forms owed in 2025."""
    wards = [tree["tu_son"], tree["dong_ngan"], tree["hoan_kiem"]]
    wards += [make_unit(f"Phường {n}", Unit.Kind.WARD, tree["bac_ninh"]) for n in ("Tam Sơn", "Châu Khê")]
    wards.append(make_unit("Phường Cửa Nam", Unit.Kind.WARD, tree["ha_noi"]))
    forms = [form_by_code("qcdc-quarter"), form_by_code("qcdc-month")]
    for form in forms:
        form.requires_approval = False
        form.save()
        FormAssignment.objects.create(
            form=form, root=tree["nation"], kinds=["ward", "village"], starts_on=D(2025, 1, 1)
        )
        generation.obligations_generate(form=form, year=2025)
    return {"tree": tree, "wards": wards, "forms": forms, "admin": users["admin"]}


def _report(o: Obligation) -> Report | None:
    return Report.objects.filter(obligation=o).first()


def _file(country, o: Obligation, offset: int) -> None:
    with time_machine.travel(at(o.due_date + datetime.timedelta(days=offset)), tick=False):
        report = _report(o)
        revision = report.revision if report else 0
        report = services.report_save_draft(actor=country["admin"], obligation=o, revision=revision, **entry(o.form))
        services.report_submit(actor=country["admin"], report=report)


def _step(country, step) -> None:
    action, a, b, offset = step
    admin, wards = country["admin"], country["wards"]
    obligations = list(Obligation.objects.order_by("pk"))
    o = obligations[a % len(obligations)] if obligations else None
    try:
        if action == "file" and o and o.status not in FILED:
            _file(country, o, offset)
        elif action == "draft" and o and o.status == Obligation.Status.NOT_STARTED:
            services.report_save_draft(actor=admin, obligation=o, revision=0, **entry(o.form))
        elif action == "return" and o and o.status in IN_REVIEW:
            with time_machine.travel(at(o.due_date + datetime.timedelta(days=offset + 6)), tick=False):
                services.report_return(actor=admin, report=_report(o), reason="Bổ sung số liệu")
        elif action == "accept" and o and o.status in IN_REVIEW:
            with time_machine.travel(at(o.due_date + datetime.timedelta(days=offset + 6)), tick=False):
                services.report_accept(actor=admin, report=_report(o))
        elif action == "merge":
            former, successor = Unit.objects.get(pk=wards[a % 6].pk), Unit.objects.get(pk=wards[b % 6].pk)
            day = D(2025, 1 + (offset + 3) % 12, 1)
            unit_services.unit_close(actor=admin, unit=former, closed_on=day, successor=successor)
        elif action == "close":
            unit_services.unit_close(actor=admin, unit=Unit.objects.get(pk=wards[a % 6].pk), closed_on=D(2025, 10, 1))
        elif action == "move":
            province = country["tree"]["ha_noi" if b % 2 else "bac_ninh"]
            unit_services.unit_update(actor=admin, unit=Unit.objects.get(pk=wards[a % 6].pk), parent=province)
        elif action == "generate":
            for form in country["forms"]:
                generation.obligations_generate(form=form, year=2026)
    except ValidationError:
        pass  # a change the rules refuse (a merge into a closed ward…) changes nothing


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["file", "file", "file", "draft", "return", "accept", "merge", "close", "move", "generate"]),
        st.integers(0, 200),
        st.integers(0, 5),
        st.integers(-3, 5),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_the_live_roll_ups_are_what_a_rebuild_writes(country, steps):
    with transaction.atomic():
        for step in steps:
            _step(country, step)
        live = tallies.tallies_snapshot()
        tallies.tallies_rebuild()
        assert tallies.tallies_snapshot() == live
        transaction.set_rollback(True)


def test_a_rebuild_puts_right_wrong_spurious_and_missing_rows_and_leaves_right_ones_alone(country):
    """Each table put out three ways (a count changed, a row of nothing added, a row taken away): the
    rebuild writes back exactly the rows the obligations give, and a rebuild over right rows writes none."""
    for o in Obligation.objects.filter(unit=country["wards"][0]).order_by("due_date")[:2]:
        _file(country, o, -1)
    right = tallies.tallies_snapshot()
    for model, field in ((FigureTally, "received"), (IndicatorTally, "count")):
        rows = list(model.objects.filter(subtree=True, unit=country["tree"]["nation"]).exclude(**{field: 0})[:2])
        assert len(rows) == 2, model
        model.objects.filter(pk=rows[0].pk).update(**{field: 7})
        model.objects.filter(pk=rows[1].pk).delete()
        spurious = model.objects.filter(subtree=False).first()
        spurious.pk, spurious.unit = None, country["tree"]["ha_noi"]  # a province owes nothing itself
        spurious.save()
    assert tallies.tallies_snapshot() != right
    written = tallies.tallies_rebuild()
    assert tallies.tallies_snapshot() == right
    for table in ("reports_figuretally", "reports_indicatortally"):
        assert [written[f"{table} {change}"] for change in ("deleted", "updated", "inserted")] == [1, 1, 1], table
    again = tallies.tallies_rebuild()
    assert tallies.tallies_snapshot() == right
    for table in ("reports_figuretally", "reports_indicatortally"):
        assert [again[f"{table} {change}"] for change in ("deleted", "updated", "inserted")] == [0, 0, 0], table
        assert again[f"{table} own"] == written[f"{table} own"] > 0


def test_the_command_rebuilds_the_rows_a_bulk_write_left_behind(country, capsys):
    """Written behind the services' back (as a bulk load does), the roll-ups lag until the command runs."""
    o = Obligation.objects.filter(unit=country["wards"][0]).order_by("due_date").first()
    Obligation.objects.filter(pk=o.pk).update(first_submitted_at=at(o.due_date), on_time=True, status="submitted")
    live = tallies.tallies_snapshot()
    call_command("rebuild_figures")
    assert "reports_figuretally own" in capsys.readouterr().out
    assert tallies.tallies_snapshot() != live
    own = FigureTally.objects.get(subtree=False, unit=o.unit, form=o.form, period_end=o.period_end)
    assert (own.received, own.on_time) == (1, 1)
    national = FigureTally.objects.get(
        subtree=True, unit=country["tree"]["nation"], form=o.form, period_end=o.period_end, due_date=o.due_date
    )
    assert national.received == 1
    assert not IndicatorTally.objects.exists()  # no values: the bulk write filed a report without any


def test_the_figures_read_the_same_rows_whatever_the_former_units(country):
    """Twenty former wards merged into Từ Sơn: the province's figures are the same query, of the same size,
    reading the same number of rows (a few per child and period) as with one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import selectors

    tree, admin = country["tree"], country["admin"]
    flt = selectors.dashboard_filter(tree["bac_ninh"], start=D(2025, 1, 1), end=D(2025, 12, 31))

    def read():
        with CaptureQueriesContext(connection) as ctx:
            grid = selectors.grid(flt)
        return grid, [q["sql"] for q in ctx.captured_queries]

    def merge(n: int) -> None:
        for i in range(n):
            former = make_unit(f"Phường Cũ {n}-{i}", Unit.Kind.WARD, tree["bac_ninh"])
            generation.obligations_generate(form=country["forms"][1], year=2025)
            unit_services.unit_close(actor=admin, unit=former, closed_on=D(2025, 7, 1), successor=tree["tu_son"])

    merge(1)
    one, one_sql = read()
    merge(20)
    many, many_sql = read()
    assert many.headline.expected == one.headline.expected + 20 * 6  # January to June each
    assert len(many_sql) == len(one_sql) == 1
    assert len(many_sql[0]) == len(one_sql[0])
    assert set(many.by_bucket) == set(one.by_bucket)  # the former wards count in Từ Sơn's row


def test_the_roll_ups_can_be_looked_at_in_the_admin_but_not_changed(client, country):
    from django.urls import reverse

    from tests.factories import make_user

    client.force_login(make_user("quantri", is_staff=True, is_superuser=True))
    for name in ("figuretally", "indicatortally"):
        page = client.get(reverse(f"admin:reports_{name}_changelist"))
        assert page.status_code == 200
        assert client.get(reverse(f"admin:reports_{name}_add")).status_code == 403
    row = FigureTally.objects.filter(subtree=True, unit=country["tree"]["nation"]).first()
    assert client.post(reverse("admin:reports_figuretally_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert FigureTally.objects.filter(pk=row.pk).exists()
