"""Vietnamese order of names: a stored sort key (``units.text.sort_key``) against a collation at query time.

On PostgreSQL the collation is ICU's ``vi-x-icu`` (PostgreSQL ships it when built with ICU); on SQLite,
which has none, a Python function registered with ``create_collation`` (it compares the same keys, so
there only the times tell). Prints the time to compute the keys, the median time of the same ordered
reads both ways, and how many names the two orders place differently (runs of spaces read as one).
"""

import statistics
import time

from _common import figure, load_communes, setup

vendor = setup("collation")

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from units.models import Unit  # noqa: E402
from units.text import sort_key  # noqa: E402

source, seconds = load_communes()
figure(f"units loaded ({source})", Unit.objects.count(), "units")
names = list(Unit.objects.values_list("name", flat=True))
start = time.perf_counter()
for _ in range(5):
    for name in names:
        sort_key(name)
figure("sort key computed per name", (time.perf_counter() - start) / (5 * len(names)) * 1e6, "µs")

if vendor == "sqlite":
    connection.ensure_connection()
    raw = connection.connection
    raw.create_collation("vi", lambda a, b: (sort_key(a) > sort_key(b)) - (sort_key(a) < sort_key(b)))
    collated = 'name COLLATE "vi"'
else:  # the official lists hold a few names with two spaces in a row; the key reads them as one
    collated = "regexp_replace(name, '\\s+', ' ', 'g') COLLATE \"vi-x-icu\""

biggest = Unit.objects.filter(depth=1).annotate(n=Count("children")).order_by("-n").first()
READS = {
    "all units": ("", []),
    "children of the largest province": ("WHERE parent_id = %s", [biggest.pk]),
    "first page of the communal units": ("WHERE depth = 2", []),
}


def median_ms(sql: str, params: list, repeat: int = 7) -> tuple[float, list]:
    times, rows = [], []
    with connection.cursor() as cur:
        for _ in range(repeat):
            start = time.perf_counter()
            cur.execute(sql, params)
            rows = [r[0] for r in cur.fetchall()]
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), rows


table = Unit._meta.db_table
for label, (where, params) in READS.items():
    limit = " LIMIT 50" if label.startswith("first page") else ""
    key_ms, by_key = median_ms(f"SELECT name FROM {table} {where} ORDER BY sort_key, id{limit}", params)
    coll_ms, by_collation = median_ms(f"SELECT name FROM {table} {where} ORDER BY {collated}, id{limit}", params)
    figure(f"{label} by stored key", key_ms, "ms")
    figure(f"{label} by collation", coll_ms, "ms")
    print(f"{label} collation/key ratio: {coll_ms / key_ms:.2g} x", flush=True)
    placed = sum(" ".join(a.split()) != " ".join(b.split()) for a, b in zip(by_key, by_collation, strict=True))
    figure(f"{label} names placed differently", placed, "names")
