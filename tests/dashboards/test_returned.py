"""A report returned for revision and not refiled is overdue again, and every page says so alike.

Phường Từ Sơn's 2026 Q3 report (the history's missing one) is filed on time, then returned after its due
date and not revised. On 29/11/2026 it is overdue on the home page, the unit's report list, the dashboard
card, the overdue list and its workbook, the head's record and the API; it still counts as received
(DHIS2's reporting rate, by first submission) but not as filed now nor as accepted."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from reports import selectors, services
from reports.models import Obligation, Report, Status
from tests.dashboards.conftest import TODAY, at
from tests.dashboards.test_pages import RANGE
from tests.reports.conftest import entry


@pytest.fixture
def returned(history, users):
    o = history["missing_of_tu_son"]
    reporter, staff = users["reporter_tu_son"], users["staff"]
    with time_machine.travel(at(o.due_date - datetime.timedelta(days=1)), tick=False):
        report = services.report_save_draft(actor=reporter, obligation=o, revision=0, **entry(history["form"]))
        services.report_submit(actor=reporter, report=report)
    with time_machine.travel(at(o.due_date + datetime.timedelta(days=6)), tick=False):
        services.report_return(actor=staff, report=Report.objects.get(pk=report.pk), reason="Thiếu số liệu")
    o.refresh_from_db()
    assert (o.status, o.on_time, o.returned_count) == (Status.RETURNED, True, 1)
    return o


def test_the_dashboard_counts_it_overdue_received_but_not_filed(client, tree, users, returned, english):
    f = selectors.grid(
        selectors.dashboard_filter(
            tree["bac_ninh"], start=datetime.date(2025, 1, 1), end=datetime.date(2026, 12, 31), today=TODAY
        )
    ).headline
    # Tân Hồng's two never filed, and Từ Sơn's returned one.
    assert (f.expected, f.received, f.filed, f.accepted, f.overdue) == (21, 19, 18, 18, 3)
    client.force_login(users["leader"])
    html = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), RANGE).content.decode()
    assert 'id="fig-overdue" data-value="3"' in html
    assert 'id="fig-received" data-value="19"' in html and "90,5 %" in html  # 19 / 21, DHIS2's rate
    assert 'id="fig-filed" data-value="18"' in html and 'id="fig-accepted" data-value="18"' in html
    assert returned.get_absolute_url() in html.split('id="overdue-table"', 1)[1]
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("reports:dashboard_xlsx", args=[tree["bac_ninh"].pk, "overdue"]), RANGE).content)
    ).active
    listed = [(r[0], r[3]) for r in sheet.iter_rows(min_row=5, values_only=True)]
    assert ("Phường Từ Sơn", datetime.datetime.combine(returned.due_date, datetime.time())) in listed
    assert len(listed) == 3


def test_the_heads_record_charges_it_to_the_head_on_the_due_date(tree, returned):
    flt = selectors.dashboard_filter(
        tree["bac_ninh"], start=datetime.date(2025, 1, 1), end=datetime.date(2026, 12, 31), today=TODAY
    )
    records = {r["person__full_name"]: r for r in selectors.head_records(flt)}
    assert (records["Trần Thị Bình"]["due"], records["Trần Thị Bình"]["missing"]) == (2, 1)


def test_the_home_page_and_the_report_list_say_overdue(client, tree, users, returned, english):
    client.force_login(users["reporter_tu_son"])
    home = client.get(reverse("home")).content.decode()
    row = home.split(returned.due_date.strftime("%d/%m/%Y"), 1)[1].split("</small>", 1)[0]
    assert "working days overdue" in row
    page = client.get(reverse("reports:unit_obligations", args=[tree["tu_son"].pk]))
    assert returned in page.context["groups"]["overdue"] and returned not in page.context["groups"]["returned"]


def test_the_api_says_overdue(client, tree, users, returned):
    client.force_login(users["reporter_tu_son"])
    listed = client.get("/api/v1/obligations/", {"unit": tree["tu_son"].pk, "status": "overdue"}).json()
    assert returned.pk in [o["id"] for o in listed["results"]]
    one = client.get(f"/api/v1/obligations/{returned.pk}/").json()
    assert one["overdue"] is True and one["status"] == "returned"
    client.force_login(users["leader"])
    figures = client.get(f"/api/v1/units/{tree['bac_ninh'].pk}/figures/", {"start": "2025-01-01", "end": "2026-12-31"})
    h = figures.json()["headline"]
    assert (h["received"], h["filed"], h["overdue"], h["reporting_rate"]) == (19, 18, 3, 90.5)


def test_refiled_it_is_no_longer_overdue(tree, users, returned, history):
    with time_machine.travel(at(TODAY, 11), tick=False):
        report = Report.objects.get(obligation=returned)
        services.report_save_draft(
            actor=users["reporter_tu_son"], obligation=returned, revision=report.revision, **entry(history["form"])
        )
        services.report_submit(actor=users["reporter_tu_son"], report=Report.objects.get(pk=report.pk))
    assert Obligation.objects.get(pk=returned.pk).status == Status.RESUBMITTED
    flt = selectors.dashboard_filter(
        tree["bac_ninh"], start=datetime.date(2025, 1, 1), end=datetime.date(2026, 12, 31), today=TODAY
    )
    f = selectors.grid(flt).headline
    assert (f.received, f.filed, f.overdue) == (19, 19, 2)
