"""The registers at the scale of five provinces: every commune of the country (generated), about 10,000
villages under the communes of five provinces, and five rows per village per month for two years (two
disclosures, two community decisions, one consultation: about 1.2 million rows), written in bulk with SQL.
Then, for one of those provinces:

- ``register list``: the disclosures page filtered to the province's subtree (count and first page),
  its queries and time, and the ratio to the hand-written count plus first page in SQL;
- ``bound figures``: a quarterly report's figures from the registers (``registers.selectors.figures_for``)
  for the province and a quarter, against one hand-written aggregate per register over the same rows;
- ``figures page``: the indicator totals with the units that have no row, its queries and time, against the
  hand-written aggregates of ``bound figures``;
- ``dashboard totals``: what the province's dashboard shows beside its indicator totals (the records' figure
  of each bound indicator and the communes and wards with no row, ``registers.selectors.behind_totals``),
  against one hand-written aggregate per register grouped by commune, with the communes missing counted in
  SQL too.

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


def compare(name: str, mine, sql) -> float:
    """Print the queries and median time of ``mine``, those of the hand-written ``sql``, and their ratio;
    return the SQL's seconds."""
    with CaptureQueriesContext(connection) as ctx:
        mine()
    orm = median_seconds(mine)
    raw = median_seconds(sql)
    figure(f"registers {name} queries", len(ctx.captured_queries), "queries")
    figure(f"registers {name}", orm * 1000, "ms")
    figure(f"registers {name} sql", raw * 1000, "ms")
    figure(f"registers {name} ratio", orm / raw, "x")
    return raw


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
raw = compare("bound figures", figures_orm, figures_sql)

# The figures page: totals and the units with no row, for the province and the quarter.
url = reverse("registers:figures") + f"?unit={province.pk}&start={Q[0]}&end={Q[1]}"
queries, ms = measure_page(client, url, REPEAT)
figure("registers figures page queries", queries, "queries")
figure("registers figures page", ms, "ms")
figure("registers figures page ratio", ms / 1000 / raw, "x")

# The dashboard's indicator totals of the province: the records behind each bound one and the communes and
# wards with no row, for the quarter's periods.
totals = [
    {"key": f"{b.indicator.form_id}:{b.indicator.code}", "form_id": b.indicator.form_id, "code": b.indicator.code}
    for b in bindings
]
COMMUNE = "split_part(u.path, '/', 4)"
MISSING = """(SELECT count(*) FROM units_unit c WHERE c.path LIKE %s AND c.kind IN ('commune', 'ward')
AND c.closed_on IS NULL AND NOT EXISTS (SELECT 1 FROM r WHERE r.commune = c.id::text AND r.{n} > 0))"""
BEHIND_SQL = [
    f"""WITH r AS (SELECT {COMMUNE} AS commune, count(*) FILTER (WHERE d.method = 'meeting') AS nm,
    sum(d.participants) FILTER (WHERE d.method = 'meeting') AS pm, count(*) FILTER (WHERE d.method = 'ballot') AS nb,
    count(*) AS n, count(*) FILTER (WHERE d.carried) AS nc
    FROM registers_communitydecision d JOIN units_unit u ON u.id = d.unit_id
    WHERE u.path LIKE %s AND d.date BETWEEN %s AND %s GROUP BY 1)
    SELECT (SELECT sum(nm) FROM r), (SELECT sum(pm) FROM r), (SELECT sum(nb) FROM r), (SELECT sum(n) FROM r),
    (SELECT sum(nc) FROM r), {MISSING.format(n="nm")}, {MISSING.format(n="nb")}, {MISSING.format(n="n")}""",
    *(
        f"""WITH r AS (SELECT {COMMUNE} AS commune, count(*) AS n FROM {table} d JOIN units_unit u ON u.id = d.unit_id
        WHERE u.path LIKE %s AND d.date BETWEEN %s AND %s GROUP BY 1)
        SELECT (SELECT sum(n) FROM r), {MISSING.format(n="n")}"""
        for table in ("registers_disclosure", "registers_consultation")
    ),
]


def behind_sql():
    out = []
    with connection.cursor() as cursor:
        for sql in BEHIND_SQL:
            cursor.execute(sql, [province.path + "%", *Q, *[province.path + "%"] * sql.count("FROM units_unit c")])
            out.append(cursor.fetchone())
    return out


def behind_orm():
    return selectors.behind_totals(province, *Q, totals)


behind = behind_orm()
mine = {t["code"]: behind[t["key"]] for t in totals if t["key"] in behind}
decisions_sql, disclosures_sql, consultations_sql = behind_sql()
assert mine["DISCLOSURES"]["figure"] == str(disclosures_sql[0] or 0)
assert mine["DISCLOSURES"]["without"] == disclosures_sql[1]
assert mine["BALLOTS"]["figure"] == str(decisions_sql[2] or 0) and mine["BALLOTS"]["without"] == decisions_sql[6]
assert mine["CONSULTATIONS"]["without"] == consultations_sql[1]
compare("dashboard totals", behind_orm, behind_sql)
