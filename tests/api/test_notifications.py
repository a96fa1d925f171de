"""/api/v1/notifications/: the user's own notifications only; schemathesis over its operations."""

import datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from reports.models import Notification
from tests.api.test_schema import CHECKS, SCHEMA_URL, wsgi_app  # noqa: F401 - the fixture is used by name


@pytest.fixture
def notes(users):
    mine = [Notification.objects.create(user=users["reporter_tu_son"], title=f"Nhắc {i}", url="/") for i in range(3)]
    Notification.objects.filter(pk=mine[0].pk).update(read_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC))
    theirs = Notification.objects.create(user=users["reporter_dong_ngan"], title="Của Đông Ngàn")
    return {"mine": mine, "theirs": theirs}


def test_lists_only_the_users_own(api, notes):
    rows = api("reporter_tu_son").get("/api/v1/notifications/").json()["results"]
    assert {r["id"] for r in rows} == {n.pk for n in notes["mine"]}
    unread = api("reporter_tu_son").get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert {r["id"] for r in unread} == {n.pk for n in notes["mine"][1:]}
    assert api("admin").get("/api/v1/notifications/").json()["count"] == 0


def test_mark_one_and_all(api, notes):
    client = api("reporter_tu_son")
    body = client.post("/api/v1/notifications/read/", {"id": notes["mine"][1].pk}, format="json").json()
    assert body == {"marked": 1, "unread": 1}
    assert client.post("/api/v1/notifications/read/", {"all": True}, format="json").json() == {"marked": 1, "unread": 0}
    assert client.post("/api/v1/notifications/read/", {}, format="json").status_code == 400


@pytest.mark.parametrize("who", ["reporter_tu_son", "staff", "admin", "head_tu_son"])
def test_another_users_notification_is_a_404(api, notes, who):
    response = api(who).post("/api/v1/notifications/read/", {"id": notes["theirs"].pk}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    notes["theirs"].refresh_from_db()
    assert notes["theirs"].read_at is None


def test_needs_credentials(api, notes):
    assert api(None).get("/api/v1/notifications/").status_code == 401


def test_list_budget_does_not_grow(api, users, django_assert_max_num_queries):
    for n in (5, 60):
        Notification.objects.bulk_create([Notification(user=users["reporter_tu_son"], title="x") for _ in range(n)])
        with django_assert_max_num_queries(6):
            assert api("reporter_tu_son").get("/api/v1/notifications/").status_code == 200


@pytest.mark.parametrize("who", ["reporter_tu_son", "reporter_dong_ngan", "admin", None])
def test_the_notification_operations_keep_to_the_description(wsgi_app, notes, tokens, who):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    headers = {"Authorization": f"Token {tokens[who]}"} if who else {}
    operations = [r.ok() for r in schema.get_all_operations() if r.ok().path.startswith("/api/v1/notifications/")]
    assert len(operations) == 2
    for operation in operations:
        strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
        if operation.method.upper() == "POST":
            for body in ({"id": notes["mine"][1].pk}, {"id": notes["theirs"].pk}, {"all": True}):
                strategies.append(operation.as_strategy(GenerationMode.POSITIVE, body=body))

        @settings(
            max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=st.one_of(strategies))
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
