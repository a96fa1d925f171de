"""The dashboard's directives table: per directive, the units given a task in the subtree and range, the
tasks reported, on time and overdue, proved against plain SQL over the assignments and their reports, for
one unit after another (the query is compiled once and reused)."""

import datetime

import pytest
from django.db import connection

from directives import services as directives
from reports import selectors
from reports.models import Obligation
from tests.dashboards.conftest import TODAY, file
from tests.directives.conftest import make_directive

pytestmark = pytest.mark.django_db

PROGRESS_SQL = """
SELECT COUNT(DISTINCT a.unit_id),
       SUM(CASE WHEN o.first_submitted_at IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.on_time THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.status IN ('not_started', 'draft', 'awaiting', 'returned') AND o.due_date < %s THEN 1 ELSE 0 END)
FROM directives_assignment a
JOIN units_unit u ON u.id = a.unit_id
LEFT JOIN reports_obligation o ON o.assignment_id = a.id
WHERE a.directive_id = %s AND u.path LIKE %s AND a.status <> 'cancelled' AND a.deadline BETWEEN %s AND %s
"""


def test_each_units_directives_count_their_own_tasks(tree, users):
    directive = make_directive(users["admin"], tree["nation"])
    deadlines = {
        "tu_son": datetime.date(2026, 10, 15),
        "dong_ngan": datetime.date(2026, 11, 10),
        "hoan_kiem": datetime.date(2026, 12, 20),
    }
    for name, deadline in deadlines.items():
        directives.assignment_bulk_create(
            actor=users["admin"], directive=directive, task="Báo cáo quán triệt", units=[tree[name]], deadline=deadline
        )
    file(Obligation.objects.get(assignment__unit=tree["tu_son"]), datetime.date(2026, 10, 14))  # on time
    ranges = [(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)), (datetime.date(2026, 11, 1), TODAY)]
    asked = [(tree[u], r) for u in ("nation", "bac_ninh", "ha_noi", "dong_ngan", "tu_son") for r in ranges]
    seen = set()
    for unit, (start, end) in asked * 2:
        flt = selectors.dashboard_filter(unit, start=start, end=end, today=TODAY)
        rows = {r["directive_id"]: r for r in selectors.directive_progress(flt)}
        with connection.cursor() as cursor:
            cursor.execute(PROGRESS_SQL, [TODAY, directive.pk, unit.path + "%", flt.start, flt.end])
            units, reported, on_time, overdue = cursor.fetchone()
        if not units:
            assert directive.pk not in rows, (unit.name, start)
            continue
        row = rows[directive.pk]
        assert (row["units"], row["reported"], row["on_time"], row["overdue"]) == (
            units,
            reported,
            on_time,
            overdue,
        ), (unit.name, start)
        seen.add((units, reported, overdue))
    assert {(3, 1, 1), (2, 1, 1), (1, 0, 0), (1, 1, 0), (1, 0, 1)} <= seen
