"""/healthz for load balancers: 200 when the database and broker answer, 503 with which one is down."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from tests.reminders.services import RedisServer, require_redis_server, wait_for


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
    require_redis_server()
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


class Gunicorn:
    """The site as production serves it (gunicorn, the production settings) on a free port, with the
    database and Redis the test names."""

    def __init__(self, tmp_path, database_url: str, redis_url: str, **extra_env: str):
        from tests.reminders.services import ROOT, free_port

        self.port = free_port()
        self.log = tmp_path / "gunicorn.log"
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SITE_URL")},
            "DJANGO_SETTINGS_MODULE": "qcdc.settings.production",
            "SECRET_KEY": "health-test-" + "x" * 40,
            "QCDC_DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "0",
            **extra_env,
        }
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [gunicorn, "qcdc.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def probe(self) -> tuple[int, dict, float]:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=70) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = {"not json": body[:80].decode(errors="replace")}
        return status, parsed, time.monotonic() - started

    def answering(self) -> bool:
        assert self.process.poll() is None, self.log.read_text(errors="replace")[-2000:]
        try:
            self.probe()
            return True
        except OSError:
            return False

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.mark.services
def test_a_real_server_answers_503_within_2_s_with_its_redis_frozen(tmp_path):
    """gunicorn whose Redis (cache and broker alike) is stopped with SIGSTOP: the probe says so, in time."""
    require_redis_server()
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    server = Gunicorn(tmp_path, f"sqlite:///{tmp_path}/health.sqlite3", redis_server.url)
    try:
        wait_for(server.answering, 120, "gunicorn")  # its first request loads the whole site
        assert server.probe()[:2] == (200, {"database": "ok", "broker": "ok"})
        os.kill(redis_server.process.pid, signal.SIGSTOP)
        for _ in range(3):
            status, body, elapsed = server.probe()
            assert (status, body) == (503, {"database": "ok", "broker": "down"})
            assert elapsed < 2, f"/healthz took {elapsed:.1f} s with Redis frozen"
        os.kill(redis_server.process.pid, signal.SIGCONT)
        assert wait_for(lambda: server.probe()[0] == 200, 15, "the broker back")
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)
        server.stop()
        redis_server.stop()


@pytest.mark.services
def test_a_real_server_answers_503_within_2_s_with_its_database_unreachable(tmp_path):
    """gunicorn whose PostgreSQL accepts connections and never answers (a listening socket nobody serves)."""
    require_redis_server()
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    frozen = socket.socket()
    frozen.bind(("127.0.0.1", 0))
    frozen.listen(16)
    database = f"postgres://postgres@127.0.0.1:{frozen.getsockname()[1]}/qcdc"
    server = Gunicorn(tmp_path, database, redis_server.url)
    try:
        wait_for(server.answering, 120, "gunicorn")
        for _ in range(3):
            status, body, elapsed = server.probe()
            assert (status, body) == (503, {"database": "down", "broker": "ok"})
            assert elapsed < 2, f"/healthz took {elapsed:.1f} s with the database unreachable"
    finally:
        server.stop()
        frozen.close()
        redis_server.stop()
