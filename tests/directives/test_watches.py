"""The watch list: a weak ward put on it from the dashboard, followed up by a task and a visit, closed with a result."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directives import watches
from directives.models import Assignment, Watch, WatchAction, WatchEvent
from reports.models import Obligation
from tests.directives.conftest import doc_type, make_directive
from tests.factories import make_unit, make_user
from units.models import AuditEvent, RoleGrant, Unit

TODAY = timezone.localdate()
REVIEW = TODAY + datetime.timedelta(days=30)
REASON = "Ba quý liền nộp báo cáo trễ hạn; chưa tổ chức hội nghị đối thoại"


@pytest.fixture
def plan(users, town):
    return make_directive(
        users["staff"],
        town["town"],
        symbol="45-KH/TU",
        doc_type=doc_type("Kế hoạch"),
        issuer="Thị ủy Từ Sơn",
        issued_on=datetime.date(2026, 1, 5),
    )


@pytest.fixture
def watch(users, town):
    return watches.watch_open(actor=users["staff"], unit=town["Đình Bảng"], reason=REASON, review_on=REVIEW)


def kinds_of(watch) -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT kind FROM directives_watchevent WHERE watch_id = %s ORDER BY id", [watch.pk])
        return [row[0] for row in cur.fetchall()]


def test_a_watch_from_opening_to_closing_with_every_step_on_record(users, town, plan, watch):
    staff = users["staff"]
    action = watches.watch_give_task(
        actor=staff,
        watch=watch,
        directive=plan,
        task="Tổ chức ngay hội nghị đối thoại và báo cáo kết quả",
        deadline=TODAY + datetime.timedelta(days=20),
    )
    task = action.assignment
    assert (task.unit, task.directive, task.status) == (town["Đình Bảng"], plan, "open")
    assert Obligation.objects.filter(assignment=task).count() == 1  # an ordinary task: it owes its report
    watches.watch_record_visit(
        actor=staff, watch=watch, kind=WatchAction.Kind.VISIT, happened_on=TODAY, findings="Đã lập kế hoạch khắc phục"
    )
    watches.watch_move_review(
        actor=staff, watch=watch, review_on=REVIEW + datetime.timedelta(days=14), note="Chờ hội nghị"
    )
    closed = watches.watch_close(actor=staff, watch=watch, outcome="improved", result="Đã nộp đúng hạn quý này")
    assert (closed.status, closed.outcome, closed.closed_by) == ("closed", "improved", staff)
    assert kinds_of(watch) == ["opened", "action", "action", "review", "closed"]
    assert set(WatchEvent.objects.filter(watch=watch).values_list("actor", flat=True)) == {staff.pk}
    assert list(
        AuditEvent.objects.filter(object_id=watch.pk, action__startswith="watch.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["watch.opened", "watch.task", "watch.visit", "watch.review", "watch.closed"]
    with pytest.raises(ValidationError, match="closed"):
        watches.watch_record_visit(actor=staff, watch=closed, kind="visit", happened_on=TODAY, findings="x")
    # Closed, the ward may go on the list again.
    again = watches.watch_open(actor=staff, unit=town["Đình Bảng"], reason="Lại trễ hạn", review_on=REVIEW)
    assert again.pk != watch.pk


def test_one_open_watch_per_unit_and_the_rules_of_who_may_watch(users, town, town_users, watch):
    with pytest.raises(ValidationError, match="already on the watch list"):
        watches.watch_open(actor=users["staff"], unit=town["Đình Bảng"], reason="x", review_on=REVIEW)
    ward_staff = make_user("staff_db", role=RoleGrant.Role.STAFF, unit=town["Đồng Kỵ"])
    with pytest.raises(PermissionDenied):  # a unit does not watch itself
        watches.watch_open(actor=ward_staff, unit=town["Đồng Kỵ"], reason="x", review_on=REVIEW)
    with pytest.raises(PermissionDenied):
        watches.watch_open(actor=town_users["leader_town"], unit=town["Đồng Kỵ"], reason="x", review_on=REVIEW)
    with pytest.raises(PermissionDenied):
        watches.watch_close(actor=users["staff_ha_noi"], watch=watch, outcome="improved", result="x")
    with pytest.raises(ValidationError, match="past"):
        watches.watch_open(
            actor=users["staff"], unit=town["Đồng Kỵ"], reason="x", review_on=TODAY - datetime.timedelta(days=1)
        )
    with pytest.raises(ValidationError):
        watches.watch_close(actor=users["staff"], watch=watch, outcome="improved", result="  ")
    assert Watch.objects.count() == 1


def test_another_units_watch_is_a_404_and_the_watched_ward_does_not_read_it(client, users, town, town_users, watch):
    for user in (users["staff_ha_noi"], town_users["reporter_dinh_bang"], users["reporter_tu_son"]):
        client.force_login(user)
        assert client.get(watch.get_absolute_url()).status_code == 404
        assert (
            client.post(watch.get_absolute_url(), {"step": "close", "outcome": "improved", "result": "x"}).status_code
            == 404
        )
        assert str(watch.unit.name) not in client.get(reverse("directives:watch_list")).content.decode()
    client.force_login(town_users["leader_town"])  # the town's leaders read it, and do not act on it
    page = client.get(watch.get_absolute_url())
    assert page.status_code == 200 and "Close the watch" not in page.content.decode()
    assert (
        client.post(watch.get_absolute_url(), {"step": "close", "outcome": "improved", "result": "x"}).status_code
        == 403
    )
    assert Watch.objects.get(pk=watch.pk).is_open


def test_the_pages_of_a_watch(client, users, town, plan, watch):
    client.force_login(users["staff"])
    url = watch.get_absolute_url()
    response = client.post(
        url,
        {
            "step": "task",
            "directive": plan.pk,
            "task": "Khắc phục ngay",
            "deadline": "2030-01-31",
            "report_required": "on",
        },
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(unit=town["Đình Bảng"], task="Khắc phục ngay").exists()
    response = client.post(url, {"step": "close", "outcome": "bad", "result": "x"})
    assert response.status_code == 200 and Watch.objects.get(pk=watch.pk).is_open  # an unknown outcome is refused
    response = client.post(url, {"step": "close", "outcome": "partly", "result": "Đã cải thiện một phần"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Partly improved" in page and "Khắc phục ngay" in page and "Đã cải thiện một phần" in page


def test_the_dashboard_offers_the_weak_ward_and_shows_the_watch_list(client, users, town, watch, tree):
    client.force_login(users["staff"])
    dashboard = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk])).content.decode()
    assert 'data-testid="watch-panel"' in dashboard and "Phường Đình Bảng" in dashboard
    unit_page = client.get(town["Đình Bảng"].get_absolute_url()).content.decode()
    assert REASON[:40] in unit_page
    form = client.get(reverse("directives:watch_create") + f"?unit={town['Đồng Kỵ'].pk}")
    assert form.status_code == 200
    response = client.post(
        reverse("directives:watch_create"),
        {"unit": town["Đồng Kỵ"].pk, "reason": "Chậm", "review_on": f"{REVIEW:%Y-%m-%d}"},
    )
    assert response.status_code == 302 and Watch.objects.filter(unit=town["Đồng Kỵ"], status="open").exists()
    # Outside the staff's scope: not found.
    assert client.get(reverse("directives:watch_create") + f"?unit={tree['hoan_kiem'].pk}").status_code == 404


def test_the_watch_list_and_panels_keep_their_query_budgets(client, users, tree, django_assert_max_num_queries):
    client.force_login(users["staff"])
    province = tree["bac_ninh"]
    counts = []
    for n in (2, 40):
        for i in range(n):
            unit = make_unit(f"Xã {n}-{i}", Unit.Kind.COMMUNE, province)
            w = watches.watch_open(actor=users["staff"], unit=unit, reason=f"Lý do {i}", review_on=REVIEW)
            watches.watch_record_visit(actor=users["staff"], watch=w, kind="visit", happened_on=TODAY, findings="x")
        with django_assert_max_num_queries(8):
            assert client.get(reverse("directives:watch_list"), {"q": "xa"}).status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(w.get_absolute_url()).status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(tree["bac_ninh"].get_absolute_url()).status_code == 200
            assert client.get(reverse("reports:dashboard", args=[province.pk])).status_code == 200
            assert client.get(unit.get_absolute_url()).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]  # the panels of the unit's page and the dashboard do not grow with the watches


def test_the_watch_list_is_paginated(client, users, tree):
    for i in range(55):
        unit = make_unit(f"Xã {i:02d}", Unit.Kind.COMMUNE, tree["bac_ninh"])
        watches.watch_open(actor=users["staff"], unit=unit, reason="x", review_on=REVIEW)
    client.force_login(users["staff"])
    first = client.get(reverse("directives:watch_list")).content.decode()
    assert first.count('href="/watches/') == 50 and "Page 1 of 2" in first
    second = client.get(reverse("directives:watch_list"), {"page": 2}).content.decode()
    assert second.count('href="/watches/') == 5


def test_api_watches_follow_the_scope_and_the_services(client, users, town, plan, watch, django_assert_max_num_queries):
    client.force_login(users["staff"])
    listing = client.get("/api/v1/watches/")
    assert listing.status_code == 200
    (row,) = listing.json()["results"]
    assert row["unit"]["name"] == "Phường Đình Bảng" and row["review_on"] == f"{REVIEW:%Y-%m-%d}"
    made = client.post(
        f"/api/v1/watches/{watch.pk}/tasks/",
        {"directive": plan.pk, "task": "Làm ngay", "deadline": "2030-01-31"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["follow_ups"][0]["assignment"]["task"] == "Làm ngay"
    closed = client.post(
        f"/api/v1/watches/{watch.pk}/close/", {"outcome": "improved", "result": "Tốt"}, content_type="application/json"
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert [e["kind"] for e in closed.json()["events"]] == ["closed", "action", "opened"]
    created = client.post(
        "/api/v1/watches/",
        {"unit": town["Đồng Kỵ"].pk, "reason": "Chậm", "review_on": f"{REVIEW:%Y-%m-%d}"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert client.get("/api/v1/watches/", {"status": "all"}).json()["count"] == 2
    for i in range(30):
        watches.watch_open(
            actor=users["staff"],
            unit=make_unit(f"Xã {i}", Unit.Kind.COMMUNE, town["town"]),
            reason="x",
            review_on=REVIEW,
        )
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/watches/").status_code == 200
    client.force_login(users["staff_ha_noi"])
    assert client.get(f"/api/v1/watches/{watch.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/watches/{watch.pk}/close/",
            {"outcome": "improved", "result": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get("/api/v1/watches/").json()["count"] == 0
    refused = client.post(
        "/api/v1/watches/",
        {"unit": town["Đồng Kỵ"].pk, "reason": "x", "review_on": f"{REVIEW:%Y-%m-%d}"},
        content_type="application/json",
    )
    assert refused.status_code == 404


def test_the_admin_lists_watches_and_progress_notes_read_only(client, users, town, plan, watch):
    from directives import progress
    from directives.models import ProgressNote
    from tests.factories import make_user as make

    action = watches.watch_give_task(actor=users["staff"], watch=watch, directive=plan, task="Việc", deadline=REVIEW)
    progress.progress_note_add(actor=users["staff"], assignment=action.assignment, percent=10, note="Bắt đầu")
    root = make("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    for name in ("watch", "progressnote"):
        assert client.get(reverse(f"admin:directives_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:directives_watch_change", args=[watch.pk])).status_code == 200
    note = ProgressNote.objects.get()
    assert client.get(reverse("admin:directives_progressnote_change", args=[note.pk])).status_code == 200
    assert client.get(reverse("admin:directives_watch_add")).status_code == 403
