"""The mail server fails: nothing is lost, failed e-mails are tried again with growing pauses while they still
matter, the staff see (and resend) what cannot be delivered, the administrators hear of a long outage.

The mail server is a real SMTP server (``tests.reminders.smtp_server``) that the tests stop and start."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from reports import services
from reports.models import Delivery, MailOutage, Notification
from reports.reminders import outage, sending, sweep
from tests.factories import make_user
from tests.reminders.conftest import DUE, TZ
from tests.reminders.mailbox import received
from tests.reminders.services import SMTPServer
from tests.reports.conftest import fill
from units.models import AuditEvent, RoleGrant

MORNING = datetime.datetime(2026, 4, 7, 8, 0, tzinfo=TZ)


@pytest.fixture
def smtp(settings, tmp_path):
    """The mail server, not started: nothing listens on its port until the test starts it."""
    server = SMTPServer(tmp_path / "mailbox")
    server.use_in(settings)
    settings.REMINDERS_RETRY_FIRST = 60
    settings.REMINDERS_RETRY_MAX = 3600
    yield server
    server.stop()


@pytest.fixture
def queued(monkeypatch):
    """What the sweep hands to the broker (the broker itself is another test's matter)."""
    chunks: list[int] = []

    def send_deliveries(batch):
        for chunk in batch:
            chunks.extend(chunk)
        return len(batch)

    monkeypatch.setattr("reports.reminders.publish.send_deliveries", send_deliveries)
    return chunks


def send_all(day=DUE) -> dict:
    ids = list(Delivery.objects.values_list("id", flat=True))
    return sending.deliveries_send(ids, today=day)


def reporters_email(chain) -> Delivery:
    return Delivery.objects.get(obligation=chain["q1"], stage__code="due-day", channel="email")


def test_an_outage_loses_nothing_and_each_retry_waits_longer(chain, smtp, queued):
    with time_machine.travel(MORNING, tick=False) as clock:
        sweep.sweep(today=DUE, publish=False)
        pauses = []
        for _ in range(12):  # more than the 8 attempts after which e-mails used to be dropped
            assert send_all()["failed"] == 1
            row = reporters_email(chain)
            assert row.status == "pending" and row.error and row.failing_since == MORNING
            pauses.append((row.next_attempt_at - datetime.datetime.now(TZ)).total_seconds())
            # Before the pause is over nothing is tried, however often a worker is handed the row ...
            assert send_all()["busy"] >= 1 and reporters_email(chain).attempts == row.attempts
            # ... nor queued again by the beat's sweep.
            del queued[:]
            sweep.publish_unsent()
            assert row.pk not in queued
            clock.move_to(row.next_attempt_at)
        assert pauses == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600, 3600, 3600]
        # The bell messages were not held up by the mail server.
        assert Notification.objects.filter(user=chain["users"]["reporter_tu_son"]).count() == 1

        smtp.start()
        sweep.publish_unsent()  # the next beat once the pause is over
        assert row.pk in queued
        assert send_all()["sent"] == 1
        assert send_all()["sent"] == 0
    row = reporters_email(chain)
    assert row.status == "sent" and row.failing_since is None and row.attempts == 13
    assert received(smtp.folder) == {row.pk: 1}


def test_one_failure_defers_the_rest_of_the_batch_without_waiting_for_each(chain, smtp):
    for i in range(5):
        make_user(f"baocao{i}", role=RoleGrant.Role.REPORTER, unit=chain["tree"]["tu_son"], email=f"bc{i}@tuson.vn")
    with time_machine.travel(MORNING, tick=False):
        sweep.sweep(today=DUE, publish=False)
        counts = send_all()
        assert counts["failed"] == 1 and counts["deferred"] == 5
        waiting = Delivery.objects.filter(channel="email", status="pending")
        assert waiting.count() == 6 and not waiting.filter(next_attempt_at__isnull=True).exists()
        assert sum(waiting.values_list("attempts", flat=True)) == 1  # the server was tried once


def test_retries_stop_when_the_report_is_filed(chain, smtp):
    with time_machine.travel(MORNING, tick=False) as clock:
        sweep.sweep(today=DUE, publish=False)
        send_all()
        report = fill(chain["q1"], chain["users"]["reporter_tu_son"])
        services.report_submit(actor=chain["users"]["head_tu_son"], report=report)
        smtp.start()
        clock.move_to(MORNING + datetime.timedelta(hours=2))
        send_all()
    assert reporters_email(chain).status == "skipped"
    assert all(key != reporters_email(chain).pk for key in received(smtp.folder))


def test_retries_stop_after_the_horizon_and_the_staff_see_it(chain, smtp, settings, client, english):
    settings.REMINDERS_RETRY_DAYS = 2
    with time_machine.travel(MORNING, tick=False) as clock:
        sweep.sweep(today=DUE, publish=False)
        while reporters_email(chain).status == "pending":
            clock.move_to(reporters_email(chain).next_attempt_at or MORNING)
            send_all()
        row = reporters_email(chain)
        assert row.status == "failed" and row.failure == "expired"
        assert datetime.timedelta(days=2) <= datetime.datetime.now(TZ) - MORNING < datetime.timedelta(days=2, hours=2)
    client.force_login(chain["users"]["staff"])
    html = client.get(reverse("reports:undeliverable")).content.decode()
    assert f'data-id="{row.pk}"' in html and "the mail server kept failing; retries stopped" in html


@pytest.fixture
def undeliverable(chain, smtp):
    """The reporter's address is refused by the server; the head of the province has no address and no login."""
    users, people = chain["users"], chain["people"]
    users["reporter_tu_son"].email = "bounce@tuson.vn"
    users["reporter_tu_son"].save()
    people["parent_head"].email = ""
    people["parent_head"].save()
    smtp.start()
    day = DUE
    while day <= datetime.date(2026, 4, 10):
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=TZ), tick=False):
            sweep.sweep(today=day, publish=False)
            send_all(day)
        day += datetime.timedelta(days=1)
    return Delivery.objects.filter(status="failed")


def test_the_staff_page_lists_undeliverable_messages_with_the_reason(undeliverable, chain, client, english):
    bounced = undeliverable.get(obligation=chain["q1"], email="bounce@tuson.vn")
    no_address = undeliverable.get(obligation=chain["q1"], name="Trần Tỉnh")
    assert (bounced.failure, no_address.failure) == ("bounced", "no_address")
    client.force_login(chain["users"]["staff"])
    html = client.get(reverse("reports:undeliverable")).content.decode()
    table = html[html.index('id="undeliverable"') :]
    for row, reason in (
        (bounced, "the mail server refused the address"),
        (no_address, "no e-mail address and no account"),
    ):
        cells = table[table.index(f'data-id="{row.pk}"') :].split("</tr>", 1)[0]
        assert row.name in cells and reason in cells and "Phường Từ Sơn" in cells
    # Exactly the undeliverable messages of the staff's units, counted in the database.
    assert table.count("<tr data-id=") == Delivery.objects.filter(status="failed").count()


def test_resending_with_a_corrected_address_is_recorded_and_delivered(undeliverable, chain, client, smtp):
    staff = chain["users"]["staff"]
    bounced = undeliverable.get(obligation=chain["q1"], email="bounce@tuson.vn")
    client.force_login(staff)
    url = reverse("reports:undeliverable_resend", args=[bounced.pk])
    response = client.post(url, {"email": "baocao.moi@tuson.vn"})
    assert response.status_code == 302
    bounced.refresh_from_db()
    assert (bounced.status, bounced.email, bounced.failure) == ("pending", "baocao.moi@tuson.vn", "")
    event = AuditEvent.objects.get(action="reminders.resent", object_id=bounced.pk)
    assert event.actor == staff and event.data["email"] == "bounce@tuson.vn" and event.created_at
    assert send_all(datetime.date(2026, 4, 10))["sent"] == 1
    assert received(smtp.folder).get(bounced.pk) == 1
    # A message without an address cannot be resent without one.
    no_address = undeliverable.get(obligation=chain["q1"], name="Trần Tỉnh")
    client.post(reverse("reports:undeliverable_resend", args=[no_address.pk]), {"email": ""})
    no_address.refresh_from_db()
    assert no_address.status == "failed"


def test_outsiders_get_404(undeliverable, chain, client):
    bounced = undeliverable.get(obligation=chain["q1"], email="bounce@tuson.vn")
    resend = reverse("reports:undeliverable_resend", args=[bounced.pk])
    client.force_login(chain["users"]["staff_ha_noi"])  # staff of another province
    html = client.get(reverse("reports:undeliverable")).content.decode()
    assert "bounce@tuson.vn" not in html
    assert client.post(resend, {"email": "x@hanoi.vn"}).status_code == 404
    client.force_login(chain["users"]["reporter_tu_son"])  # not staff at all
    assert client.get(reverse("reports:undeliverable")).status_code == 404
    assert client.post(resend).status_code == 404
    bounced.refresh_from_db()
    assert bounced.status == "failed" and not AuditEvent.objects.filter(action="reminders.resent").exists()


@pytest.mark.parametrize("extra", [1, 15])
def test_the_page_costs_the_same_queries_however_many_rows(chain, client, extra, django_assert_max_num_queries):
    stage = chain["q1"].form.reminder_stages.get(code="due-day")
    Delivery.objects.bulk_create(
        [
            Delivery(
                obligation=chain["q1"],
                stage=stage,
                recipient=f"p{i}",
                name=f"Người {i}",
                role="reporter",
                email=f"bounce{i}@tuson.vn",
                channel="email",
                due_on=DUE,
                status="failed",
                failure="bounced",
            )
            for i in range(extra)
        ]
    )
    client.force_login(chain["users"]["staff"])
    with django_assert_max_num_queries(12):
        html = client.get(reverse("reports:undeliverable")).content.decode()
    assert html.count("<tr data-id=") == extra


def test_the_administrators_are_told_once_when_mail_has_failed_for_an_hour(chain, smtp, settings):
    settings.LANGUAGE_CODE = "en"  # messages are written in the site's language; English to read the wording
    admin, staff = chain["users"]["admin"], chain["users"]["staff"]
    told = Notification.objects.filter(user=admin)
    with time_machine.travel(MORNING, tick=False) as clock:
        sweep.sweep(today=DUE, publish=False)
        send_all()
        clock.move_to(MORNING + datetime.timedelta(minutes=59))
        assert outage.outage_check() is None and not told.exists()
        clock.move_to(MORNING + datetime.timedelta(minutes=61))
        assert outage.outage_check() is not None
        clock.move_to(MORNING + datetime.timedelta(minutes=90))
        outage.outage_check()  # the next beats: no second message
        outage.outage_check()
        (alert,) = told
        assert alert.title == "E-mail has been failing since 08:00 07/04/2026"
        assert alert.url == reverse("reports:undeliverable")
        assert not Notification.objects.filter(user=staff, title=alert.title).exists()
        smtp.start()
        assert reporters_email(chain).next_attempt_at <= MORNING + datetime.timedelta(minutes=90)  # due again
        assert send_all()["sent"] == 1
        assert outage.outage_check() is None
    assert list(told.order_by("id").values_list("title", flat=True)) == [
        alert.title,
        "E-mail is being delivered again",
    ]
    assert MailOutage.objects.get().ended_at is not None


def test_the_page_is_in_vietnamese_by_default(undeliverable, chain, client):
    client.force_login(chain["users"]["staff"])
    html = client.get(reverse("reports:undeliverable")).content.decode()
    assert "Tin không gửi được" in html and "máy chủ thư từ chối địa chỉ" in html
    assert "the mail server refused the address" not in html


def test_the_staff_find_the_page_from_their_notifications(chain, client):
    client.force_login(chain["users"]["staff"])
    assert 'id="undeliverable-link"' in client.get(reverse("reports:notifications")).content.decode()
    client.force_login(chain["users"]["reporter_tu_son"])
    assert 'id="undeliverable-link"' not in client.get(reverse("reports:notifications")).content.decode()


def test_the_page_names_each_message_in_words_not_by_its_stages_code(undeliverable, chain, client):
    bounced = undeliverable.get(obligation=chain["q1"], email="bounce@tuson.vn")  # the reporters' reminder
    no_address = undeliverable.get(obligation=chain["q1"], name="Trần Tỉnh")  # the escalation to the unit above
    client.force_login(chain["users"]["staff"])
    html = client.get(reverse("reports:undeliverable")).content.decode()
    for row, words in ((bounced, "Nhắc việc"), (no_address, "Đôn đốc, báo cáo lên cấp trên")):
        cells = html[html.index(f'data-id="{row.pk}"') :].split("</tr>", 1)[0]
        assert words in cells and row.stage.code not in cells, (row.stage.code, cells)
