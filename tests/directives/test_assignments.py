"""Handing tasks to units: by subtree and kind or one by one, once per unit, and every later change on record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives import services
from directives.models import Assignment, Directive, DirectiveEvent
from reports.models import Obligation
from tests.directives.conftest import TU_SON_COMMUNES, TU_SON_WARDS, doc_type, inserts_on_sqlite, make_directive
from tests.factories import make_unit
from units.models import AuditEvent, Unit

TASK = "Quán triệt Kết luận 120-KL/TW đến từng chi bộ; báo cáo kết quả"
DEADLINE = datetime.date(2030, 6, 30)


@pytest.fixture
def plan(tree, users, town):
    return make_directive(
        users["staff"], town["town"], symbol="45-KH/TU", doc_type=doc_type("Kế hoạch"), issuer="Thị ủy Từ Sơn"
    )


def assign(actor, directive, **kw):
    kw.setdefault("task", TASK)
    kw.setdefault("deadline", DEADLINE)
    return services.assignment_bulk_create(actor=actor, directive=directive, **kw)


def test_every_ward_and_commune_under_the_town(users, town, plan):
    result = assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD, Unit.Kind.COMMUNE])
    assert (result.created, result.already) == (12, 0)
    names = set(Assignment.objects.filter(directive=plan).values_list("unit__name", flat=True))
    assert names == {f"Phường {n}" for n in TU_SON_WARDS} | {f"Xã {n}" for n in TU_SON_COMMUNES}
    a = Assignment.objects.filter(directive=plan).first()
    assert (a.task, a.role, a.deadline, a.report_required, a.status, a.assigned_by) == (
        TASK,
        "lead",
        DEADLINE,
        True,
        "open",
        users["staff"],
    )


def test_assigning_again_does_nothing(users, town, plan):
    assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD])
    again = assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD], deadline=datetime.date(2031, 1, 1))
    assert (again.created, again.already) == (0, 7)
    assert Assignment.objects.filter(directive=plan).count() == 7
    assert set(Assignment.objects.values_list("deadline", flat=True)) == {DEADLINE}
    # the same words with other spacing and case are the same task
    spaced = assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD], task="  " + TASK.upper() + " ")
    assert spaced.created == 0
    # widening the choice adds only the new units
    wider = assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD, Unit.Kind.COMMUNE])
    assert (wider.created, wider.already) == (5, 7)
    assert DirectiveEvent.objects.filter(directive=plan, kind="assigned").count() == 2  # nothing recorded for no-ops


def test_a_different_task_is_a_new_assignment(users, town, plan):
    assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD])
    assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD], task="Tổ chức hội nghị đối thoại")
    assert Assignment.objects.filter(unit=town["Đình Bảng"]).count() == 2


def test_one_event_with_the_count_and_an_audit_row(users, town, plan):
    assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD, Unit.Kind.COMMUNE])
    event = DirectiveEvent.objects.get(directive=plan, kind="assigned")
    assert event.actor == users["staff"] and event.note == TASK
    assert event.changes["units"] == ["", "12"] and event.changes["under"] == ["", "Thị xã Từ Sơn"]
    audit = AuditEvent.objects.get(action="directive.assigned", object_id=plan.pk)
    assert audit.unit == town["town"] and audit.data["units"] == 12


def test_root_closed_units_and_one_by_one(users, tree, town, plan):
    closed = make_unit("Phường Cũ", Unit.Kind.WARD, town["town"], closed_on=datetime.date(2025, 7, 1))
    assert assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD]).created == 7
    assert not Assignment.objects.filter(unit=closed).exists()
    assert assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD], only_open=False).created == 1
    assert assign(users["staff"], plan, root=town["town"], include_root=True).created == 1
    assert assign(users["staff"], plan, units=[tree["tu_son"], tree["village"]]).created == 2
    assert Assignment.objects.filter(unit=town["town"]).exists()


def test_villages_under_the_town_by_kind(users, town, plan):
    assert assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.VILLAGE]).created == 1


def test_nothing_matching_is_a_clear_refusal(users, town, plan):
    with pytest.raises(ValidationError, match="No unit matches"):
        assign(users["staff"], plan, root=town["Đình Bảng"], kinds=[Unit.Kind.VILLAGE])


def test_units_outside_the_staff_scope_are_refused(users, tree, town, town_users):
    staff = town_users["staff_town"]
    plan = make_directive(staff, town["town"], symbol="45-KH/TU", issuer="Thị ủy Từ Sơn")
    with pytest.raises(PermissionDenied):
        assign(staff, plan, units=[tree["dong_ngan"]])
    with pytest.raises(PermissionDenied):
        assign(staff, plan, root=tree["bac_ninh"], kinds=[Unit.Kind.WARD])
    with pytest.raises(PermissionDenied):
        assign(town_users["reporter_dinh_bang"], plan, units=[town["Đình Bảng"]])
    assert not Assignment.objects.exists()


def test_only_a_directive_in_force_is_assigned(users, town):
    draft = make_directive(users["staff"], town["town"], status=Directive.Status.DRAFT)
    with pytest.raises(ValidationError, match="in force"):
        assign(users["staff"], draft, root=town["town"], kinds=[Unit.Kind.WARD])


def test_bulk_assignment_queries_do_not_grow_with_the_units(users, tree, plan):
    from reports.models import FigureTally

    counts, tallies = [], []
    for size in (5, 300):
        province = make_unit(f"Tỉnh {size}", Unit.Kind.PROVINCE, tree["nation"])
        for i in range(size):
            make_unit(f"Xã {i}", Unit.Kind.COMMUNE, province)
        before = {flag: FigureTally.objects.filter(subtree=flag).count() for flag in (False, True)}
        with CaptureQueriesContext(connection) as ctx:
            assert assign(users["admin"], plan, root=province, kinds=[Unit.Kind.COMMUNE]).created == size
        counts.append(len(ctx.captured_queries))
        tallies.append({flag: FigureTally.objects.filter(subtree=flag).count() - before[flag] for flag in before})
    # PostgreSQL: the same queries for 5 or 300 units (the first run also reads the user's scope).
    # SQLite: Django caps a statement at 999 parameters there, so each bulk INSERT (the assignments, the
    # obligations they open and their roll-up rows, own and subtree) is cut into batches; the budget grows
    # by those batches and nothing else.
    extra = 0
    if connection.vendor == "sqlite":
        extra = sum(inserts_on_sqlite(model, 300) - inserts_on_sqlite(model, 5) for model in (Assignment, Obligation))
        extra += sum(
            inserts_on_sqlite(FigureTally, tallies[1][flag]) - inserts_on_sqlite(FigureTally, tallies[0][flag])
            for flag in (False, True)
        )
    assert counts[1] <= counts[0] + extra
    assert counts[1] <= 30 + extra  # twenty for the assignments and their reports, ten for their roll-ups


def test_changing_an_assignment_is_recorded_with_who_when_and_why(users, town, plan):
    assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD])
    a = Assignment.objects.get(unit=town["Đình Bảng"])
    with pytest.raises(ValidationError):
        services.assignment_update(actor=users["staff"], assignment=a, reason="  ", deadline=datetime.date(2030, 7, 31))
    services.assignment_update(
        actor=users["staff"], assignment=a, reason="Phường xin gia hạn", deadline=datetime.date(2030, 7, 31)
    )
    services.assignment_cancel(actor=users["staff"], assignment=a, reason="Giao nhầm")
    a.refresh_from_db()
    assert a.status == Assignment.Status.CANCELLED
    events = list(DirectiveEvent.objects.filter(assignment=a).order_by("id"))
    assert [(e.kind, e.note, e.actor) for e in events] == [
        ("assignment_updated", "Phường xin gia hạn", users["staff"]),
        ("assignment_cancelled", "Giao nhầm", users["staff"]),
    ]
    assert events[0].changes == {"deadline": ["30/06/2030", "31/07/2030"]}
    assert events[1].changes == {"status": ["Open", "Cancelled"]}
    assert AuditEvent.objects.filter(unit=town["Đình Bảng"], action="assignment.cancelled").count() == 1
    with pytest.raises(ValidationError, match="already cancelled"):
        services.assignment_cancel(actor=users["staff"], assignment=a, reason="lại")


def test_readers_cannot_change_an_assignment(users, town, town_users, plan):
    assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD])
    a = Assignment.objects.get(unit=town["Đình Bảng"])
    with pytest.raises(PermissionDenied):
        services.assignment_cancel(actor=town_users["reporter_dinh_bang"], assignment=a, reason="không muốn")


def test_the_assign_page_assigns_and_reports_the_counts(client, users, town, plan):
    client.force_login(users["staff"])
    url = reverse("directives:assignment_create", args=[plan.pk])
    page = client.get(url, {"unit": town["town"].pk}).content.decode()
    assert "Ward (7)" in page and "Commune (5)" in page
    data = {
        "root": town["town"].pk,
        "kinds": [Unit.Kind.WARD, Unit.Kind.COMMUNE],
        "task": TASK,
        "role": "lead",
        "deadline": "2030-06-30",
        "report_required": "on",
        "only_open": "on",
    }
    response = client.post(url, data, follow=True)
    assert "The task was assigned to 12 units." in response.content.decode()
    response = client.post(url, data, follow=True)
    assert "12 units already held it" in response.content.decode()
    assert Assignment.objects.count() == 12


def test_the_change_and_cancel_pages(client, users, town, plan):
    assign(users["staff"], plan, root=town["town"], kinds=[Unit.Kind.WARD])
    a = Assignment.objects.get(unit=town["Đình Bảng"])
    client.force_login(users["staff"])
    response = client.post(
        reverse("directives:assignment_edit", args=[a.pk]),
        {"task": TASK, "role": "coordinate", "deadline": "2030-06-30", "report_required": "on", "status": "open"},
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = client.post(
        reverse("directives:assignment_edit", args=[a.pk]),
        {
            "task": TASK,
            "role": "coordinate",
            "deadline": "2030-06-30",
            "report_required": "on",
            "status": "open",
            "reason": "Phường Đình Bảng phối hợp",
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("directives:assignment_cancel", args=[a.pk]), {"reason": "Thôi giao"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.role, a.status) == ("coordinate", "cancelled")
    history = client.get(plan.get_absolute_url()).content.decode()
    assert "Phường Đình Bảng phối hợp" in history and "Thôi giao" in history
