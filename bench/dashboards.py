"""The leadership dashboard at national size, on the data real use will have: the official list with the
former units and their successor links (``import_units --legacy``), every commune-level unit owing the
monthly, quarterly and annual QCDC reports, most of them filed (on time, late, returned, accepted), each
filed report with a value for every figure of its form (the shipped forms' indicators), written in bulk.
Then, for the national and a provincial dashboard (Bắc Ninh):

- ``time``, ``queries``, ``weight``: the whole page through the test client (headline, units, heatmap,
  overdue list with heads, indicators, directives, rendering), its queries and its HTML in KB;
- ``hand-written sql time``: one hand-written SQL aggregate of the headline figures over the raw rows
  (the obligations of the unit's subtree and of every former unit merged into it, found by a recursive
  query over the succession links);
- ``ratio``: the page's time ÷ that aggregate's, which must stay ≤ 2.

First with two years of history (2025–2026), then with twice the history (2023–2026, the former units
owing the years before the 2025 reform): the page figures named with ``x2`` (``dashboard national x2 ratio``), the
setup figures prefixed ``dashboard x2``. With ``BENCH_VILLAGES=1`` the
village scale too (``villages`` likewise): every commune gets villages and residential groups (about 19
each, ~63,600 in all) owing the monthly report for the two years.

Times are medians of ``BENCH_REPEAT`` runs (5 unless set) on a warm database, all in the same run.
"""

import datetime
import os
import statistics
import time

from _common import figure, measure_page, setup, timer

vendor = setup("dashboards")
if vendor != "postgresql":
    raise SystemExit("bench/dashboards.py compares with hand-written PostgreSQL: set DATABASE_URL to PostgreSQL")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports import generation, selectors  # noqa: E402
from reports.models import FormAssignment, Indicator, Obligation, Report, ReportForm, ReportValue  # noqa: E402
from units.models import RoleGrant, Unit, User  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
VILLAGES = os.environ.get("BENCH_VILLAGES") == "1"
FORMS = ["qcdc-month", "qcdc-quarter", "qcdc-year"]
NUMERIC = [Indicator.ValueType.INTEGER, Indicator.ValueType.DECIMAL, Indicator.ValueType.PERCENT, "boolean"]
today = timezone.localdate()
OB, U, R, V = (m._meta.db_table for m in (Obligation, Unit, Report, ReportValue))

with timer() as took:
    call_command("import_units", "--legacy", "--no-progress", verbosity=0)
figure("dashboard import_units legacy", took["s"], "s")
nation = Unit.objects.get(parent__isnull=True, kind=Unit.Kind.NATION)
province = Unit.objects.get(code_scheme="2025", code="24")  # Bắc Ninh
communal = list(Unit.COMMUNAL_KINDS)
figure("dashboard communes", Unit.objects.filter(kind__in=communal, closed_on__isnull=True).count(), "units")
figure("dashboard former units", Unit.objects.filter(closed_on__isnull=False).count(), "units")

forms = list(ReportForm.objects.filter(code__in=FORMS))
for form in forms:
    FormAssignment.objects.create(form=form, root=nation, kinds=communal, starts_on=datetime.date(2023, 1, 1))


def insert_rows(model, columns: dict[str, str], source: str, params=()) -> int:
    """INSERT … SELECT into ``model``'s table: the given column expressions, every other column its empty
    value ('' for text, '{}' for JSON, NULL where allowed, now() for times), from ``source``."""
    names, exprs = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        names.append(f.column)
        if f.column in columns:
            exprs.append(columns[f.column])
        elif f.null:
            exprs.append("NULL")
        elif f.get_internal_type() == "JSONField":
            exprs.append("'{}'::jsonb")
        elif f.get_internal_type() in ("DateTimeField",):
            exprs.append("now()")
        elif f.get_internal_type() in ("BooleanField",):
            exprs.append("false")
        elif f.get_internal_type() in ("PositiveIntegerField", "PositiveSmallIntegerField", "IntegerField"):
            exprs.append("0")
        else:
            exprs.append("''")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) SELECT {', '.join(exprs)} {source}", params
        )
        return cursor.rowcount


def file_in_bulk(years: tuple[int, ...]) -> None:
    """Most reports of ``years`` filed, the columns the workflow services write, by the obligation's id: 6 in
    10 on time, 2 late (1–9 days), 1 returned once or twice then resubmitted, 1 missing; each filed report
    with its form's figures."""
    low, high = datetime.date(min(years), 1, 1), datetime.date(max(years), 12, 31)
    last_report = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {OB} SET
              days_late = CASE WHEN id %% 10 IN (6, 7) THEN id %% 9 + 1 ELSE 0 END,
              on_time = id %% 10 NOT IN (6, 7),
              first_submitted_at = (due_date + (CASE WHEN id %% 10 IN (6, 7) THEN (id %% 9 + 1)::int ELSE -1 END))
                  ::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' + interval '9 hours',
              returned_count = CASE WHEN id %% 10 = 8 THEN 1 + id %% 2 ELSE 0 END,
              status = CASE WHEN id %% 10 = 8 THEN 'resubmitted' ELSE 'accepted' END
            WHERE due_date < %s AND id %% 10 <> 9 AND period_end BETWEEN %s AND %s
            """,
            [today, low, high],
        )
        cursor.execute(
            f"""
            UPDATE {OB} SET last_submitted_at = first_submitted_at,
              accepted_at = CASE WHEN status = 'accepted' THEN first_submitted_at + interval '2 days' END,
              accepted_on_time = CASE WHEN status = 'accepted'
                  THEN (first_submitted_at + interval '2 days')::date <= due_date END
            WHERE first_submitted_at IS NOT NULL AND period_end BETWEEN %s AND %s
            """,
            [low, high],
        )
    insert_rows(
        Report,
        {
            "obligation_id": "o.id",
            "status": "o.status",
            "submitted_at": "o.last_submitted_at",
            "issuing_body": "'party'",
        },
        f"FROM {OB} o WHERE o.first_submitted_at IS NOT NULL AND o.period_end BETWEEN %s AND %s"
        f" AND NOT EXISTS (SELECT 1 FROM {R} r WHERE r.obligation_id = o.id)",
        [low, high],
    )
    insert_rows(
        ReportValue,
        {
            "report_id": "r.id",
            "indicator_id": "i.id",
            "value_decimal": "CASE WHEN i.value_type = 'boolean' THEN (r.id + i.id) %% 2 "
            "WHEN i.value_type = 'percent' THEN (r.id * 7 + i.id) %% 101 ELSE (r.id * 7 + i.id) %% 40 END",
            "raw": "''",
        },
        f"FROM {R} r JOIN {OB} o ON o.id = r.obligation_id JOIN reports_indicator i ON i.form_id = o.form_id "
        "WHERE i.value_type = ANY(%s) AND r.id > %s",
        [NUMERIC, last_report],
    )


def build(years: tuple[int, ...]) -> None:
    with timer() as took:
        for form in forms:
            for year in years:
                generation.obligations_generate(form=form, year=year)
    figure(f"{prefix}obligations generate", took["s"], "s")
    with timer() as took:
        file_in_bulk(years)
        rebuild()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would after the bulk writes
    figure(f"{prefix}reports written in bulk", took["s"], "s")
    figure(f"{prefix}obligations", Obligation.objects.count(), "obligations")
    figure(f"{prefix}reports filed", Report.objects.count(), "reports")
    figure(f"{prefix}report values", ReportValue.objects.count(), "values")


def rebuild() -> None:
    """Rebuild the dashboards' roll-ups after writing in bulk behind the services' back (when they exist)."""
    from django.core.management import get_commands

    if "rebuild_figures" in get_commands():
        with timer() as took:
            call_command("rebuild_figures", verbosity=0)
        figure(f"{prefix}rebuild_figures", took["s"], "s")
        with timer() as took:  # again, over rows that are right: the check of the live rows writes nothing
            call_command("rebuild_figures", verbosity=0)
        figure(f"{prefix}rebuild_figures check", took["s"], "s")


# The obligations of the unit's subtree and of every former unit merged into it (at any depth, with the
# former's own subtree), by a recursive query over the succession links, as a reader of the tables would.
RAW = f"""
WITH RECURSIVE roots(id, path) AS (
    SELECT id, path FROM {U} WHERE id = %s
    UNION
    SELECT p.id, p.path FROM units_unitsuccession s
    JOIN {U} su ON su.id = s.successor_id
    JOIN roots r ON su.path LIKE r.path || '%%'
    JOIN {U} p ON p.id = s.predecessor_id
    WHERE s.kind IN ('merged', 'renamed', 'split')
), counted AS (
    SELECT DISTINCT u.id FROM {U} u JOIN roots r ON u.path LIKE r.path || '%%'
)
SELECT count(*),
       count(*) FILTER (WHERE o.first_submitted_at IS NOT NULL),
       count(*) FILTER (WHERE o.on_time),
       count(*) FILTER (WHERE NOT o.on_time),
       count(*) FILTER (WHERE o.accepted_at IS NOT NULL),
       count(*) FILTER (WHERE o.accepted_on_time),
       count(*) FILTER (WHERE o.returned_count > 0),
       coalesce(sum(o.returned_count), 0),
       coalesce(sum(o.days_late) FILTER (WHERE NOT o.on_time), 0),
       count(*) FILTER (WHERE o.status IN ('not_started', 'draft', 'awaiting', 'returned') AND o.due_date < %s)
FROM {OB} o
WHERE o.unit_id IN (SELECT id FROM counted) AND o.period_end BETWEEN %s AND %s AND o.due_date <= %s
"""
RAW_NATIONAL = RAW.replace("o.unit_id IN (SELECT id FROM counted)", "TRUE")  # the whole country: no scope to find


def median_seconds(fn) -> float:
    fn()  # warm
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


admin = User.objects.create_user("bench-admin")
RoleGrant.objects.create(user=admin, role=RoleGrant.Role.ADMIN, unit=nation)
leader = User.objects.create_user("bench-leader")
RoleGrant.objects.create(user=leader, role=RoleGrant.Role.LEADER, unit=province)


def measure(start: datetime.date, end: datetime.date) -> None:
    # The page and the hand-written aggregate each on a new connection, as a web process has: on the one
    # that wrote the data in bulk, the aggregate took half as long again (38 ms against 25 on two years).
    connection.close()
    query = f"?from={start:%Y-%m}&to={end:%Y-%m}"
    for name, unit, user, sql in [
        ("national", nation, admin, RAW_NATIONAL),
        ("provincial", province, leader, RAW),
    ]:
        flt = selectors.dashboard_filter(unit, start=start, end=end, today=today)
        mine = selectors.grid(flt).headline

        def raw(unit=unit, sql=sql):
            with connection.cursor() as cursor:
                cursor.execute(sql, [unit.pk, today, start, end, today])
                return cursor.fetchone()

        row = raw()
        figures = [
            mine.expected,
            mine.received,
            mine.on_time,
            mine.late,
            mine.accepted,
            mine.accepted_on_time,
            mine.returned,
            mine.returns,
            mine.days_late,
            mine.overdue,
        ]
        if unit == nation:
            assert list(row) == figures, (row, figures)
        else:  # a former unit split between provinces counts in one of them; the hand-written one counts it in each
            figure(f"dashboard {name}{scale} expected reports, hand-written", row[0], "reports")
        client = Client()
        client.force_login(user)
        url = reverse("reports:dashboard", args=[unit.pk]) + query
        page = client.get(url)
        html = page.content.decode()
        for key, value in [("expected", mine.expected), ("received", mine.received), ("overdue", mine.overdue)]:
            assert f'id="fig-{key}" data-value="{value}"' in html, (key, value)  # the page shows the same figures
        queries, page_ms = measure_page(client, url, repeat=REPEAT)
        raw_s = median_seconds(raw)
        figure(f"dashboard {name}{scale} expected reports", mine.expected, "reports")
        figure(f"dashboard {name}{scale} time", page_ms / 1000, "s")
        figure(f"dashboard {name}{scale} queries", queries, "queries")
        figure(f"dashboard {name}{scale} weight", len(page.content) / 1024, "KB")
        figure(f"dashboard {name}{scale} hand-written sql time", raw_s, "s")
        figure(f"dashboard {name}{scale} ratio", page_ms / 1000 / raw_s, "x")


prefix, scale = "dashboard ", ""
build((2025, 2026))
measure(datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))

prefix, scale = "dashboard x2 ", " x2"  # twice the history: the two years before, owed by the former units then open
build((2023, 2024))
measure(datetime.date(2023, 1, 1), datetime.date(2026, 12, 31))

if VILLAGES:
    prefix, scale = "dashboard villages ", " villages"
    communes = list(Unit.objects.filter(kind__in=communal, closed_on__isnull=True).order_by("pk"))
    with timer() as took:
        Unit.objects.bulk_create(
            [
                Unit(
                    name=f"Thôn {i + 1}",
                    search_key=f"thon {i + 1}",
                    kind=Unit.Kind.VILLAGE,
                    parent=c,
                    depth=c.depth + 1,
                    path=f"{c.path}v{c.pk}-{i}/",  # a placeholder, unique, replaced below by the real one
                )
                for c in communes
                for i in range(19)
            ],
            batch_size=2000,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {U} v SET path = c.path || v.id || '/' FROM {U} c WHERE v.parent_id = c.id AND v.kind = %s",
                [Unit.Kind.VILLAGE],
            )
    figure(f"{prefix}units", Unit.objects.filter(kind=Unit.Kind.VILLAGE).count(), "villages")
    monthly = ReportForm.objects.get(code="qcdc-month")
    assignment = FormAssignment.objects.get(form=monthly, root=nation)  # one assignment per form and unit
    assignment.kinds = [*assignment.kinds, Unit.Kind.VILLAGE]
    assignment.save()
    forms = [monthly]
    build((2025, 2026))
    measure(datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))
