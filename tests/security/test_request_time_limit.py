"""A web request cannot hold a worker for long: its statements are cancelled after WEB_STATEMENT_TIMEOUT
seconds, and the user gets a 503 that says so instead of a page kept waiting."""

import os
import subprocess
import sys
import threading
import time

import psycopg2
import pytest
from django.db import connection

from tests.reminders.services import ROOT, database_url, require_postgresql

SHOW = (
    "from django.db import connection\n"
    "with connection.cursor() as c:\n"
    "    c.execute('SHOW statement_timeout')\n"
    "    print(c.fetchone()[0])\n"
)


def statement_timeout_of(tmp_path, code: str, **extra_env) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "QCDC_WEB_PROCESS")},
        "DATABASE_URL": database_url(),
        "QCDC_DATA_DIR": str(tmp_path),
        **extra_env,
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.services
def test_the_web_process_limits_its_statements_and_workers_and_commands_do_not(db, tmp_path):
    require_postgresql("statement_timeout is PostgreSQL's")
    web = "import qcdc.wsgi\n" + SHOW  # what gunicorn loads
    command = "import os, django\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'qcdc.settings.local')\n"
    command += "django.setup()\n" + SHOW
    assert statement_timeout_of(tmp_path, web) == "10s"
    assert statement_timeout_of(tmp_path, web, WEB_STATEMENT_TIMEOUT="3") == "3s"
    assert statement_timeout_of(tmp_path, command) == "0"


@pytest.fixture
def postgresql_only():
    """Asked for before the database fixtures: on SQLite the test stops before its database is flushed."""
    require_postgresql("statement_timeout is PostgreSQL's")


class HeldTable:
    """Another session holds an exclusive lock on the units' table, as a long statement would hold the rows."""

    def __init__(self, table: str):
        self.conn = psycopg2.connect(database_url())
        self.conn.autocommit = False
        with self.conn.cursor() as c:
            c.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")

    def release(self):
        self.conn.rollback()
        self.conn.close()


@pytest.mark.services
def test_a_page_past_the_limit_is_a_503_that_says_what_to_do_and_nothing_is_held(
    postgresql_only, transactional_db, users, client
):
    client.force_login(users["staff"])
    assert client.get("/units/").status_code == 200
    with connection.cursor() as c:
        c.execute("SET statement_timeout = '1s'")  # what a web process's connection is opened with
    held = HeldTable("units_unit")
    try:
        started = time.monotonic()
        page = client.get("/units/")
        page_took = time.monotonic() - started
        api = client.get("/api/v1/units/")
    finally:
        held.release()
        with connection.cursor() as c:
            c.execute("SET statement_timeout = 0")
    assert page.status_code == 503, page.content[:300]
    text = page.content.decode()
    assert "Yêu cầu cần quá nhiều thời gian" in text
    assert "hãy chọn khoảng thời gian ngắn hơn hoặc đơn vị nhỏ hơn" in text
    assert page["Retry-After"] == "60"
    assert page_took < 30  # cancelled at the limit, not left waiting for the lock
    assert api.status_code == 503
    assert api.json()["code"] == "too_slow"
    assert "10 giây" in api.json()["detail"]
    # once the database is free again the same page answers
    assert client.get("/units/").status_code == 200


@pytest.mark.services
def test_gunicorn_answers_a_held_page_within_the_limit(postgresql_only, transactional_db, users, tmp_path):
    """Through a real gunicorn with the production settings and a 2 s limit: the page is a 503 in about 2 s."""
    import urllib.error
    import urllib.request

    from tests.api.test_health import Gunicorn
    from tests.reminders.services import RedisServer, require_redis_server, wait_for

    require_redis_server()
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    server = Gunicorn(tmp_path, database_url(), redis_server.url, WEB_STATEMENT_TIMEOUT="2")
    from api import services as api_services

    secret = api_services.token_create(user=users["staff"], name="script")[1]
    try:
        wait_for(server.answering, 120, "gunicorn")
        held = HeldTable("units_unit")
        result = {}

        def fetch():
            request = urllib.request.Request(f"http://127.0.0.1:{server.port}/api/v1/units/")
            request.add_header("Authorization", f"Token {secret}")
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=70) as response:
                    result["status"] = response.status
            except urllib.error.HTTPError as error:
                result["status"] = error.code
                result["body"] = error.read().decode(errors="replace")
            result["took"] = time.monotonic() - started

        try:
            thread = threading.Thread(target=fetch)
            thread.start()
            thread.join(60)
        finally:
            held.release()
        assert result.get("status") == 503, (result, server.log.read_text(errors="replace")[-1500:])
        assert '"too_slow"' in result["body"]
        assert result["took"] < 20
    finally:
        server.stop()
        redis_server.stop()
