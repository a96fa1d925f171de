"""/healthz for load balancers: 200 when the database and broker answer, 503 with which one is down."""

import os
import shutil
import signal
import socket
import time

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from tests.reminders.services import RedisServer, wait_for


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


def probe(client) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = client.get("/healthz")
    return response.status_code, response.json(), time.monotonic() - started


def settle():
    """Let a check left running by a probe end, so that it does not answer for the next test."""
    from api.views import health

    wait_for(lambda: all(f.done() for f in health._running.values()), 15, "the health checks to end")


@pytest.mark.services
def test_503_within_2_s_when_redis_accepts_connections_but_does_not_answer(client, db, settings, tmp_path):
    """A frozen Redis (SIGSTOP): the kernel still accepts connections, nothing ever answers."""
    if not shutil.which("redis-server"):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but redis-server is not installed")
        pytest.skip("needs redis-server")
    server = RedisServer(tmp_path)
    server.start()
    settings.CELERY_BROKER_URL = server.url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    try:
        assert probe(client)[:2] == (200, {"database": "ok", "broker": "ok"})
        os.kill(server.process.pid, signal.SIGSTOP)
        for _ in range(3):  # and again while the first check may still be stuck: no pile-up, same answer
            status, body, elapsed = probe(client)
            assert (status, body) == (503, {"database": "ok", "broker": "down"})
            assert elapsed < 2, f"/healthz took {elapsed:.1f} s with Redis frozen"
        os.kill(server.process.pid, signal.SIGCONT)
        settle()
        assert wait_for(lambda: probe(client)[0] == 200, 10, "the broker back")
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
        server.stop()
        settle()


@pytest.mark.services
def test_503_within_2_s_when_the_database_accepts_connections_but_does_not_answer(client, db, monkeypatch):
    """A frozen PostgreSQL: a listening socket that never accepts is what the client sees of it."""
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but the database is not PostgreSQL")
        pytest.skip("a database server that accepts connections and never answers: PostgreSQL only")
    frozen = socket.socket()
    frozen.bind(("127.0.0.1", 0))
    frozen.listen(16)
    dsn = connections.settings["default"]
    monkeypatch.setitem(dsn, "HOST", "127.0.0.1")
    monkeypatch.setitem(dsn, "PORT", frozen.getsockname()[1])
    monkeypatch.setitem(dsn, "OPTIONS", {**dsn.get("OPTIONS", {}), "connect_timeout": 3})
    try:
        for _ in range(2):
            status, body, elapsed = probe(client)
            assert (status, body) == (503, {"database": "down", "broker": "ok"})
            assert elapsed < 2, f"/healthz took {elapsed:.1f} s with the database frozen"
    finally:
        frozen.close()
        settle()
