"""Every endpoint under the pages' scope: users of sibling units get a 404 for each object of Phường Từ
Sơn and never see it in a list; readers of the ward get a 403 with a message when they try to change
something; committee staff above the ward and administrators get in."""

import datetime

import pytest

from directives.models import Assignment, Directive, DirectiveEvent
from units.models import AuditEvent

# (url template, object key): every endpoint that reads one object, or a list under one object.
READS = [
    ("/api/v1/units/{}/", "unit"),
    ("/api/v1/units/{}/children/", "unit"),
    ("/api/v1/units/{}/heads/", "unit"),
    ("/api/v1/units/{}/bodies/", "unit"),
    ("/api/v1/bodies/{}/", "body"),
    ("/api/v1/people/{}/", "person"),
    ("/api/v1/directives/{}/", "directive"),
    ("/api/v1/directives/{}/assignments/", "directive"),
    ("/api/v1/assignments/{}/", "assignment"),
]
# (list url, what the object of Từ Sơn is called in it)
LISTS = [
    ("/api/v1/units/", "unit"),
    ("/api/v1/people/", "person"),
    ("/api/v1/directives/", "directive"),
    ("/api/v1/assignments/", "assignment"),
]
OUTSIDERS = ["reporter_dong_ngan", "staff_ha_noi", "nobody"]
READERS = ["reporter_tu_son", "head_tu_son", "leader"]
MANAGERS = ["staff", "admin"]


def assign_body(unit) -> dict:
    return {"task": "Báo cáo kết quả đối thoại", "deadline": "2030-12-31", "units": [unit.pk]}


def directive_body(unit, symbol="7-KH/ĐU") -> dict:
    return {
        "owner_unit": unit.pk,
        "doc_type": Directive.objects.first().doc_type_id,
        "symbol": symbol,
        "issuer": "Đảng ủy phường Từ Sơn",
        "abstract": "Kế hoạch tổ chức hội nghị đối thoại năm 2026",
        "issued_on": "2026-02-01",
    }


@pytest.mark.parametrize(("url", "key"), READS)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_users_of_other_units_get_404(api, objects, url, key, who):
    response = api(who).get(url.format(objects[key].pk))
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy.", "code": "not_found", "errors": {}}


@pytest.mark.parametrize(("url", "key"), READS)
@pytest.mark.parametrize("who", READERS + MANAGERS)
def test_people_of_the_unit_and_above_read_it(api, objects, url, key, who):
    assert api(who).get(url.format(objects[key].pk)).status_code == 200


@pytest.mark.parametrize(("url", "key"), READS)
def test_a_missing_object_is_the_same_404(api, objects, url, key):
    assert api("admin").get(url.format(10**9)).status_code == 404


@pytest.mark.parametrize(("url", "key"), LISTS)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_lists_never_show_another_units_objects(api, objects, url, key, who):
    ids = {row["id"] for row in api(who).get(url, {"page_size": 200}).json()["results"]}
    assert objects[key].pk not in ids


@pytest.mark.parametrize(("url", "key"), LISTS)
@pytest.mark.parametrize("who", READERS + MANAGERS)
def test_lists_show_the_units_own_objects(api, objects, url, key, who):
    ids = {row["id"] for row in api(who).get(url, {"page_size": 200}).json()["results"]}
    assert objects[key].pk in ids


@pytest.mark.parametrize("who", OUTSIDERS)
def test_filters_naming_another_unit_find_nothing(api, objects, who):
    client = api(who)
    unit = objects["unit"]
    siblings = client.get("/api/v1/units/", {"parent": unit.parent_id}).json()["results"]
    assert unit.pk not in {row["id"] for row in siblings}
    assert client.get("/api/v1/people/", {"unit": unit.pk}).json()["count"] == 0
    assert client.get("/api/v1/assignments/", {"unit": unit.pk, "sub": "true"}).json()["count"] == 0
    assert client.get("/api/v1/assignments/", {"directive": objects["directive"].pk}).json()["count"] == 0


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_assign_tasks_of_the_wards_directive(api, objects, who):
    url = f"/api/v1/directives/{objects['directive'].pk}/assignments/"
    assert api(who).post(url, assign_body(objects["unit"]), format="json").status_code == 404
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize("who", READERS)
def test_readers_get_403_with_a_message_when_they_assign(api, objects, who):
    url = f"/api/v1/directives/{objects['directive'].pk}/assignments/"
    response = api(who).post(url, assign_body(objects["unit"]), format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied" and "Phường Từ Sơn" in body["detail"] and body["errors"] == {}
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize("who", READERS + ["reporter_dong_ngan", "nobody"])
def test_users_without_a_managing_role_cannot_enter_directives(api, objects, who):
    response = api(who).post("/api/v1/directives/", directive_body(objects["unit"]), format="json")
    assert response.status_code == 403 and response.json()["detail"]
    assert Directive.objects.count() == 1


def test_staff_of_another_province_cannot_enter_a_directive_for_the_ward(api, objects):
    response = api("staff_ha_noi").post("/api/v1/directives/", directive_body(objects["unit"]), format="json")
    assert response.status_code == 400 and "owner_unit" in response.json()["errors"]
    assert Directive.objects.count() == 1


def test_staff_of_the_province_enter_a_directive_and_assign_it_through_the_services(api, objects, users, tree):
    client = api("staff")
    response = client.post("/api/v1/directives/", directive_body(objects["unit"]), format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["owner_unit"]["id"] == objects["unit"].pk and created["symbol"] == "7-KH/ĐU"
    directive = Directive.objects.get(pk=created["id"])
    assert directive.created_by == users["staff"]
    assert DirectiveEvent.objects.filter(directive=directive, kind=DirectiveEvent.Kind.CREATED).exists()
    assert AuditEvent.objects.filter(action="directive.created", object_id=directive.pk).exists()

    url = f"/api/v1/directives/{directive.pk}/assignments/"
    body = {"task": "Tổ chức hội nghị", "deadline": "2030-06-30", "root": tree["bac_ninh"].pk, "kinds": ["ward"]}
    response = client.post(url, body, format="json")
    assert response.status_code == 201 and response.json() == {"created": 2, "already": 0, "targets": 2}
    again = client.post(url, body, format="json")
    assert again.status_code == 200 and again.json() == {"created": 0, "already": 2, "targets": 2}
    event = DirectiveEvent.objects.get(directive=directive, kind=DirectiveEvent.Kind.ASSIGNED)
    assert event.actor == users["staff"] and event.note == "Tổ chức hội nghị"
    assert {a["unit"]["id"] for a in client.get(url).json()["results"]} == {tree["tu_son"].pk, tree["dong_ngan"].pk}
    # The ward's reporter now sees its task in "our tasks", with what to do next.
    tasks = api("reporter_tu_son").get("/api/v1/assignments/", {"unit": tree["tu_son"].pk, "status": "open"}).json()
    row = next(r for r in tasks["results"] if r["directive"]["id"] == directive.pk)
    assert row["deadline"] == "2030-06-30" and row["next_step"] and row["overdue"] is False


def test_staff_cannot_reach_units_outside_their_scope_when_assigning(api, objects, tree):
    url = f"/api/v1/directives/{objects['directive'].pk}/assignments/"
    response = api("staff").post(
        url, {"task": "x", "deadline": "2030-01-01", "units": [tree["hoan_kiem"].pk]}, format="json"
    )
    assert response.status_code == 400 and "units" in response.json()["errors"]
    assert not Assignment.objects.filter(unit=tree["hoan_kiem"]).exists()


def test_a_duplicate_directive_is_a_field_error(api, objects):
    body = directive_body(objects["unit"], symbol=objects["directive"].symbol)
    body["issuer"] = objects["directive"].issuer
    body["issued_on"] = objects["directive"].issued_on.isoformat()
    body["doc_type"] = objects["directive"].doc_type_id
    response = api("staff").post("/api/v1/directives/", body, format="json")
    assert response.status_code == 400 and "symbol" in response.json()["errors"]


def test_a_confidential_directive_stays_with_those_entitled(api, objects, users):
    from tests.api.conftest import make_directive

    secret = make_directive(
        users["staff"], objects["unit"], "3-KH/ĐU", confidentiality=Directive.Confidentiality.SECRET
    )
    assert api("reporter_tu_son").get(f"/api/v1/directives/{secret.pk}/").status_code == 404
    assert api("staff").get(f"/api/v1/directives/{secret.pk}/").status_code == 200


def test_session_writes_need_the_csrf_token(objects, users):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(users["staff"])
    assert client.get("/api/v1/me/").status_code == 200
    response = client.post("/api/v1/directives/", directive_body(objects["unit"]), format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_assignments_filters_mirror_the_task_page(api, objects, users, tree):
    from tests.api.conftest import assign, make_directive

    old = make_directive(users["staff"], tree["bac_ninh"], "1-KH/TU", issued_on=datetime.date(2025, 1, 1))
    overdue = assign(users["staff"], old, tree["village"], task="Việc đã quá hạn")
    Assignment.objects.filter(pk=overdue.pk).update(deadline=datetime.date(2025, 2, 1))
    client = api("staff")
    dong_ngan = tree["dong_ngan"].pk
    assert client.get("/api/v1/assignments/", {"unit": dong_ngan}).json()["count"] == 0
    rows = client.get("/api/v1/assignments/", {"unit": dong_ngan, "sub": "true"}).json()["results"]
    assert [r["id"] for r in rows] == [overdue.pk] and rows[0]["overdue"] is True and rows[0]["days_left"] < 0
    assert client.get("/api/v1/assignments/", {"status": "overdue"}).json()["count"] == 1
    assert client.get("/api/v1/assignments/", {"status": "done"}).json()["count"] == 0
    assert client.get("/api/v1/assignments/", {"status": "late"}).status_code == 400
