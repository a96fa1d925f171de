"""A reminder that can never be sent (a CR/LF in a header) fails with its reason; the batch goes on."""

import datetime

import time_machine
from django.core import mail

from reports.models import Delivery
from reports.reminders import sending, sweep
from tests.reminders.conftest import DUE, TZ
from units.models import Unit


def test_a_line_break_in_a_unit_name_fails_that_mail_and_the_others_go_out(chain):
    users, tree = chain["users"], chain["tree"]
    users["reporter_dong_ngan"].email = "baocao@dongngan.vn"
    users["reporter_dong_ngan"].save()
    # Written past the model's cleaning, as a row imported by SQL long ago might be.
    Unit.objects.filter(pk=tree["tu_son"].pk).update(name="Phường Từ Sơn\r\nBcc: mallory@example.com")
    with time_machine.travel(datetime.datetime.combine(DUE, datetime.time(8, 0), tzinfo=TZ), tick=False):
        sweep.sweep(today=DUE, publish=False)
        ids = list(Delivery.objects.filter(status=Delivery.Status.PENDING).order_by("id").values_list("id", flat=True))
        counts = sending.deliveries_send(ids, today=DUE)

    bad = Delivery.objects.get(obligation=chain["q1"], channel=Delivery.Channel.EMAIL, stage__code="due-day")
    assert bad.status == Delivery.Status.FAILED
    assert "newline" in bad.error.lower() or "header" in bad.error.lower()
    good = Delivery.objects.get(obligation=chain["sibling"], channel=Delivery.Channel.EMAIL, stage__code="due-day")
    assert good.status == Delivery.Status.SENT
    assert Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING).count() == 0
    assert counts["failed"] == 1 and counts["sent"] >= 2
    assert ["baocao@dongngan.vn"] in [m.to for m in mail.outbox]
    assert all("mallory" not in (m.extra_headers.get("Bcc", "") + " ".join(m.bcc)) for m in mail.outbox)
