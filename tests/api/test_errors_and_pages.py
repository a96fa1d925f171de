"""One error body everywhere, Vietnamese unless asked otherwise; numbered pages with a cap; list query
counts that do not grow with the rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import periods
from tests.api.conftest import assign, make_directive
from tests.factories import make_body, make_person, make_unit
from units.models import BodyMembership, Headship, Unit


def test_field_errors_are_listed_per_field_in_vietnamese_by_default(api, objects):
    response = api("staff").post("/api/v1/directives/", {"symbol": ""}, format="json")
    assert response.status_code == 400
    assert response["Content-Language"] == "vi"
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "invalid"
    assert body["errors"]["owner_unit"] == ["Trường này là bắt buộc."]
    assert body["errors"]["symbol"] == ["Trường này không được bỏ trống."]


def test_accept_language_english_is_honoured_by_the_api(api, objects):
    response = api("staff", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").post("/api/v1/directives/", {}, format="json")
    assert response["Content-Language"] == "en"
    assert response.json()["errors"]["abstract"] == ["This field is required."]


def test_the_language_cookie_wins_over_the_header(api, objects, settings):
    client = api("staff", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert client.get("/api/v1/units/9999999/").json()["detail"] == "Không tìm thấy."


def test_a_forbidden_write_says_who_may_do_it_in_vietnamese(api, objects):
    url = f"/api/v1/directives/{objects['directive'].pk}/assignments/"
    body = api("reporter_tu_son").post(url, {}, format="json").json()
    assert body["detail"].startswith("Chỉ cán bộ") and body["code"] == "permission_denied"


def test_a_rule_of_the_service_becomes_a_field_error(api, objects, users):
    objects["directive"].status = "draft"
    objects["directive"].save()
    url = f"/api/v1/directives/{objects['directive'].pk}/assignments/"
    body = {"task": "x", "deadline": "2030-01-01", "units": [objects["unit"].pk]}
    response = api("staff", HTTP_ACCEPT_LANGUAGE="en").post(url, body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Only a directive in force can be assigned; change its status first."
    assert response.json()["errors"] == {"non_field_errors": [response.json()["detail"]]}


def test_nested_list_errors_are_flattened(api, objects):
    url = f"/api/v1/directives/{objects['directive'].pk}/assignments/"
    body = {"task": "x", "deadline": "2030-01-01", "units": [objects["unit"].pk, "abc"]}
    errors = api("staff").post(url, body, format="json").json()["errors"]
    assert list(errors) == ["units.1"]


def test_a_body_that_is_not_json_is_a_400_with_the_error_body(api, objects):
    response = api("staff").post("/api/v1/directives/", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_an_unknown_address_under_the_api_is_a_json_404(api, objects):
    response = api("staff").get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_pages_are_numbered_and_capped(api, tree):
    for i in range(5):
        make_unit(f"Thôn {i}", Unit.Kind.VILLAGE, tree["tu_son"])
    client = api("admin")
    first = client.get("/api/v1/units/", {"page_size": 3}).json()
    assert first["count"] == 12 and len(first["results"]) == 3 and first["previous"] is None
    assert "page=2" in first["next"]
    assert len(client.get("/api/v1/units/", {"page_size": 100000}).json()["results"]) == 12
    response = client.get("/api/v1/units/", {"page": 99})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_search_ignores_diacritics(api, tree):
    client = api("staff")
    assert [u["name"] for u in client.get("/api/v1/units/", {"q": "dong ngan"}).json()["results"]] == [
        "Phường Đông Ngàn"
    ]
    assert client.get("/api/v1/units/", {"q": "ĐÔNG"}).json()["count"] == 2  # the ward and its village
    closed = make_unit("Phường Cũ", Unit.Kind.WARD, tree["bac_ninh"], closed_on=datetime.date(2025, 7, 1))
    assert closed.pk not in {u["id"] for u in client.get("/api/v1/units/", {"open": "true"}).json()["results"]}
    assert [u["id"] for u in client.get("/api/v1/units/", {"open": "false"}).json()["results"]] == [closed.pk]
    kinds = {u["kind"] for u in client.get("/api/v1/units/", {"kind": "village"}).json()["results"]}
    assert kinds == {"village"}


# Query budgets: the same count with one row or with many.


def _grow(tree, users, n: int, start: int) -> None:
    """n more of everything in Phường Từ Sơn, each tied to the ward."""
    tu_son = tree["tu_son"]
    for i in range(start, start + n):
        unit = make_unit(f"Tổ dân phố {i}", Unit.Kind.RESIDENTIAL_GROUP, tu_son)
        make_unit(f"Nhóm {i}", Unit.Kind.RESIDENTIAL_GROUP, unit)
        person = make_person(f"Lê Văn {i}", unit=tu_son)
        Headship.objects.create(
            unit=tu_son, person=person, title=f"Phó {i}", is_principal=False, started_on=datetime.date(2020, 1, i + 1)
        )
        body = make_body(tu_son, name=f"Ban {i}")
        BodyMembership.objects.create(body=body, person=person, started_on=datetime.date(2025, 8, 1))
        directive = make_directive(users["staff"], tu_son, f"{100 + i}-KH/ĐU")
        assign(users["staff"], directive, tu_son)
        assign(users["staff"], directive, unit, task=f"Việc {i}")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(ctx.captured_queries)


# token + grants + former-units check + count + rows, and one per prefetch or parent object
BUDGETS = {
    "/api/v1/units/": 5,
    "/api/v1/units/{unit}/children/": 6,
    "/api/v1/units/{unit}/heads/": 6,
    "/api/v1/units/{unit}/bodies/": 7,
    "/api/v1/people/": 5,
    "/api/v1/directives/": 6,
    "/api/v1/directives/{directive}/assignments/": 6,
    "/api/v1/assignments/": 5,
    "/api/v1/directive-types/": 3,
}


@pytest.mark.parametrize("who", ["reporter_tu_son", "staff"])
def test_list_query_counts_do_not_grow_with_the_rows(api, objects, tree, users, who, django_assert_max_num_queries):
    client = api(who)
    client.get("/api/v1/me/")  # the token's last use is written once a minute, not by the lists below
    periods.current_calendar()  # so are the swapped days of the working calendar read
    _grow(tree, users, 1, start=0)  # one row in every list: an empty page skips the query of its rows
    urls = {u: u.format(unit=objects["unit"].pk, directive=objects["directive"].pk) for u in BUDGETS}
    before = {u: _count(client, url) for u, url in urls.items()}
    _grow(tree, users, 6, start=1)
    after = {u: _count(client, url) for u, url in urls.items()}
    assert after == before
    for u, url in urls.items():
        with django_assert_max_num_queries(BUDGETS[u]):
            client.get(url)


def test_a_post_to_an_address_that_does_not_exist_is_a_json_404_even_with_cookies(api, objects, settings):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "x" * 32
    response = client.post("/api/v1/reports/0.5/accept/", {}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.api.failing_urls"


@pytest.mark.parametrize("address", ["/api/v1/failing/", "/api/failing-plain/"])
def test_an_unexpected_error_under_the_api_is_a_json_500_in_vietnamese(db, failing_urls, address, caplog):
    from django.test import Client

    response = Client(raise_request_exception=False).get(address)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "server_error" and body["errors"] == {}
    assert body["detail"].startswith("Đã có lỗi trên máy chủ")
    assert "unexpected" not in response.content.decode()
    assert any(record.levelname == "ERROR" and address in record.getMessage() for record in caplog.records)


def test_an_unexpected_error_under_the_api_is_in_english_when_asked(db, failing_urls):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/api/v1/failing/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500 and response.json()["detail"].startswith("Something went wrong")


def test_an_unexpected_error_on_a_page_is_the_html_500_page(db, failing_urls):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/failing/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html") and "Đã có lỗi xảy ra" in response.content.decode()


def test_a_method_the_api_does_not_answer_is_a_json_405_in_vietnamese(api, objects):
    response = api("staff").put("/api/v1/me/", {}, format="json")
    assert response.status_code == 405
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "method_not_allowed"
    assert body["detail"] == "Không cho phép phương thức “PUT”."


def test_an_api_call_without_a_login_is_a_json_401_in_vietnamese(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "not_authenticated"
    assert "Unauthorized" not in body["detail"] and "credentials" not in body["detail"]


def test_an_unknown_api_address_answers_in_the_language_asked(db):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/khong-co/").json()["detail"] == "API không có địa chỉ này."
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/khong-co/").json()
    assert english["detail"] == "There is no such address in the API."
