"""The headline figures recomputed from the raw rows, for the nation, a province and a ward.

A country of three provinces is built through the services: wards merged (Đình Bảng into Từ Sơn,
01/07/2025), closed (Tân Hồng, 01/04/2026), opened mid-period (Ba Đình, 15/08/2025), a head replaced
mid-period (Từ Sơn: An to 31/05/2026, Bình from 01/06/2026), quarterly reports everywhere and monthly ones
in Đông Kinh, Lạng Sơn (the periods overlap: each is a duty of its own), filed on time, late, never,
returned and refiled, returned and left so.

The expected counts come straight from the obligations, the rest from the reports' own event log (first
submission, acceptance, returns), not from the timeliness columns the dashboard adds up, and the scope from
the unit paths and the succession links, by DHIS2's definitions. The page, the API and the Excel
workbook must agree with it to the unit.
"""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports import generation, numbers, selectors, services
from reports.models import FormAssignment, Obligation, Report
from tests.dashboards.conftest import TODAY, at, head
from tests.factories import make_unit
from tests.reports.conftest import entry, form_by_code
from units.models import Unit, UnitSuccession

START, END = datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)
RANGE = {"from": "2025-01", "to": "2026-12"}
FILED = ("submitted", "resubmitted", "accepted")


def _closed(unit, day):
    unit.closed_on = day
    unit.save()
    return unit


@pytest.fixture
def country(tree, users):
    nation, bac_ninh, ha_noi = tree["nation"], tree["bac_ninh"], tree["ha_noi"]
    merged_on = datetime.date(2025, 7, 1)
    dinh_bang = _closed(make_unit("Phường Đình Bảng", Unit.Kind.WARD, bac_ninh), merged_on)
    UnitSuccession.objects.create(predecessor=dinh_bang, successor=tree["tu_son"], effective_on=merged_on)
    _closed(make_unit("Phường Tân Hồng", Unit.Kind.WARD, bac_ninh), datetime.date(2026, 4, 1))
    make_unit("Phường Ba Đình", Unit.Kind.WARD, ha_noi, opened_on=datetime.date(2025, 8, 15))
    lang_son = make_unit("Tỉnh Lạng Sơn", Unit.Kind.PROVINCE, nation)
    dong_kinh = make_unit("Phường Đông Kinh", Unit.Kind.WARD, lang_son)
    make_unit("Phường Tam Thanh", Unit.Kind.WARD, lang_son)
    head(tree["tu_son"], "Nguyễn Văn An", datetime.date(2024, 1, 1), datetime.date(2026, 5, 31))
    head(tree["tu_son"], "Trần Thị Bình", datetime.date(2026, 6, 1))

    quarterly, monthly = form_by_code("qcdc-quarter"), form_by_code("qcdc-month")
    for form, root, kinds in ((quarterly, nation, ["ward"]), (monthly, dong_kinh, [])):
        form.requires_approval = False
        form.save()
        FormAssignment.objects.create(form=form, root=root, kinds=kinds, include_root=not kinds, starts_on=START)
        for year in (2025, 2026):
            generation.obligations_generate(form=form, year=year)

    admin = users["admin"]  # files for every ward and reviews them all
    owed = (
        Obligation.objects.filter(due_date__lte=TODAY)
        .select_related("unit", "form")
        .order_by("unit__name", "due_date", "form_id")
    )
    for i, o in enumerate(owed):
        _play(o, i % 7, admin)
    return {"lang_son": lang_son, "dinh_bang": dinh_bang}


def _play(o: Obligation, pattern: int, admin) -> None:
    """0 never filed; 1 filed 3 days late and accepted; 2 filed on time, returned after the due date and left
    so; 3 the same, then refiled late and accepted; 4 filed on time, not yet reviewed; 5–6 on time, accepted."""

    def day(n):
        return o.due_date + datetime.timedelta(days=n)

    filed_on = day(3) if pattern == 1 else day(-1)
    closed = o.unit.closed_on
    if pattern == 0 or (closed and filed_on >= closed):  # a closed ward files nothing any more
        return
    with time_machine.travel(at(filed_on), tick=False):
        report = services.report_save_draft(actor=admin, obligation=o, revision=0, **entry(o.form))
        services.report_submit(actor=admin, report=report)
    if pattern in (2, 3):
        with time_machine.travel(at(day(2)), tick=False):
            services.report_return(actor=admin, report=Report.objects.get(pk=report.pk), reason="Bổ sung số liệu")
    if pattern == 3:
        with time_machine.travel(at(day(4)), tick=False):
            report = Report.objects.get(pk=report.pk)
            services.report_save_draft(actor=admin, obligation=o, revision=report.revision, **entry(o.form))
            services.report_submit(actor=admin, report=Report.objects.get(pk=report.pk))
    if pattern in (1, 3, 5, 6):
        with time_machine.travel(at(day(5) if pattern in (1, 3) else o.due_date), tick=False):
            services.report_accept(actor=admin, report=Report.objects.get(pk=report.pk))


# The independent computation ----------------------------------------------------------------------------

RAW = """
WITH RECURSIVE roots(id, path) AS (
    SELECT id, path FROM units_unit WHERE path LIKE %s
    UNION
    SELECT p.id, p.path FROM units_unitsuccession s
    JOIN roots r ON s.successor_id = r.id
    JOIN units_unit p ON p.id = s.predecessor_id
    WHERE s.kind IN ('merged', 'renamed', 'split')
)
SELECT o.id, o.unit_id, o.due_date, r.status,
    (SELECT MIN(e.created_at) FROM reports_reportevent e
        WHERE e.report_id = r.id AND e.kind IN ('submitted', 'approved')) AS first_filed,
    (SELECT MIN(e.created_at) FROM reports_reportevent e WHERE e.report_id = r.id AND e.kind = 'accepted'),
    (SELECT COUNT(*) FROM reports_reportevent e WHERE e.report_id = r.id AND e.kind = 'returned')
FROM reports_obligation o
JOIN units_unit u ON u.id = o.unit_id
LEFT JOIN reports_report r ON r.obligation_id = o.id
WHERE o.period_end >= %s AND o.period_end <= %s AND o.due_date <= %s
  AND EXISTS (SELECT 1 FROM roots WHERE u.path LIKE roots.path || '%%')
"""


def _date(value) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _local_day(value) -> datetime.date | None:
    """An event's time (UTC in the database) as the day it was in Việt Nam."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return timezone.localtime(value).date()


def raw_rows(unit: Unit) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(RAW, [unit.path + "%", START, END, TODAY])
        return cursor.fetchall()


def recount(unit: Unit) -> dict:
    """DHIS2: expected = the duties due; received = filed at least once; on time = first filed by the due
    date, over expected. Beyond it: filed now, accepted, returned, overdue (past due, not filed now)."""
    n = dict.fromkeys(
        (
            "expected",
            "received",
            "on_time",
            "late",
            "filed",
            "accepted",
            "accepted_on_time",
            "returned",
            "returns",
            "overdue",
        ),
        0,
    )
    for _id, _unit, due, status, first, accepted, returns in raw_rows(unit):
        due, first, accepted = _date(due), _local_day(first), _local_day(accepted)
        n["expected"] += 1
        n["received"] += first is not None
        n["on_time"] += first is not None and first <= due
        n["late"] += first is not None and first > due
        n["filed"] += status in FILED
        n["accepted"] += status == "accepted"
        n["accepted_on_time"] += accepted is not None and accepted <= due
        n["returned"] += returns > 0
        n["returns"] += returns
        n["overdue"] += due < TODAY and status not in FILED
    return n


# The three readings --------------------------------------------------------------------------------------

CARDS = {
    "expected": "fig-expected",
    "received": "fig-received",
    "on_time": "fig-on-time",
    "late": "fig-late",
    "filed": "fig-filed",
    "accepted": "fig-accepted",
    "accepted_on_time": "fig-accepted-on-time",
    "returned": "fig-returned",
    "overdue": "fig-overdue",
}
XLSX_COLUMNS = {
    "expected": "Expected",
    "received": "Received",
    "filed": "Filed now",
    "accepted": "Meets the requirements",
    "on_time": "On time (first submission)",
    "late": "Late",
    "returned": "Returned",
    "returns": "Times returned",
    "overdue": "Overdue now",
}


def _page(client, unit) -> dict:
    html = client.get(reverse("reports:dashboard", args=[unit.pk]), RANGE).content.decode()
    return {k: int(html.split(f'id="{card}" data-value="', 1)[1].split('"', 1)[0]) for k, card in CARDS.items()}


def _api(client, unit) -> dict:
    response = client.get(f"/api/v1/units/{unit.pk}/figures/", {"start": START, "end": END})
    return response.json()["headline"]


def _xlsx(client, unit) -> dict:
    book = client.get(reverse("reports:dashboard_xlsx", args=[unit.pk, "units"]), RANGE)
    sheet = load_workbook(io.BytesIO(book.content)).active
    headers = [c.value for c in sheet[4]]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    return {k: sum(r[headers.index(col)] for r in rows) for k, col in XLSX_COLUMNS.items()}


@pytest.mark.parametrize("where", ["nation", "bac_ninh", "tu_son", "lang_son"])
def test_page_api_and_excel_agree_with_the_raw_rows(client, tree, users, country, english, where):
    unit = country.get(where) or tree[where]
    expected = recount(unit)
    assert expected["expected"] and expected["overdue"] and expected["returned"]  # the cases are all there
    client.force_login(users["admin"])
    assert _page(client, unit) == {k: expected[k] for k in CARDS}
    api = _api(client, unit)
    assert {k: api[k] for k in expected} == expected
    rate = None if not expected["expected"] else min(expected["received"] * 100 / expected["expected"], 100)
    assert api["reporting_rate"] == numbers.rounded_float(rate)
    assert api["on_time_rate"] == numbers.rounded_float(expected["on_time"] * 100 / expected["expected"])
    assert _xlsx(client, unit) == {k: expected[k] for k in XLSX_COLUMNS}


def test_the_merged_ward_rolls_up_into_its_successor(tree, country):
    tu_son = {row[0] for row in raw_rows(tree["tu_son"])}
    assert Obligation.objects.filter(unit=country["dinh_bang"], pk__in=tu_son).exists()
    # Each province's rows, and the nation's, are the same duties: none counted twice, none lost.
    provinces = [tree["bac_ninh"], tree["ha_noi"], country["lang_son"]]
    assert sum(recount(p)["expected"] for p in provinces) == recount(tree["nation"])["expected"]


def test_the_heads_answer_for_the_reports_due_in_office(tree, country):
    """From the raw rows: Từ Sơn's duties (its own: a head answers for their unit) due in each tenure."""
    sql = """
        SELECT p.full_name, COUNT(o.id),
            SUM(CASE WHEN o.due_date < %s AND (r.status IS NULL OR r.status NOT IN ('submitted', 'resubmitted', 'accepted'))
                THEN 1 ELSE 0 END)
        FROM units_headship h
        JOIN units_person p ON p.id = h.person_id
        JOIN reports_obligation o ON o.unit_id = h.unit_id
            AND o.due_date >= h.started_on AND (h.ended_on IS NULL OR o.due_date <= h.ended_on)
        LEFT JOIN reports_report r ON r.obligation_id = o.id
        WHERE h.unit_id = %s AND h.is_principal AND o.period_end >= %s AND o.period_end <= %s AND o.due_date <= %s
        GROUP BY p.full_name
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [TODAY, tree["tu_son"].pk, START, END, TODAY])
        by_sql = {name: (due, overdue) for name, due, overdue in cursor.fetchall()}
    assert set(by_sql) == {"Nguyễn Văn An", "Trần Thị Bình"}
    flt = selectors.dashboard_filter(tree["nation"], start=START, end=END, today=TODAY)
    records = {r["person__full_name"]: (r["due"], r["missing"]) for r in selectors.head_records(flt)}
    assert {name: records[name] for name in by_sql} == by_sql
