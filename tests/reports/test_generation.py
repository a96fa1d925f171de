"""Obligations: one per (form, unit, period) and per report-requiring directive task, created idempotently;
units that did not exist during a period owe nothing for it."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives import services as directive_services
from reports import generation, periods
from reports.models import FormAssignment, Obligation, ReportForm
from reports.tasks import open_upcoming_periods
from tests.factories import make_unit
from tests.reports.conftest import TZ, fill, form_by_code, make_plan
from units import services as unit_services
from units.models import AuditEvent, Unit, UnitSuccession

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_year_of_quarters_for_every_ward_and_again_nothing(quarterly, tree):
    assert generation.obligations_generate(form=quarterly, year=2026) == 2 * 4  # Từ Sơn and Đông Ngàn
    assert generation.obligations_generate(form=quarterly, year=2026) == 0
    rows = Obligation.objects.filter(unit=tree["tu_son"], form=quarterly).order_by("period_index")
    assert [(o.period_start, o.period_end, o.due_date) for o in rows] == [
        (D(2026, 1, 1), D(2026, 3, 31), D(2026, 4, 7)),
        (D(2026, 4, 1), D(2026, 6, 30), D(2026, 7, 7)),
        (D(2026, 7, 1), D(2026, 9, 30), D(2026, 10, 7)),
        (D(2026, 10, 1), D(2026, 12, 31), D(2027, 1, 8)),  # 01/01/2027 is a holiday
    ]
    assert not Obligation.objects.filter(unit__in=[tree["village"], tree["bac_ninh"], tree["hoan_kiem"]]).exists()


def test_the_command_generates_a_year_and_is_idempotent(quarterly, tree, capsys):
    call_command("generate_obligations", "--year", "2026", "--form", "qcdc-quarter")
    assert Obligation.objects.filter(form=quarterly).count() == 8
    call_command("generate_obligations", "--year", "2026")
    assert Obligation.objects.filter(form=quarterly).count() == 8
    assert "0 obligations created for 2026" in capsys.readouterr().out


def test_the_database_refuses_a_second_obligation_for_the_same_period(quarterly, tree):
    generation.obligations_generate(form=quarterly, year=2026)
    first = Obligation.objects.filter(form=quarterly).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Obligation.objects.create(
            form=quarterly,
            unit=first.unit,
            year=first.year,
            period_index=first.period_index,
            period_start=first.period_start,
            period_end=first.period_end,
            due_date=first.due_date,
        )


def test_a_unit_owes_the_periods_it_is_open_on_the_last_day_of(quarterly, tree):
    tree["dong_ngan"].closed_on = D(2026, 4, 1)  # merged away on 01/04: open on 31/03, owes Q1 only
    tree["dong_ngan"].save()
    mid_quarter = make_unit("Phường Tân Hồng", Unit.Kind.WARD, tree["bac_ninh"], closed_on=D(2026, 5, 15))
    newcomer = make_unit("Phường Mới", Unit.Kind.WARD, tree["bac_ninh"], opened_on=D(2026, 7, 1))
    late_opener = make_unit("Phường Mở Giữa Kỳ", Unit.Kind.WARD, tree["bac_ninh"], opened_on=D(2026, 5, 10))
    generation.obligations_generate(form=quarterly, year=2026)
    owed = lambda unit: list(  # noqa: E731
        Obligation.objects.filter(unit=unit, form=quarterly)
        .order_by("period_index")
        .values_list("period_index", flat=True)
    )
    assert owed(tree["dong_ngan"]) == [1]
    assert owed(mid_quarter) == [1]  # closed on 15/05: not open on 30/06, its successor owes Q2
    assert owed(newcomer) == [3, 4]
    assert owed(late_opener) == [2, 3, 4]  # open on 30/06
    assert owed(tree["tu_son"]) == [1, 2, 3, 4]


@time_machine.travel(datetime.datetime(2026, 6, 20, 9, 0, tzinfo=TZ), tick=False)
def test_a_merger_removes_the_reports_opened_ahead_that_the_former_unit_no_longer_owes(tree, users):
    """A monthly form owed by Bắc Ninh's wards; on 20/06 the hourly run has opened July (31 days ahead).
    Đông Ngàn merges into Từ Sơn from 01/07: it owes June (open on 30/06), not July."""
    monthly = form_by_code("qcdc-month")
    FormAssignment.objects.create(form=monthly, root=tree["bac_ninh"], kinds=["ward"], starts_on=D(2026, 1, 1))
    generation.obligations_open_upcoming()
    july = {"form": monthly, "year": 2026, "period_index": 7}
    june = Obligation.objects.get(form=monthly, unit=tree["dong_ngan"], year=2026, period_index=6)
    may = Obligation.objects.get(form=monthly, unit=tree["dong_ngan"], year=2026, period_index=5)
    may.first_submitted_at = datetime.datetime(2026, 6, 5, 9, 0, tzinfo=TZ)  # filed, as the services write it
    may.save()
    assert Obligation.objects.filter(**july).count() == 2
    fill(Obligation.objects.get(unit=tree["dong_ngan"], **july), users["reporter_dong_ngan"])  # an early draft

    unit_services.unit_close(
        actor=users["staff"], unit=tree["dong_ngan"], closed_on=D(2026, 7, 1), successor=tree["tu_son"]
    )
    # July is owed once, by the successor: the former ward's draft and its duty are gone.
    assert list(Obligation.objects.filter(**july).values_list("unit", flat=True)) == [tree["tu_son"].pk]
    assert Obligation.objects.filter(pk__in=[june.pk, may.pk]).count() == 2  # June still owed; May filed
    event = AuditEvent.objects.get(action="obligations.released")
    assert (event.actor, event.unit_id) == (users["staff"], tree["dong_ngan"].pk)
    assert [o["period_end"] for o in event.data["obligations"]] == ["2026-07-31"]
    assert event.data["obligations"][0]["had_draft"] is True
    assert UnitSuccession.objects.filter(predecessor=tree["dong_ngan"], successor=tree["tu_son"]).exists()
    # The next hourly runs open nothing for the closed ward.
    generation.obligations_open_upcoming()
    assert Obligation.objects.filter(**july).count() == 1


def test_a_unit_closed_in_the_admin_loses_the_periods_it_no_longer_owes(client, quarterly, tree, users):
    generation.obligations_generate(form=quarterly, year=2026)
    admin_user = users["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    unit = tree["dong_ngan"]
    url = reverse("admin:units_unit_change", args=[unit.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("successors",)}
    data.update({"parent": unit.parent_id, "closed_on": "15/08/2026"})
    for prefix in ("headships", "succession_links_out"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    left = Obligation.objects.filter(unit=unit, form=quarterly).values_list("period_index", flat=True)
    assert sorted(left) == [1, 2]  # open on 31/03 and 30/06; closed before 30/09
    assert AuditEvent.objects.filter(action="obligations.released", actor=admin_user).count() == 1


def test_an_assignment_owes_from_its_start_until_its_end(tree):
    form = form_by_code("qcdc-month")
    FormAssignment.objects.create(
        form=form, root=tree["tu_son"], include_root=True, starts_on=D(2026, 3, 10), ends_on=D(2026, 6, 15)
    )
    generation.obligations_generate(form=form, year=2026)
    months = Obligation.objects.filter(form=form, unit=tree["tu_son"]).order_by("period_index")
    assert list(months.values_list("period_index", flat=True)) == [3, 4, 5, 6]


def test_cut_off_periods_and_due_dates_across_tet(tree):
    form = form_by_code("qcdc-month")
    form.cutoff_day, form.due_working_days = 14, 2
    form.save()
    FormAssignment.objects.create(form=form, root=tree["tu_son"], include_root=True, starts_on=D(2025, 1, 1))
    generation.obligations_generate(form=form, year=2026)
    feb = Obligation.objects.get(form=form, unit=tree["tu_son"], year=2026, period_index=2)
    assert (feb.period_start, feb.period_end, feb.due_date) == (D(2026, 1, 15), D(2026, 2, 14), D(2026, 2, 24))
    jan = Obligation.objects.get(form=form, unit=tree["tu_son"], year=2026, period_index=1)
    assert (jan.period_start, jan.period_end) == (D(2025, 12, 15), D(2026, 1, 14))


@time_machine.travel(datetime.datetime(2026, 2, 5, 9, 0, tzinfo=TZ), tick=False)
def test_the_periodic_task_opens_the_periods_begun_and_the_next_month(tree):
    form = form_by_code("qcdc-month")
    FormAssignment.objects.create(form=form, root=tree["tu_son"], include_root=True, starts_on=D(2026, 1, 1))
    assert open_upcoming_periods() == 3  # January, February, and March (starts within 31 days)
    assert open_upcoming_periods() == 0
    assert list(
        Obligation.objects.filter(form=form).order_by("period_index").values_list("period_index", flat=True)
    ) == [1, 2, 3]


def _assign_tasks(directive, tree, users) -> None:
    directive_services.assignment_bulk_create(
        actor=users["staff"],
        directive=directive,
        task="Báo cáo kết quả quán triệt",
        deadline=D(2026, 3, 20),
        units=[tree["tu_son"], tree["dong_ngan"]],
    )
    directive_services.assignment_bulk_create(
        actor=users["staff"], directive=directive, task="Theo dõi", report_required=False, units=[tree["tu_son"]]
    )


@pytest.fixture
def directive_task(tree, users):
    directive = make_plan(tree, users)
    _assign_tasks(directive, tree, users)
    return directive


def test_directive_tasks_that_require_a_report_owe_one_at_once_on_the_thematic_form(directive_task, tree):
    owed = Obligation.objects.filter(assignment__isnull=False)
    assert owed.count() == 2  # at once: the task that needs no report owes nothing
    assert generation.obligations_sync_assignments() == 0  # the hourly run finds nothing left to do
    mine = owed.get(unit=tree["tu_son"])
    assert mine.form.code == "qcdc-thematic" and mine.due_date == D(2026, 3, 20)
    assert mine.assignment.task == "Báo cáo kết quả quán triệt"


def test_the_hourly_run_still_opens_a_task_left_without_its_report(directive_task):
    Obligation.objects.filter(assignment__isnull=False).delete()  # e.g. tasks given before this feature
    assert generation.obligations_sync_assignments() == 2
    assert generation.obligations_sync_assignments() == 0


def test_a_directive_with_its_own_thematic_form_uses_it(tree, users):
    directive = make_plan(tree, users)
    own = ReportForm.objects.create(
        code="kh45-report", name="Báo cáo thực hiện KH 45", kind="thematic", title="Kết quả", directive=directive
    )
    _assign_tasks(directive, tree, users)
    assert set(Obligation.objects.filter(assignment__isnull=False).values_list("form", flat=True)) == {own.pk}


def test_a_task_changed_to_require_a_report_owes_it_at_once(directive_task, tree, users):
    watching = directive_task.assignments.get(task="Theo dõi")
    directive_services.assignment_update(
        actor=users["staff"], assignment=watching, reason="Cần báo cáo kết quả", report_required=True
    )
    assert Obligation.objects.filter(assignment=watching, unit=tree["tu_son"]).count() == 1


def test_a_new_deadline_moves_the_due_date_of_a_report_not_yet_filed(directive_task, tree, users):
    task = directive_task.assignments.get(unit=tree["tu_son"], report_required=True)
    other = directive_task.assignments.get(unit=tree["dong_ngan"], report_required=True)
    Obligation.objects.filter(assignment=other).update(first_submitted_at=datetime.datetime(2026, 3, 2, tzinfo=TZ))
    for assignment in (task, other):
        directive_services.assignment_update(
            actor=users["staff"], assignment=assignment, reason="Lùi hạn theo đề nghị", deadline=D(2026, 4, 10)
        )
    assert Obligation.objects.get(assignment=task).due_date == D(2026, 4, 10)  # the ward's reporter sees the new date
    assert Obligation.objects.get(assignment=other).due_date == D(2026, 3, 20)  # filed: judged by the old one


def test_a_bulk_assignment_opens_its_reports_in_the_same_number_of_queries_for_more_units(tree, users):
    directive = make_plan(tree, users)
    periods.current_calendar()  # the swapped days are read once a minute, not per assignment
    counts = []
    for extra, task in ((0, "Báo cáo đợt 1"), (10, "Báo cáo đợt 2")):
        for i in range(extra):
            make_unit(f"Phường mới {i}", Unit.Kind.WARD, tree["bac_ninh"])
        with CaptureQueriesContext(connection) as queries:
            directive_services.assignment_bulk_create(
                actor=users["staff"], directive=directive, task=task, root=tree["bac_ninh"], kinds=["ward"]
            )
        counts.append(len(queries))
        wards = Unit.objects.filter(kind=Unit.Kind.WARD, path__startswith=tree["bac_ninh"].path).count()
        assert Obligation.objects.filter(assignment__task=task).count() == wards == 2 + extra
    assert counts[0] == counts[1]


def test_an_ad_hoc_report_is_requested_once(tree, users):
    form = ReportForm.objects.create(code="dot-xuat", name="Báo cáo đột xuất", kind="ad_hoc", title="Tình hình")
    args = {
        "actor": users["staff"],
        "form": form,
        "root": tree["bac_ninh"],
        "kinds": ["ward"],
        "period_start": D(2026, 3, 1),
        "period_end": D(2026, 3, 15),
        "due_date": D(2026, 3, 20),
    }
    assert generation.obligations_request(**args) == 2
    assert generation.obligations_request(**args) == 0


def test_assigning_a_form_opens_the_periods_begun(tree, users):
    form = form_by_code("qcdc-quarter")
    with time_machine.travel(datetime.datetime(2026, 5, 10, 9, 0, tzinfo=TZ), tick=False):
        _assignment, created = generation.form_assign(
            actor=users["staff"], form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=D(2026, 1, 1)
        )
    assert created == 4  # Q1 and Q2 of 2026 for two wards
    with pytest.raises(Exception, match="administrators"):
        generation.form_assign(
            actor=users["staff_ha_noi"], form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=D(2026, 1, 1)
        )
