"""Indicator results are per form: the monthly and the quarterly reports of the same months are never added.

On top of the history (Đông Ngàn's 2026 Q2 quarterly report: 8 meetings, 12 disclosures), Đông Ngàn files
its monthly reports of April, May and June 2026 through the services: 2 + 3 + 3 = 8 meetings, 4 + 4 + 4 = 12
disclosures: the same meetings told twice. The page, indicators.xlsx and the API show 8 for each form and
nowhere 16."""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from reports import generation, selectors, services
from reports.models import FormAssignment, Obligation, Report
from tests.dashboards.conftest import TODAY, at
from tests.dashboards.test_pages import RANGE
from tests.reports.conftest import entry, form_by_code

RANGE_START, RANGE_END = datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)


@pytest.fixture
def monthly(tree, users, history):
    form = form_by_code("qcdc-month")
    form.requires_approval = False
    form.save()
    FormAssignment.objects.create(
        form=form, root=tree["dong_ngan"], kinds=[], include_root=True, starts_on=datetime.date(2026, 1, 1)
    )
    generation.obligations_generate(form=form, year=2026)
    reporter = users["reporter_dong_ngan"]
    for month, meetings in ((4, "2"), (5, "3"), (6, "3")):
        o = Obligation.objects.get(form=form, unit=tree["dong_ngan"], year=2026, period_index=month)
        with time_machine.travel(at(o.due_date), tick=False):
            figures = {"MEETINGS": meetings, "DISCLOSURES": "4"}
            report = services.report_save_draft(actor=reporter, obligation=o, revision=0, **entry(form, figures))
            services.report_submit(actor=reporter, report=Report.objects.get(pk=report.pk))
    return form


def _sql_sum(form_id: int, code: str) -> int:
    """The filed reports' values of one indicator of one form, summed in plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT SUM(v.value_decimal) FROM reports_reportvalue v
            JOIN reports_indicator i ON i.id = v.indicator_id
            JOIN reports_report r ON r.id = v.report_id
            WHERE i.form_id = %s AND i.code = %s AND r.status IN ('submitted', 'resubmitted', 'accepted')
            """,
            [form_id, code],
        )
        return int(cursor.fetchone()[0])


def test_each_form_is_added_up_apart(tree, history, monthly):
    flt = selectors.dashboard_filter(tree["bac_ninh"], start=RANGE_START, end=RANGE_END, today=TODAY)
    rows = {(r["form_id"], r["code"]): r for r in selectors.indicator_totals(flt)}
    quarterly = history["form"].pk
    assert rows[(quarterly, "MEETINGS")]["value"] == 8 == _sql_sum(quarterly, "MEETINGS")
    assert rows[(monthly.pk, "MEETINGS")]["value"] == 8 == _sql_sum(monthly.pk, "MEETINGS")
    assert rows[(monthly.pk, "MEETINGS")]["reports"] == 3
    assert rows[(monthly.pk, "DISCLOSURES")]["value"] == 12 == rows[(quarterly, "DISCLOSURES")]["value"]
    assert all(r["value"] != 16 for r in rows.values() if r["code"] == "MEETINGS")


def test_the_page_the_workbook_and_the_api_never_add_overlapping_forms(client, tree, users, history, monthly):
    client.force_login(users["leader"])
    bn = tree["bac_ninh"].pk
    html = client.get(reverse("reports:dashboard", args=[bn]), RANGE).content.decode()
    for form in (history["form"], monthly):
        table = html.split(f'data-form="{form.pk}"', 1)[1].split("</table>", 1)[0]
        meetings = table.split('data-code="MEETINGS"', 1)[1].split("</tr>", 1)[0]
        assert '<td class="text-end">8</td>' in meetings
    detail = client.get(reverse("reports:dashboard", args=[bn]), {**RANGE, "indicator": f"{monthly.pk}:MEETINGS"})
    assert detail.context["indicators"]["chosen"]["form_id"] == monthly.pk
    assert [v["value"] for _m, v in detail.context["indicators"]["by_month"]] == [2, 3, 3]

    book = client.get(reverse("reports:dashboard_xlsx", args=[bn, "indicators"]), RANGE)
    sheet = load_workbook(io.BytesIO(book.content), read_only=True).active
    meetings = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] == "MEETINGS"]
    assert sorted((r[0], r[4]) for r in meetings) == sorted([(history["form"].name, 8), (monthly.name, 8)])

    api = client.get(f"/api/v1/units/{bn}/figures/", {"start": "2025-01-01", "end": "2026-12-31"}).json()
    meetings = {r["form"]: r["value"] for r in api["indicators"] if r["code"] == "MEETINGS"}
    assert meetings == {history["form"].pk: 8, monthly.pk: 8}


def _sql_by_month(form_id: int, code: str, path: str, start, end) -> dict[datetime.date, tuple[int, int]]:
    """Per month the periods end in: the filed reports' values of one indicator of one form in the subtree
    at ``path`` over periods ending start…end, summed, and how many reports, in plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT o.period_end, SUM(v.value_decimal), COUNT(*) FROM reports_reportvalue v
            JOIN reports_indicator i ON i.id = v.indicator_id
            JOIN reports_report r ON r.id = v.report_id
            JOIN reports_obligation o ON o.id = r.obligation_id
            JOIN units_unit u ON u.id = o.unit_id
            WHERE i.form_id = %s AND i.code = %s AND r.status IN ('submitted', 'resubmitted', 'accepted')
              AND u.path LIKE %s AND o.period_end BETWEEN %s AND %s AND v.value_decimal IS NOT NULL
            GROUP BY o.period_end
            """,
            [form_id, code, path + "%", start, end],
        )
        out: dict[datetime.date, list[int]] = {}
        for period_end, total, count in cursor.fetchall():
            if isinstance(period_end, str):
                period_end = datetime.date.fromisoformat(period_end)
            pair = out.setdefault(period_end.replace(day=1), [0, 0])
            pair[0] += int(total)
            pair[1] += count
        return {month: tuple(pair) for month, pair in out.items()}


def test_totals_and_details_asked_one_after_another_are_each_their_own(tree, history, monthly):
    """The indicator queries are compiled once and reused: each unit, range and choice of forms asked in turn
    gets the totals and the months of its own reports (plain SQL), not those asked before."""
    quarterly = history["form"]
    asked = [
        (tree["bac_ninh"], RANGE_START, RANGE_END, []),
        (tree["dong_ngan"], datetime.date(2026, 4, 1), datetime.date(2026, 5, 31), []),
        (tree["bac_ninh"], RANGE_START, RANGE_END, [monthly.pk]),
        (tree["tu_son"], RANGE_START, RANGE_END, [quarterly.pk, monthly.pk]),
        (tree["dong_ngan"], datetime.date(2026, 6, 1), datetime.date(2026, 6, 30), [quarterly.pk]),
    ]
    seen = set()
    for unit, start, end, forms in asked * 2:
        flt = selectors.dashboard_filter(unit, start=start, end=end, form_ids=forms, today=TODAY)
        rows = {(r["form_id"], r["code"]): r for r in selectors.indicator_totals(flt)}
        for form in (quarterly, monthly):
            months = _sql_by_month(form.pk, "MEETINGS", unit.path, start, end) if not forms or form.pk in forms else {}
            total, count = sum(t for t, _c in months.values()), sum(c for _t, c in months.values())
            if count:
                row = rows[(form.pk, "MEETINGS")]
                assert (row["value"], row["reports"]) == (total, count), (unit.name, start, form.code)
                seen.add((total, count))
            else:
                assert (form.pk, "MEETINGS") not in rows, (unit.name, start, form.code)
            _by_child, by_month = selectors.indicator_detail(flt, form.pk, "MEETINGS")
            assert {m: (v["value"], v["reports"]) for m, v in by_month.items()} == months, (unit.name, start)
    assert len(seen) > 2  # the cases differ from one another
