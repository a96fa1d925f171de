"""The leadership dashboard at national size: every commune-level unit of the country (the official list,
``import_units``) owing the monthly, quarterly and annual QCDC reports for two years, most of them filed
(on time, late, returned, accepted), written in bulk. Then, for the national and a provincial dashboard:
the page's queries and time, the time of its figures through ``reports.selectors.grid`` (the one grouped
aggregate behind the headline, the units, the heatmap and the trend, which the page and the API read), the
time of one hand-written SQL aggregate computing the headline figures alone on PostgreSQL, and

- ``ratio``: the whole page's time (headline, units, heatmap, overdue list with heads, indicators,
  directives, rendering, through the test client) ÷ that one hand-written aggregate: what the issue asks
  to keep under 2;
- ``grid ratio``: the selector's grid ÷ the hand-written headline aggregate (what grouping by child unit
  and period, and adding up in Python, cost over the bare headline);
- ``weight``: the page's HTML in KB (static files apart: they are cached).

Times are medians of several runs on a warm database, all measured in the same run.
"""

import datetime
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
from reports.models import FormAssignment, Obligation, ReportForm  # noqa: E402
from units.models import RoleGrant, Unit, User  # noqa: E402

YEARS = (2025, 2026)
START, END = datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)
REPEAT = 7

call_command("import_units", "--no-progress", verbosity=0)
nation = Unit.objects.get(parent__isnull=True, kind=Unit.Kind.NATION)
province = Unit.objects.get(code_scheme="2025", code="24")  # Bắc Ninh
communal = list(Unit.COMMUNAL_KINDS)
figure("dashboard communes", Unit.objects.filter(kind__in=communal, closed_on__isnull=True).count(), "units")

forms = list(ReportForm.objects.filter(code__in=["qcdc-month", "qcdc-quarter", "qcdc-year"]))
with timer() as took:
    for form in forms:
        FormAssignment.objects.create(form=form, root=nation, kinds=communal, starts_on=START)
        for year in YEARS:
            generation.obligations_generate(form=form, year=year)
figure("dashboard obligations generate", took["s"], "s")

# Most reports filed, in bulk, the columns the workflow services write: by the obligation's id, 6 in 10
# on time, 2 late (1–9 days), 1 returned once or twice then resubmitted, 1 missing.
today = timezone.localdate()
table = Obligation._meta.db_table
with timer() as took, connection.cursor() as cursor:
    cursor.execute(
        f"""
        UPDATE {table} SET
          days_late = CASE WHEN id %% 10 IN (6, 7) THEN id %% 9 + 1 ELSE 0 END,
          on_time = id %% 10 NOT IN (6, 7),
          first_submitted_at = (due_date + (CASE WHEN id %% 10 IN (6, 7) THEN (id %% 9 + 1)::int ELSE -1 END))::timestamp
              AT TIME ZONE 'Asia/Ho_Chi_Minh' + interval '9 hours',
          returned_count = CASE WHEN id %% 10 = 8 THEN 1 + id %% 2 ELSE 0 END,
          status = CASE WHEN id %% 10 = 8 THEN 'resubmitted' ELSE 'accepted' END
        WHERE due_date < %s AND id %% 10 <> 9
        """,
        [today],
    )
    cursor.execute(
        f"""
        UPDATE {table} SET last_submitted_at = first_submitted_at,
          accepted_at = CASE WHEN status = 'accepted' THEN first_submitted_at + interval '2 days' END,
          accepted_on_time = CASE WHEN status = 'accepted' THEN (first_submitted_at + interval '2 days')::date <= due_date
          END
        WHERE first_submitted_at IS NOT NULL
        """
    )
    cursor.execute("VACUUM ANALYZE")  # as autovacuum would after the bulk updates: no dead rows to scan
figure("dashboard obligations", Obligation.objects.count(), "obligations")
figure("dashboard obligations filed", Obligation.objects.filter(first_submitted_at__isnull=False).count(), "reports")
figure("dashboard reports written in bulk", took["s"], "s")

RAW = f"""
SELECT count(*),
       count(*) FILTER (WHERE o.first_submitted_at IS NOT NULL),
       count(*) FILTER (WHERE o.on_time),
       count(*) FILTER (WHERE NOT o.on_time),
       count(*) FILTER (WHERE o.accepted_at IS NOT NULL),
       count(*) FILTER (WHERE o.accepted_on_time),
       count(*) FILTER (WHERE o.returned_count > 0),
       coalesce(sum(o.returned_count), 0),
       coalesce(sum(o.days_late) FILTER (WHERE NOT o.on_time), 0),
       count(*) FILTER (WHERE o.first_submitted_at IS NULL AND o.due_date < %s)
FROM {table} o JOIN {Unit._meta.db_table} u ON u.id = o.unit_id
WHERE u.path LIKE %s AND o.period_end BETWEEN %s AND %s AND o.due_date <= %s
"""


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
query = f"?from={START:%Y-%m}&to={END:%Y-%m}"

for name, unit, user in [("national", nation, admin), ("provincial", province, leader)]:
    flt = selectors.dashboard_filter(unit, start=START, end=END, today=today)
    mine = selectors.grid(flt).headline

    def raw(unit=unit):
        with connection.cursor() as cursor:
            cursor.execute(RAW, [today, unit.path + "%", START, END, today])
            return cursor.fetchone()

    row = raw()
    assert list(row) == [
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
    ], (row, mine)
    client = Client()
    client.force_login(user)
    url = reverse("reports:dashboard", args=[unit.pk]) + query
    page = client.get(url)
    html = page.content.decode()
    for key, value in [("expected", mine.expected), ("received", mine.received), ("overdue", mine.overdue)]:
        assert f'id="fig-{key}" data-value="{value}"' in html, (key, value)  # the page shows the same figures
    queries, page_ms = measure_page(client, url, repeat=REPEAT)
    grid_s = median_seconds(lambda unit=unit: selectors.grid(selectors.dashboard_filter(unit, start=START, end=END)))
    raw_s = median_seconds(raw)
    figure(f"dashboard {name} expected reports", mine.expected, "reports")
    figure(f"dashboard {name} time", page_ms / 1000, "s")
    figure(f"dashboard {name} queries", queries, "queries")
    figure(f"dashboard {name} weight", len(page.content) / 1024, "KB")
    figure(f"dashboard {name} grid time", grid_s, "s")
    figure(f"dashboard {name} hand-written sql time", raw_s, "s")
    figure(f"dashboard {name} ratio", page_ms / 1000 / raw_s, "x")
    figure(f"dashboard {name} grid ratio", grid_s / raw_s, "x")
