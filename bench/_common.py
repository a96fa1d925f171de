"""Shared set-up for the benchmarks: a throwaway database of the configured kind, then Django.

With DATABASE_URL pointing at PostgreSQL, a database named ``qcdc_bench_<name>`` is created next to
it (and dropped at the end); without it, a temporary SQLite file is used.
"""

import atexit
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(name: str) -> str:
    """Point Django at a fresh database, migrate it, and return its vendor."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg2

        parsed = urlparse(url)
        bench_db = f"qcdc_bench_{name}"
        admin = psycopg2.connect(urlunparse(parsed._replace(path="/postgres")))
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
            cur.execute(f'CREATE DATABASE "{bench_db}"')
        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{bench_db}"))

        def drop():
            from django.db import connections

            connections.close_all()
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')

        atexit.register(drop)
    else:
        folder = tempfile.mkdtemp(prefix="qcdc-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "qcdc.settings.test"
    os.environ.setdefault("QCDC_DATA_DIR", tempfile.mkdtemp(prefix="qcdc-bench-data-"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


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
