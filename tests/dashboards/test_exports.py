"""Every export holds every row of its table: 3,000 overdue reports of 150 wards, on top of the history."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports import periods, tallies
from reports.models import Obligation
from tests.dashboards.conftest import TODAY, head
from tests.dashboards.test_pages import RANGE
from tests.factories import make_unit
from tests.reports.conftest import form_by_code
from units.models import Unit

WARDS, MONTHS = 150, 20  # 01/2025 … 08/2026: all past due on 29/11/2026


@pytest.fixture
def many_overdue(tree, history):
    form = form_by_code("qcdc-month")
    wards = [make_unit(f"Phường Thử {i:03d}", Unit.Kind.WARD, tree["bac_ninh"]) for i in range(WARDS)]
    rows = []
    for ward in wards:
        for n in range(MONTHS):
            year, month = 2025 + n // 12, n % 12 + 1
            p = periods.period_bounds(form.period_type, year, month)
            rows.append(
                Obligation(
                    form=form,
                    unit=ward,
                    year=year,
                    period_index=month,
                    period_start=p.start,
                    period_end=p.end,
                    due_date=p.end + datetime.timedelta(days=5),
                )
            )
    Obligation.objects.bulk_create(rows)
    tallies.tallies_refresh(unit_ids=[w.pk for w in wards])  # written in bulk: the roll-ups follow as a load's do
    # The head of the last ward by name: its rows come last among those due the same day.
    head(wards[-1], "Vũ Thị Cuối", datetime.date(2024, 1, 1))
    return wards


def _sheet(response):
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return list(sheet.iter_rows(min_row=5, values_only=True))


def test_the_overdue_workbook_holds_every_overdue_report(client, tree, users, many_overdue, english):
    client.force_login(users["leader"])
    bn = tree["bac_ninh"]
    total = WARDS * MONTHS + 3  # and the history's three
    page = client.get(reverse("reports:dashboard", args=[bn.pk]), RANGE)
    assert page.context["overdue_total"] == total
    assert "the Excel file holds all 3.003" in page.content.decode()
    with CaptureQueriesContext(connection) as ctx:
        rows = _sheet(client.get(reverse("reports:dashboard_xlsx", args=[bn.pk, "overdue"]), RANGE))
    assert len(rows) == total
    # Oldest first, as the page lists them; the heads are named to the last row.
    dues = [r[3] for r in rows]
    assert dues == sorted(dues)
    last_ward = [r for r in rows if r[0] == "Phường Thử 149"]
    assert len(last_ward) == MONTHS and {r[5] for r in last_ward} == {"Vũ Thị Cuối"}
    assert len(ctx.captured_queries) <= 15  # a few per 2,000 rows, not one per row


def test_the_units_workbook_holds_every_unit(client, tree, users, many_overdue, english):
    client.force_login(users["leader"])
    bn = tree["bac_ninh"]
    page = client.get(reverse("reports:dashboard", args=[bn.pk]), RANGE)
    assert len(page.context["shown"]) < len(page.context["rows"]) == WARDS + 3
    rows = _sheet(client.get(reverse("reports:dashboard_xlsx", args=[bn.pk, "units"]), RANGE))
    assert len(rows) == WARDS + 3
    assert (
        sum(r[1] for r in rows)
        == Obligation.objects.filter(
            unit__path__startswith=bn.path, due_date__lte=TODAY, period_end__gte=datetime.date(2025, 1, 1)
        ).count()
    )
