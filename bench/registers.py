"""The registers at the scale of five provinces: every commune of the country (generated), about 10,000
villages under the communes of five provinces, and five rows per village per month for two years (two
disclosures, two community decisions, one consultation: about 1.2 million rows), written in bulk with SQL.
Then, for one of those provinces:

- ``register list``: the disclosures page filtered to the province's subtree (count and first page),
  its queries and time, and the ratio to the hand-written count plus first page in SQL;
- ``bound figures``: a quarterly report's figures from the registers (``registers.selectors.figures_for``)
  for the province and a quarter, against one hand-written aggregate per register over the same rows;
- ``figures page``: the indicator totals with the units that have no row, its queries and time.

Times are medians of several runs on a warm database. ``BENCH_REGISTERS_VILLAGES`` makes it smaller.
"""

import datetime
import os
import statistics
import time

from _common import build_communes, figure, measure_page, setup, timer

vendor = setup("registers")
if vendor != "postgresql":
    raise SystemExit("bench/registers.py compares with hand-written PostgreSQL: set DATABASE_URL to PostgreSQL")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from registers import selectors  # noqa: E402
from registers.models import CommunityDecision, Consultation, Disclosure, IndicatorBinding, MatterKind  # noqa: E402
from units.models import RoleGrant, Unit, User  # noqa: E402

VILLAGES = int(os.environ.get("BENCH_REGISTERS_VILLAGES", "10000"))
MONTHS = 24
START = datetime.date(2025, 1, 1)
Q = (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
REPEAT = 5

with timer() as took:
    build_communes()
    provinces = list(Unit.objects.filter(kind=Unit.Kind.PROVINCE).order_by("pk")[:5])
    communes = list(Unit.objects.filter(parent__in=provinces).order_by("pk"))
    per = max(1, VILLAGES // len(communes))
    Unit.objects.bulk_create(
        [
            Unit(name=f"Thôn {i + 1}", search_key=f"thon {i + 1}", kind=Unit.Kind.VILLAGE, parent=c, depth=3)
            for c in communes
            for i in range(per)
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE units_unit v SET path = p.path || v.id || '/' FROM units_unit p WHERE v.parent_id = p.id AND v.depth = 3"
        )
figure("registers villages", Unit.objects.filter(kind=Unit.Kind.VILLAGE).count(), "units")
figure("registers units built", took["s"], "s")

kind = MatterKind.objects.first()
ROWS = {
    Disclosure._meta.db_table: (
        2,
        '"group", form, days_posted',
        "(ARRAY['budget','plan','fees','land','investment'])[1 + (v.id + m) %% 5], 'posted', 30",
    ),
    CommunityDecision._meta.db_table: (
        2,
        "matter_kind_id, method, households_total, households_present, households_agreeing, participants, threshold_percent, carried",
        f"{kind.pk}, CASE WHEN k = 1 THEN 'meeting' ELSE 'ballot' END, 200, 180, 80 + (v.id + m) %% 60, 190, 50, 80 + (v.id + m) %% 60 > 100",
    ),
    Consultation._meta.db_table: (1, "channel, opinions_received, answer", "'meeting', (v.id + m) %% 40, ''"),
}
with timer() as took, connection.cursor() as cursor:
    for table, (per_month, columns, values) in ROWS.items():
        cursor.execute(
            f"""
            INSERT INTO {table} (unit_id, date, subject, note, search_key, entered_at, updated_at, {columns})
            SELECT v.id, %s::date + (m * interval '1 month') + ((v.id + k * 7) %% 27) * interval '1 day',
                   'Mục ' || m || '-' || k, '', 'muc ' || m || ' ' || k, now(), now(), {values}
            FROM units_unit v, generate_series(0, %s) m, generate_series(1, %s) k
            WHERE v.kind = 'village'
            """,
            [START, MONTHS - 1, per_month],
        )
    cursor.execute("VACUUM ANALYZE")
total = Disclosure.objects.count() + CommunityDecision.objects.count() + Consultation.objects.count()
figure("registers rows", total, "rows")
figure("registers rows written in bulk", took["s"], "s")


def median_seconds(fn) -> float:
    fn()
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


province = provinces[0]
staff = User.objects.create_user("bench-staff")
RoleGrant.objects.create(user=staff, role=RoleGrant.Role.STAFF, unit=province)
client = Client()
client.force_login(staff)

# The register list of a province.
url = reverse("registers:record_list", args=["disclosures"]) + f"?unit={province.pk}&start={Q[0]}&end={Q[1]}"
queries, ms = measure_page(client, url, REPEAT)
LIST_SQL = """
SELECT count(*) FROM registers_disclosure d JOIN units_unit u ON u.id = d.unit_id
WHERE u.path LIKE %s AND d.date BETWEEN %s AND %s
"""
PAGE_SQL = """
SELECT d.id, d.date, d.subject, d."group", d.form, u.name FROM registers_disclosure d JOIN units_unit u ON u.id = d.unit_id
WHERE u.path LIKE %s AND d.date BETWEEN %s AND %s ORDER BY d.date DESC, d.id DESC LIMIT 50
"""


def list_sql():
    with connection.cursor() as cursor:
        cursor.execute(LIST_SQL, [province.path + "%", *Q])
        count = cursor.fetchone()[0]
        cursor.execute(PAGE_SQL, [province.path + "%", *Q])
        return count, cursor.fetchall()


count, _page = list_sql()
assert f'data-testid="row-count">{count} ' in client.get(url).content.decode()  # the page counts the same rows
raw = median_seconds(list_sql)
figure("registers list queries", queries, "queries")
figure("registers list page", ms, "ms")
figure("registers list sql", raw * 1000, "ms")
figure("registers list ratio", ms / 1000 / raw, "x")

# A report's figures from the registers for the province and a quarter.
bindings = list(IndicatorBinding.objects.filter(indicator__form__code="qcdc-quarter").select_related("indicator"))
FIGURES_SQL = """
SELECT count(*) FILTER (WHERE d.method = 'meeting'), sum(d.participants) FILTER (WHERE d.method = 'meeting'),
       count(*) FILTER (WHERE d.method = 'ballot'), count(*), count(*) FILTER (WHERE d.carried)
FROM registers_communitydecision d JOIN units_unit u ON u.id = d.unit_id WHERE u.path LIKE %s AND d.date BETWEEN %s AND %s
"""
SIMPLE_SQL = [
    "SELECT count(*) FROM registers_disclosure d JOIN units_unit u ON u.id = d.unit_id WHERE u.path LIKE %s AND d.date BETWEEN %s AND %s",
    "SELECT count(*) FROM registers_consultation d JOIN units_unit u ON u.id = d.unit_id WHERE u.path LIKE %s AND d.date BETWEEN %s AND %s",
]


def figures_sql():
    with connection.cursor() as cursor:
        cursor.execute(FIGURES_SQL, [province.path + "%", *Q])
        out = list(cursor.fetchone())
        for sql in SIMPLE_SQL:
            cursor.execute(sql, [province.path + "%", *Q])
            out.append(cursor.fetchone()[0])
        return out


def figures_orm():
    return selectors.figures_for(bindings, province, *Q)


mine = {b.indicator.code: v for b, v in zip(bindings, [figures_orm()[b.indicator_id] for b in bindings], strict=True)}
meetings, participants, ballots, decisions, carried, disclosures, consultations = figures_sql()
assert (mine["MEETINGS"], mine["MEETING_PARTICIPANTS"], mine["BALLOTS"]) == (meetings, participants, ballots)
assert (mine["DISCLOSURES"], mine["CONSULTATIONS"]) == (disclosures, consultations)
with CaptureQueriesContext(connection) as ctx:
    figures_orm()
orm = median_seconds(figures_orm)
raw = median_seconds(figures_sql)
figure("registers bound figures queries", len(ctx.captured_queries), "queries")
figure("registers bound figures", orm * 1000, "ms")
figure("registers bound figures sql", raw * 1000, "ms")
figure("registers bound figures ratio", orm / raw, "x")

# The figures page: totals and the units with no row, for the province and the quarter.
url = reverse("registers:figures") + f"?unit={province.pk}&start={Q[0]}&end={Q[1]}"
queries, ms = measure_page(client, url, REPEAT)
figure("registers figures page queries", queries, "queries")
figure("registers figures page", ms, "ms")
figure("registers figures page ratio", ms / 1000 / raw, "x")
