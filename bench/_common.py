"""Shared set-up for the benchmarks: a throwaway database of the configured kind, then Django.

With DATABASE_URL pointing at PostgreSQL, a database of the bench's own is created next to it, under a
name nobody else uses (``qcdc_bench_<name>_<random>``; ``BENCH_DATABASE_PREFIX`` replaces ``qcdc_bench``), and dropped at the end; no other database is
ever dropped, whatever DATABASE_URL names. Without it, a temporary SQLite file is used.
"""

import atexit
import os
import secrets
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
COMMUNES = 3321
PROVINCES = 34


def create_database(url: str, name: str):
    """Create a PostgreSQL database of our own beside the one ``url`` names: (its URL, a function dropping it).

    The name has a random suffix and CREATE DATABASE fails rather than reuse one that exists, so the drop
    can only ever remove the database made here."""
    import psycopg2
    from psycopg2 import errors

    parsed = urlparse(url)
    admin = psycopg2.connect(urlunparse(parsed._replace(path="/postgres")))
    admin.autocommit = True
    for _ in range(5):
        own = f"{os.environ.get('BENCH_DATABASE_PREFIX', 'qcdc_bench')}_{name}_{secrets.token_hex(4)}"
        try:
            with admin.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{own}"')
            break
        except errors.DuplicateDatabase:
            continue
    else:
        raise RuntimeError("could not find a free name for the bench database")

    def drop():
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')
        admin.close()

    return urlunparse(parsed._replace(path=f"/{own}")), drop


def setup(name: str) -> str:
    """Point Django at a fresh database, migrate it, and return its vendor.

    The bench folder leaves the import path first: ``bench/reports.py`` must not shadow the ``reports`` app.
    """
    sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != HERE]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"], drop_own = create_database(url, name)

        def drop():
            from django.db import connections

            connections.close_all()
            drop_own()

        atexit.register(drop)
    else:
        folder = tempfile.mkdtemp(prefix="qcdc-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qcdc.settings.test"
    os.environ.setdefault("QCDC_DATA_DIR", tempfile.mkdtemp(prefix="qcdc-bench-data-"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def build_communes() -> None:
    """34 provinces and 3,321 communes (a third of them wards) under one nation, inserted a level at a time."""
    from units import tree
    from units.models import Unit

    nation = Unit(name="Việt Nam", kind=Unit.Kind.NATION)
    provinces = [Unit(name=f"Tỉnh {i + 1}", kind=Unit.Kind.PROVINCE, parent=nation) for i in range(PROVINCES)]
    kinds = [Unit.Kind.WARD, Unit.Kind.COMMUNE, Unit.Kind.COMMUNE]
    communes = [Unit(name=f"Xã {i + 1}", kind=kinds[i % 3], parent=provinces[i % PROVINCES]) for i in range(COMMUNES)]
    tree.bulk_insert([nation, *provinces, *communes])


def load_communes() -> tuple[str, float]:
    """The country's units from the official list (``import_units``) when it loads, else ``build_communes``:
    (where they came from, seconds taken)."""
    from django.core.management import call_command

    try:
        with timer() as loading:
            call_command("import_units", "--no-progress", verbosity=0)
        return "official list", loading["s"]
    except Exception as exc:  # the command is missing or cannot read its data here
        print(f"import_units not usable ({exc.__class__.__name__}: {exc}); building the communes in bulk")
        with timer() as loading:
            build_communes()
        return "generated", loading["s"]


def figure(name: str, value: float, unit: str) -> None:
    """One line per figure: ``name: value unit``."""
    text = (
        f"{value:.0f}"
        if unit == "queries" or float(value).is_integer()
        else f"{value:.3g}"
        if value < 100
        else f"{value:.0f}"
    )
    print(f"{name}: {text} {unit}", flush=True)


@contextmanager
def timer():
    box = {}
    start = time.perf_counter()
    yield box
    box["s"] = time.perf_counter() - start


def measure_page(client, url: str, repeat: int = 5) -> tuple[int, float]:
    """(queries, median milliseconds) of a GET that must answer 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(ctx.captured_queries)  # now: the next request resets the log
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return queries, times[len(times) // 2]
