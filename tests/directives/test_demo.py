"""The demo's directives: every demo login finds Kết luận 120-KL/TW and the Bắc Ninh plans in the register
and tasks of its own unit in its task list; some tasks done, some overdue; a thematic report filed."""

import datetime

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from demo.units import PASSWORD, demo_load
from directives.models import Assignment, Directive, DirectiveEvent, DirectiveRelation
from reports.models import Obligation, Report, ReportEvent, ReportForm
from units.models import RoleGrant, Unit, User

LOGINS = ["admin", "canbo.bacninh", "lanhdao.bacninh", "baocao.tuson", "truong.tuson", "baocao.dongnguyen"]


pytestmark = pytest.mark.slow  # the whole demo is loaded for the module


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the module, in a transaction rolled back at its end; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


def sql_count(query: str, *params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def own_unit(username: str) -> Unit:
    return RoleGrant.objects.select_related("unit").get(user__username=username).unit


@pytest.mark.django_db
@pytest.mark.parametrize("username", [*LOGINS, "chutich.dongnguyen"])  # and a head who signs for the State side
def test_each_demo_login_sees_the_directives_and_tasks_of_its_own_unit(
    demo, client, username, django_assert_max_num_queries
):
    assert client.login(username=username, password=PASSWORD)
    with django_assert_max_num_queries(25):
        register = client.get(reverse("directives:directive_list"))
    assert register.status_code == 200
    shown = {d.symbol for d in register.context["page"].object_list}
    assert {"120-KL/TW", "45-KH/TU", "215/KH-UBND"} <= shown
    assert "120-KL/TW" in register.content.decode()

    with django_assert_max_num_queries(25):
        tasks = client.get(reverse("directives:my_tasks"), follow=True)
    unit = own_unit(username)
    assert tasks.redirect_chain[-1][0] == reverse("directives:unit_tasks", args=[unit.pk])
    rows = list(tasks.context["page"].object_list)
    # Counted in plain SQL: the unit's own tasks, none of which is hidden from its people.
    expected = sql_count("SELECT COUNT(*) FROM directives_assignment WHERE unit_id = %s", unit.pk)
    assert expected > 0 and tasks.context["counts"]["all"] == len(rows) == expected
    assert {row.directive.symbol for row in rows} <= shown
    assert rows[0].task in tasks.content.decode()


@pytest.mark.django_db
def test_the_plans_implement_the_conclusion_and_hand_tasks_to_bac_ninhs_wards_with_roles_and_deadlines(demo):
    kl120 = Directive.objects.get(symbol="120-KL/TW")
    kh_tu = Directive.objects.get(symbol="45-KH/TU")
    kh_ubnd = Directive.objects.get(symbol="215/KH-UBND")
    assert (kl120.issuer, kl120.issued_on, kl120.doc_type.name) == (
        "Bộ Chính trị",
        datetime.date(2016, 1, 7),
        "Kết luận",
    )
    assert "Quy chế dân chủ ở cơ sở" in kl120.abstract
    assert (kh_tu.issuer, kh_tu.owner_unit.name, kh_tu.doc_type.family) == (
        "Tỉnh ủy Bắc Ninh",
        "Tỉnh Bắc Ninh",
        "party",
    )
    assert kh_ubnd.doc_type.family == "state"
    implements = set(
        DirectiveRelation.objects.filter(kind=DirectiveRelation.Kind.IMPLEMENTS).values_list(
            "source__symbol", "target__symbol"
        )
    )
    assert implements == {("45-KH/TU", "120-KL/TW"), ("215/KH-UBND", "45-KH/TU")}

    bac_ninh = Unit.objects.get(code_scheme=Unit.CodeScheme.CURRENT, code="24")
    communes = Unit.objects.filter(parent=bac_ninh, kind__in=Unit.COMMUNAL_KINDS)
    plan_units = set(Assignment.objects.filter(directive=kh_tu).values_list("unit", flat=True))
    assert set(communes.values_list("pk", flat=True)) <= plan_units
    roles = set(Assignment.objects.filter(directive__in=[kl120, kh_tu]).values_list("role", flat=True))
    assert roles == {Assignment.Role.LEAD, Assignment.Role.COORDINATE, Assignment.Role.MONITOR}
    assert not Assignment.objects.filter(directive=kh_tu, unit__in=communes, deadline__isnull=True).exists()


@pytest.mark.django_db
def test_some_tasks_are_done_and_some_overdue_today_and_each_done_says_who_and_when(demo):
    today = timezone.localdate()
    done = sql_count("SELECT COUNT(*) FROM directives_assignment WHERE status = 'done'")
    overdue = sql_count(
        "SELECT COUNT(*) FROM directives_assignment WHERE status = 'open' AND deadline < %s", today.isoformat()
    )
    running = sql_count(
        "SELECT COUNT(*) FROM directives_assignment WHERE status = 'open' AND (deadline >= %s OR deadline IS NULL)",
        today.isoformat(),
    )
    assert done > 10 and overdue > 10 and running > 0
    dong_nguyen = own_unit("baocao.dongnguyen")
    assert Assignment.objects.filter(unit=dong_nguyen, status="open", deadline__lt=today).exists()

    staff = User.objects.get(username="canbo.bacninh")
    events = DirectiveEvent.objects.filter(kind=DirectiveEvent.Kind.ASSIGNMENT_UPDATED, changes__has_key="status")
    assert events.count() == done
    assert set(events.values_list("actor__username", flat=True)) <= {"admin", staff.username}
    assert all(e.note and e.created_at.date() < today for e in events)


@pytest.mark.django_db
def test_tu_son_filed_the_thematic_report_of_its_task_and_the_committee_accepted_it(demo, client):
    kh_tu = Directive.objects.get(symbol="45-KH/TU")
    form = ReportForm.objects.get(directive=kh_tu)
    assert form.kind == ReportForm.Kind.THEMATIC
    tu_son = own_unit("baocao.tuson")
    task = Assignment.objects.get(directive=kh_tu, unit=tu_son, report_required=True)
    obligation = Obligation.objects.get(assignment=task)
    assert obligation.form == form and obligation.due_date == task.deadline
    report = Report.objects.get(obligation=obligation)
    assert report.status == Report.Status.ACCEPTED and obligation.on_time
    steps = list(report.events.order_by("created_at", "pk").values_list("kind", "actor__username"))
    assert steps == [
        (ReportEvent.Kind.CREATED, "baocao.tuson"),
        (ReportEvent.Kind.APPROVAL_REQUESTED, "baocao.tuson"),
        (ReportEvent.Kind.APPROVED, "truong.tuson"),
        (ReportEvent.Kind.ACCEPTED, "canbo.bacninh"),
    ]
    # The other pilot wards still owe theirs, on the same form.
    assert Obligation.objects.filter(form=form).exclude(unit=tu_son).count() == 3

    client.login(username="baocao.tuson", password=PASSWORD)
    assert client.get(report.get_absolute_url()).status_code == 200
    client.login(username="baocao.dongnguyen", password=PASSWORD)  # the sibling ward
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("directives:unit_tasks", args=[tu_son.pk])).status_code == 404


@pytest.mark.django_db
def test_loading_the_demo_again_adds_no_directive_task_or_report(demo):
    counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    demo_load()
    assert {model._meta.label: model._default_manager.count() for model in apps.get_models()} == counts


@pytest.mark.django_db
def test_the_register_names_the_plans_signers_and_the_done_task_says_accepted(demo):
    for symbol in ("45-KH/TU", "215/KH-UBND"):
        plan = Directive.objects.get(symbol=symbol)
        assert plan.signer and plan.signer_position, symbol  # the register reads "Người ký: <name>, <position>"
    # One word per idea: "chấp nhận" is what the committee does to a report that meets the requirements.
    notes = list(DirectiveEvent.objects.exclude(note="").values_list("note", flat=True))
    assert any("chấp nhận" in note for note in notes)
    assert not any("tiếp nhận" in note for note in notes)


@pytest.mark.django_db
def test_the_demo_follows_up_its_weakest_ward_on_the_watch_list(demo, client):
    from directives.models import Watch

    (watch,) = Watch.objects.select_related("unit").all()
    # The weakest ward, counted in plain SQL: the most reports overdue today among Bắc Ninh's open wards but Từ Sơn.
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.id, COUNT(o.id) AS n FROM units_unit u JOIN units_unit p ON p.id = u.parent_id"
            " LEFT JOIN reports_obligation o ON o.unit_id = u.id AND o.due_date < %s"
            " AND o.status IN ('not_started', 'draft', 'awaiting', 'returned')"
            " WHERE p.id = %s AND u.kind = 'ward' AND u.closed_on IS NULL AND u.id <> %s"
            " GROUP BY u.id, u.code ORDER BY n DESC, u.code LIMIT 1",
            [today, own_unit("canbo.bacninh").pk, own_unit("baocao.tuson").pk],
        )
        weakest_id, overdue = cursor.fetchone()
    assert watch.unit_id == weakest_id and overdue > 0 and watch.is_open
    assert sorted(watch.actions.values_list("kind", flat=True)) == ["task", "visit"]
    assert client.login(username="canbo.bacninh", password=PASSWORD)
    page = client.get(watch.get_absolute_url()).content.decode()
    assert "45-KH/TU" in page and "Đoàn công tác" in page
    bac_ninh = own_unit("canbo.bacninh")
    assert watch.unit.name in client.get(reverse("reports:dashboard", args=[bac_ninh.pk])).content.decode()
