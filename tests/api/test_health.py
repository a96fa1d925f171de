"""/healthz for load balancers: 200 when the database and broker answer, 503 with which one is down."""

import socket

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def test_healthy_without_login_and_without_writes(client, db):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert response["Content-Type"] == "application/json" and "no-store" in response["Cache-Control"]
    assert all(q["sql"].strip().upper().startswith("SELECT") for q in ctx.captured_queries)


def test_503_when_the_broker_does_not_answer(client, db, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}


def test_503_when_the_filesystem_broker_folder_is_gone(client, db, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    missing = str(tmp_path / "gone")
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": missing, "data_folder_out": missing}
    assert client.get("/healthz").status_code == 503
    (tmp_path / "gone").mkdir()
    assert client.get("/healthz").json() == {"database": "ok", "broker": "ok"}


def test_503_when_the_database_does_not_answer(client, db, monkeypatch):
    class Down:
        def cursor(self):
            raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr("api.views.health.connection", Down())
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "down"


@pytest.mark.services
def test_the_real_redis_broker_answers(client, db, settings):
    import os

    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("REDIS_URL is not set")
    settings.CELERY_BROKER_URL = url
    assert client.get("/healthz").json()["broker"] == "ok"
