"""The full sweep works through the obligations in batches: each batch costs a fixed number of queries
however many obligations there are, and the people of a unit, read by the first batch that needs them,
are the same people later batches address (the sweep writes what it would in one batch)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import periods
from reports.models import Delivery, Obligation
from reports.reminders import sweep
from tests.factories import make_person, make_unit, make_user
from tests.reminders.conftest import DUE, SINCE
from tests.reminders.services import require_postgresql
from units.models import Headship, RoleGrant, Unit

QUERIES_PER_BATCH = 9  # candidates, two anchors, what is written, four kinds of people, the insert
QUERIES_PER_SWEEP = 4  # ladders checked, stages, the working calendar, the first empty page


@pytest.fixture
def wards(chain):
    """Twelve more wards of Bắc Ninh, each with a reporter (account and address) and a head (address only),
    each owing three reports due on 07/04/2026."""
    tree, form = chain["tree"], chain["form"]
    made = []
    for i in range(12):
        ward = make_unit(f"Phường Lô {i}", Unit.Kind.WARD, tree["bac_ninh"], code=f"8{i:04d}", code_scheme="2025")
        # A name may hold anything a form let through: the rows are written the same whichever way.
        first = "Lê \\ Thị\tAn\n" if i == 0 else "Lê"
        make_user(f"lo{i}", role=RoleGrant.Role.REPORTER, unit=ward, email=f"baocao{i}@lo.vn", first_name=first)
        head = make_person(f"Chủ tịch Lô {i}", email=f"ct{i}@lo.vn", unit=ward)
        Headship.objects.create(unit=ward, person=head, title="Bí thư Đảng ủy", started_on=SINCE)
        for k in range(3):
            start = datetime.date(2025, 1, 1) + datetime.timedelta(days=k)
            Obligation.objects.create(
                form=form, unit=ward, year=2026, period_index=0, period_start=start, period_end=start, due_date=DUE
            )
        made.append(ward)
    return made


def _written() -> set[tuple]:
    columns = ("obligation_id", "stage__code", "round", "recipient", "person_id", "user_id", "name", "role", "email")
    return set(Delivery.objects.values_list(*columns, "channel", "due_on", "status", "attempts"))


def _sweep(today, batch: int, monkeypatch) -> tuple[int, int]:
    """(queries, batches) of a full sweep in batches of ``batch`` obligations."""
    monkeypatch.setattr(sweep, "BATCH", batch)
    with CaptureQueriesContext(connection) as queries:
        result = sweep.sweep(today=today, publish=False)
    return len(queries), result.batches


def test_each_batch_costs_the_same_queries_and_writes_what_one_batch_would(wards, monkeypatch):
    today = periods.add_working_days(DUE, 3)  # the reporters, the head and the unit above are all due
    sweep.ensure_ladders()
    queries, batches = _sweep(today, 2000, monkeypatch)
    assert batches == 1
    in_one_batch = _written()
    assert len({o for o, *_rest in in_one_batch}) == Obligation.objects.filter(due_date=DUE).count()
    Delivery.objects.all().delete()
    for batch in (5, 2):
        queries, batches = _sweep(today, batch, monkeypatch)
        assert batches >= 36 // batch
        assert queries <= QUERIES_PER_SWEEP + QUERIES_PER_BATCH * batches, (queries, batches)
        assert _written() == in_one_batch  # nobody lost or added by reading the people once per sweep
        Delivery.objects.all().delete()


def test_a_repeat_sweep_costs_two_queries_a_batch_and_writes_nothing(wards, monkeypatch):
    today = periods.add_working_days(DUE, 3)
    sweep.ensure_ladders()
    _sweep(today, 4, monkeypatch)
    before = _written()
    queries, batches = _sweep(today, 4, monkeypatch)
    assert _written() == before
    assert queries <= QUERIES_PER_SWEEP + 2 * batches, (queries, batches)


def test_a_large_batch_written_through_copy_holds_the_same_rows(wards, monkeypatch):
    require_postgresql("COPY is how PostgreSQL takes a large batch")
    today = periods.add_working_days(DUE, 3)
    sweep.ensure_ladders()
    _sweep(today, 2000, monkeypatch)
    from_arrays = _written()
    assert any("\\" in row[6] and "\t" in row[6] for row in from_arrays)
    Delivery.objects.all().delete()
    monkeypatch.setattr(sweep, "COPY_FROM", 1)
    _sweep(today, 2000, monkeypatch)
    assert _written() == from_arrays
    _sweep(today, 2000, monkeypatch)  # a second sweep through COPY writes nothing twice
    assert _written() == from_arrays


def test_a_stage_that_has_told_someone_stays_while_its_log_does(wards, client, monkeypatch):
    """The log's stage is kept by the application: the stage cannot be deleted while a delivery names it,
    nor its form while the form has obligations, and the form's admin page offers to deactivate a stage,
    not to delete it."""
    from django.db.models import ProtectedError

    from reports.models import ReminderStage

    sweep.ensure_ladders()
    _sweep(periods.add_working_days(DUE, 3), 2000, monkeypatch)
    stage = ReminderStage.objects.get(pk=Delivery.objects.values_list("stage_id", flat=True).first())
    with pytest.raises(ProtectedError):
        stage.delete()
    with pytest.raises(ProtectedError):
        stage.form.delete()
    assert ReminderStage.objects.filter(pk=stage.pk).exists()
    client.force_login(make_user("quan-tri", is_superuser=True, is_staff=True))
    page = client.get(f"/admin/reports/reportform/{stage.form_id}/change/")
    assert page.status_code == 200, page.get("Location")
    html = page.content.decode()
    assert 'name="reminder_stages-0-is_active"' in html
    assert 'name="reminder_stages-0-DELETE"' not in html
    assert 'name="sections-0-DELETE"' in html  # the form's other inlines still offer it
