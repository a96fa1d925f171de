"""A ward's reporter with a report due tomorrow: the sweep runs (``send_reminders``, as the beat would), the
reporter logs in on a phone, sees the bell's unread count, opens the list, follows the reminder to the
report, and the count drops once it is read."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports import generation, periods
from reports.models import FormAssignment, Notification, Obligation
from tests.e2e.conftest import login
from tests.reports.conftest import form_by_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def due_soon(tree, users):
    """Từ Sơn's Q1 report is due on the next working day, its Q2 report in three working days."""
    form = form_by_code("qcdc-quarter")
    FormAssignment.objects.create(form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=datetime.date(2025, 1, 1))
    year = timezone.localdate().year
    generation.obligations_generate(form=form, year=year)
    q1, q2 = Obligation.objects.filter(form=form, unit=tree["tu_son"], year=year).order_by("period_index")[:2]
    today = timezone.localdate()
    later = today + datetime.timedelta(days=90)  # the year's other reports are not due for months
    Obligation.objects.filter(form=form).update(due_date=later)
    Obligation.objects.filter(pk=q1.pk).update(due_date=periods.add_working_days(today, 1))
    Obligation.objects.filter(pk=q2.pk).update(due_date=periods.add_working_days(today, 3))
    # Đông Ngàn's reporter is told about Đông Ngàn's reports, never about Từ Sơn's.
    Obligation.objects.filter(form=form, unit=tree["dong_ngan"]).update(due_date=periods.add_working_days(today, 1))
    return q1, q2


def _bell(page) -> str | None:
    badge = page.locator("#nav-bell-count")
    return badge.first.inner_text().strip() if badge.count() else None


def _open_menu(page) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.locator("#mainnav.show").wait_for()


def test_a_reporter_is_reminded_in_the_bell_and_follows_it_to_the_report(page, live_server, users, due_soon):
    q1, _q2 = due_soon
    call_command("send_reminders", stdout=io.StringIO())  # the beat's sweep, sent at once without a worker
    login(page, live_server, users["reporter_tu_son"].username)

    assert _bell(page) == "2"  # the reminders of Q1 (tomorrow) and Q2 (in three working days)
    _open_menu(page)
    page.click("#nav-bell")
    page.wait_for_url(f"{live_server.url}/notifications/")
    items = page.locator("#notifications li.notification-unread")
    assert items.count() == 2
    text = page.inner_text("#notifications")
    assert "Phường Từ Sơn" in text and "Phường Đông Ngàn" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The reminder of the report due tomorrow: "Open" marks it read and goes to the report.
    reminder = Notification.objects.get(user=users["reporter_tu_son"], url=q1.get_absolute_url())
    page.locator(f"#notifications li[data-id='{reminder.pk}'] button.btn-primary").click()
    page.wait_for_url(f"{live_server.url}/reports/{q1.pk}/")
    assert _bell(page) == "1"

    # The other one is marked read from the list: the badge goes.
    _open_menu(page)
    page.click("#nav-bell")
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert page.locator("#notifications li.notification-unread").count() == 1
    page.locator("#notifications li.notification-unread button.btn-outline-secondary").click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert _bell(page) is None
    assert page.locator("#notifications li.notification-unread").count() == 0
