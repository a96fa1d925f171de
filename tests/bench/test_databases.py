"""The benchmarks make databases of their own: whatever DATABASE_URL names, and whatever databases already
exist on that server (another run's, a colleague's, one with the name an older bench used), the bench drops
only the database it created."""

import importlib.util
import re
import secrets

import psycopg2
import pytest
from django.db import connection

from tests.conftest import REQUIRE_SERVICES
from tests.reminders.services import ROOT, database_url


def bench_common():
    spec = importlib.util.spec_from_file_location("bench_common", ROOT / "bench" / "_common.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def databases(admin) -> set[str]:
    with admin.cursor() as cur:
        cur.execute("SELECT datname FROM pg_database")
        return {row[0] for row in cur.fetchall()}


@pytest.fixture
def admin(db):
    if connection.vendor != "postgresql":
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but the database is not PostgreSQL")
        pytest.skip("the benchmarks create databases only on PostgreSQL")
    conn = psycopg2.connect(database_url().rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    yield conn
    conn.close()


def test_a_bench_drops_only_the_database_it_created(admin):
    theirs = f"qcdc_someone_elses_{secrets.token_hex(4)}"  # a database this test made, not the bench
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{theirs}"')
    try:
        before = databases(admin)
        common = bench_common()
        first_url, drop_first = common.create_database(database_url(), "reminders")
        second_url, drop_second = common.create_database(database_url(), "reminders")
        first, second = first_url.rsplit("/", 1)[1], second_url.rsplit("/", 1)[1]
        assert first != second and {first, second}.isdisjoint(before)
        assert first.startswith("qcdc_bench_reminders_")
        with psycopg2.connect(first_url) as conn, conn.cursor() as cur:  # a real, empty database
            cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            assert cur.fetchone() == (0,)
        conn.close()
        drop_first()
        drop_second()
        after = databases(admin)  # other sessions may make and drop databases of their own meanwhile
        assert {theirs, connection.settings_dict["NAME"]} <= after and not {first, second} & after
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{theirs}"')


def test_every_bench_script_makes_its_database_through_the_shared_setup():
    """Each ``bench/*.py`` goes through ``_common.setup`` before it touches Django, and no script but the
    shared one creates or drops a database itself."""
    scripts = sorted(p for p in (ROOT / "bench").glob("*.py") if not p.name.startswith("_"))
    assert scripts
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        lines = text.splitlines()
        calls = [i for i, line in enumerate(lines) if re.match(r"(\w+ = )?setup\(\"\w+\"\)$", line)]
        assert calls, f"{script.name} does not call _common.setup"
        first_django = next(
            i for i, line in enumerate(lines) if re.match(r"(from|import) (django|units|reports)", line)
        )
        assert calls[0] < first_django, f"{script.name} imports Django before its own database is made"
        assert not re.search(r"(DROP|CREATE)\s+DATABASE|dropdb|createdb", text, re.IGNORECASE), script.name
