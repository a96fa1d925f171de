"""What each rung of the ladder says to its own reader, and who an escalation names when the head changed
after the due date: the e-mails people receive and the dashboard's overdue list."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from reports.models import Delivery
from tests.factories import make_person
from tests.reminders.conftest import DUE, TZ
from tests.reminders.test_ladder import days, run_day
from units.models import Headship


@pytest.fixture(autouse=True)
def _emails_in_english(settings):
    settings.LANGUAGE_CODE = "en"  # e-mails are written in the site's language; English to read the wording


def mails_to(address: str, about=None) -> list:
    """The e-mails sent to ``address`` (about one obligation only, if given)."""
    return [m for m in mail.outbox if address in m.to and (about is None or f"/reports/{about.pk}/" in m.body)]


def new_head_after_the_due_date(chain):
    """An leaves office on the due date (07/04); Bùi Văn Mới is head from the next day."""
    tu_son = chain["tree"]["tu_son"]
    Headship.objects.filter(person=chain["people"]["head"]).update(ended_on=DUE)
    new = make_person("Bùi Văn Mới", email="moi@tuson.vn", unit=tu_son)
    Headship.objects.create(
        unit=tu_son, person=new, title="Bí thư Đảng ủy", started_on=DUE + datetime.timedelta(days=1)
    )
    return new


def test_the_escalation_goes_to_the_head_in_office_and_names_the_head_on_the_due_date(chain):
    new_head_after_the_due_date(chain)
    for day in days(DUE, datetime.date(2026, 4, 8)):
        run_day(day)
    (escalation,) = mails_to("moi@tuson.vn")  # who can act now
    assert "Overdue" in escalation.subject
    assert "Accountable: Nguyễn Văn An, head of the unit on the due date." in escalation.body
    assert "Accountable: Nguyễn Văn An" in escalation.alternatives[0][0]
    assert mails_to("an@tuson.vn") == []  # no longer in office when it was sent
    sent = Delivery.objects.filter(obligation=chain["q1"], stage__code="overdue-head", status="sent")
    assert set(sent.values_list("name", flat=True)) == {"Bùi Văn Mới"}


def test_the_dashboard_names_the_accountable_head_and_whom_the_escalation_reached(chain, client):
    new_head_after_the_due_date(chain)
    for day in days(DUE, datetime.date(2026, 4, 8)):
        run_day(day)
    client.force_login(chain["users"]["leader"])
    with time_machine.travel(datetime.datetime(2026, 4, 9, 10, 0, tzinfo=TZ), tick=False):
        response = client.get(
            reverse("reports:dashboard", args=[chain["tree"]["bac_ninh"].pk]), {"from": "2026-01", "to": "2026-12"}
        )
    html = response.content.decode()
    table = html[html.index('id="overdue-table"') :]
    link = table.index(chain["q1"].get_absolute_url())
    row = table[table.rindex("<tr>", 0, link) : table.index("</tr>", link)]
    head_cell = row.split('class="head-name"', 1)[1].split(">", 1)[1].split("</td>", 1)[0]
    escalation_cell = row.split('class="escalation"', 1)[1].split(">", 1)[1].split("</td>", 1)[0]
    assert "Nguyễn Văn An" in head_cell and "Bùi Văn Mới" not in head_cell
    assert "Escalated to the head of the unit: Bùi Văn Mới" in escalation_cell
    assert "08/04/2026" in escalation_cell


def test_each_rung_speaks_to_its_own_reader(chain):
    for day in days(DUE, datetime.date(2026, 4, 10)):
        run_day(day)
    (reporter,) = mails_to("baocao@tuson.vn")
    (head,) = mails_to("an@tuson.vn")
    (above,) = mails_to("tinh@bacninh.vn", chain["q1"])
    (standing,) = mails_to("truc@tuson.vn")
    assert "Please file the report by the due date." in reporter.body
    assert "As head of the unit" in head.body and "As head of the unit" not in above.body
    for message in (above, standing):
        assert "Phường Từ Sơn has not filed this report, and its head has already been told." in message.body
        assert "Accountable: Nguyễn Văn An" in message.body
    assert "Accountable" not in reporter.body


def test_a_reminder_sent_after_the_due_date_says_how_late_and_asks_to_file_now(chain):
    run_day(DUE + datetime.timedelta(days=1))  # the due-day sweep was missed: the reporters hear a day late
    (reporter,) = mails_to("baocao@tuson.vn")
    assert "Overdue by 1 working day(s)." in reporter.body
    assert "please file the report now" in reporter.body
    assert "by the due date" not in reporter.body


def test_in_vietnamese_the_unit_above_is_not_addressed_as_the_wards_head(chain, settings):
    settings.LANGUAGE_CODE = "vi"
    for day in days(DUE, datetime.date(2026, 4, 10)):
        run_day(day)
    with translation.override("vi"):
        heads_text = gettext(
            "The report has not been filed. As head of the unit, please see that it is filed without delay."
        )
        on_time = gettext("Please file the report by the due date.")
        now = gettext("The due date has passed: please file the report now.")
    assert heads_text.startswith("Báo cáo chưa được nộp. Với trách nhiệm của người đứng đầu")
    (head,) = mails_to("an@tuson.vn")
    (above,) = mails_to("tinh@bacninh.vn", chain["q1"])
    assert heads_text in head.body
    assert "Với trách nhiệm của người đứng đầu" not in above.body
    assert "Nguyễn Văn An" in above.body  # named as accountable
    mail.outbox.clear()
    Delivery.objects.all().delete()
    run_day(DUE + datetime.timedelta(days=1))
    (late,) = mails_to("baocao@tuson.vn")
    assert on_time not in late.body and now in late.body and now != on_time
