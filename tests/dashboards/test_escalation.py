"""The overdue list says how far the reminders have gone: after the real sweep and sending (what the beat and
a worker do each morning), Từ Sơn's missing 2026 Q3 report shows the head in office on its due date and
the escalation stage reached, with the day it was sent."""

import datetime
import re

import time_machine
from django.urls import reverse

from reports.models import Delivery
from reports.reminders import escalation_reached, sending, sweep
from tests.dashboards.conftest import TODAY, TZ
from tests.dashboards.test_pages import RANGE


def run_day(day: datetime.date) -> None:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=TZ), tick=False):
        sweep.sweep(today=day, publish=False)
        ids = list(Delivery.objects.filter(status=Delivery.Status.PENDING).values_list("id", flat=True))
        sending.deliveries_send(ids, today=day)


def overdue_row(client, unit, obligation) -> str:
    html = client.get(reverse("reports:dashboard", args=[unit.pk]), RANGE).content.decode()
    table = html[html.index('id="overdue-table"') :]
    link = table.index(obligation.get_absolute_url())
    return table[table.rindex("<tr>", 0, link) : table.index("</tr>", link)]


def test_the_overdue_list_shows_the_escalation_reached(client, tree, users, history, english):
    missing = history["missing_of_tu_son"]
    binh = history["heads"]["binh"].person
    binh.email = "binh@tuson.vn"
    binh.save()
    client.force_login(users["leader"])

    before = overdue_row(client, tree["bac_ninh"], missing)
    assert "Trần Thị Bình" in before  # the head in office on the due date
    assert "Escalated" not in before  # nothing sent yet

    day = missing.due_date
    while day <= TODAY:
        run_day(day)
        day += datetime.timedelta(days=1)

    reached = escalation_reached([missing.pk])[missing.pk]
    assert reached.is_escalation
    row = overdue_row(client, tree["bac_ninh"], missing)
    assert "Trần Thị Bình" in row
    assert str(reached.label) in row and "Escalated to" in row
    assert f"{reached.sent_at.astimezone(TZ):%d/%m/%Y}" in row
    # The ward's own dashboard says the same.
    assert str(reached.label) in overdue_row(client, tree["tu_son"], missing)


def test_the_overdue_list_counts_working_days_as_the_reminders_do(client, tree, users, history, english):
    """Từ Sơn's 2026 Q3, due Wednesday 07/10/2026, seen on Sunday 29/11: by hand 17 working days in October
    (08–09, 12–16, 19–23, 26–30), 19 in November to the 27th (24/11, Vietnam Cultural Day, is off) and
    Monday 30/11, as a report filed today would count: 37, where the calendar gives 53."""
    client.force_login(users["leader"])
    row = overdue_row(client, tree["bac_ninh"], history["missing_of_tu_son"])
    assert re.search(r'<td class="text-end"[^>]*>37</td>', row)
    html = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), RANGE).content.decode()
    assert "Working days overdue" in html and "average working days late" in html
