"""The working calendar on a phone: a ward's reporter reads every column of the year's days without
scrolling sideways."""

import importlib

import pytest
from django.apps import apps

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_reporter_reads_the_swapped_days_and_their_reasons_on_a_phone(page, live_server, users):
    # The swaps the calendar ships with, as its migration writes them (again, after another browser test's flush).
    importlib.import_module("reports.migrations.0008_working_calendar").ship_known_swaps(apps, None)
    login(page, live_server, "reporter_ts")
    page.goto(f"{live_server.url}/reports/calendar/?year=2026")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    reason = page.locator("#calendar-days tr[data-swapped='2026-08-22'] td").nth(2)
    assert "31/08/2026" in reason.inner_text()  # Saturday 22/08/2026 is worked in place of Monday 31/08
    box = reason.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
