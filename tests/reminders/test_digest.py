"""The weekly leadership digest: one a week to each leader, listing the overdue units of their own scope."""

import datetime

import time_machine
from django.core import mail

from reports.models import DigestDelivery, Notification, Obligation
from reports.reminders import digest
from tests.factories import make_user
from tests.reminders.conftest import DUE, TZ
from tests.reminders.services import SMTPServer
from units.models import RoleGrant

MONDAY = datetime.date(2026, 4, 13)  # the week after Q1's due date (Tue 07/04)


def digests(user) -> list[str]:
    return list(Notification.objects.filter(user=user, digest__isnull=False).values_list("body", flat=True))


def test_leaders_get_one_digest_a_week_of_their_own_overdue_units(chain):
    users, tree, q1 = chain["users"], chain["tree"], chain["q1"]
    bac_ninh = users["leader"]
    bac_ninh.email = "lanhdao@bacninh.vn"
    bac_ninh.save()
    ha_noi = make_user("leader_hn", role=RoleGrant.Role.LEADER, unit=tree["ha_noi"], email="lanhdao@hanoi.vn")
    Obligation.objects.create(
        form=q1.form,
        unit=tree["ha_noi"],
        year=2026,
        period_index=1,
        period_start=q1.period_start,
        period_end=q1.period_end,
        due_date=DUE,
    )

    digest.digest_send(today=MONDAY)

    (bn,) = digests(bac_ninh)
    assert "Phường Từ Sơn: 1" in bn and "Phường Đông Ngàn: 1" in bn and tree["ha_noi"].name not in bn
    (hn,) = digests(ha_noi)
    assert f"{tree['ha_noi'].name}: 1" in hn and "Từ Sơn" not in hn and "Đông Ngàn" not in hn
    to = [m.to for m in mail.outbox]
    assert to.count(["lanhdao@bacninh.vn"]) == 1 and to.count(["lanhdao@hanoi.vn"]) == 1
    bn_mail = next(m for m in mail.outbox if m.to == ["lanhdao@bacninh.vn"])
    assert "Phường Từ Sơn" in bn_mail.body and tree["ha_noi"].name not in bn_mail.body

    # A second run the same week (a second beat, a retried task) sends nothing.
    assert digest.digest_send(today=MONDAY + datetime.timedelta(days=3))["sent"] == 0
    assert len(mail.outbox) == 2 and len(digests(bac_ninh)) == 1
    # The next week, still overdue: a new digest.
    digest.digest_send(today=MONDAY + datetime.timedelta(days=7))
    assert len(digests(bac_ninh)) == 2 and len(mail.outbox) == 4


def test_a_leader_with_nothing_overdue_gets_no_digest(chain):
    digest.digest_send(today=DUE)  # due today: not overdue yet
    assert not digests(chain["users"]["leader"]) and not mail.outbox


def test_a_digest_the_mail_server_refused_is_sent_by_a_later_sweep_once(chain, settings, tmp_path):
    leader = chain["users"]["leader"]
    leader.email = "lanhdao@bacninh.vn"
    leader.save()
    smtp = SMTPServer(tmp_path / "mailbox")
    smtp.use_in(settings)  # not started: the mail server is down on Monday morning
    monday = datetime.datetime.combine(MONDAY, datetime.time(7, 0), tzinfo=TZ)
    try:
        with time_machine.travel(monday, tick=False) as clock:
            assert digest.digest_send(today=MONDAY)["failed"] == 1
            row = DigestDelivery.objects.get(user=leader, channel="email")
            assert row.status == "pending" and row.next_attempt_at > monday
            assert len(digests(leader)) == 1  # the bell's copy went
            smtp.start()
            assert digest.digest_retry(today=MONDAY)["sent"] == 0  # its pause is not over
            clock.move_to(row.next_attempt_at)
            assert digest.digest_retry(today=MONDAY)["sent"] == 1
            assert digest.digest_retry(today=MONDAY)["sent"] == 0
        files = list((tmp_path / "mailbox").glob("*.eml"))
        assert len(files) == 1 and "lanhdao@bacninh.vn" in files[0].read_text(errors="replace")
        assert DigestDelivery.objects.get(pk=row.pk).status == "sent"
    finally:
        smtp.stop()


def test_a_later_sweep_writes_no_digest_of_its_own_and_last_weeks_is_superseded(chain, settings, tmp_path):
    leader = chain["users"]["leader"]
    leader.email = "lanhdao@bacninh.vn"
    leader.save()
    smtp = SMTPServer(tmp_path / "mailbox")
    smtp.use_in(settings)
    digest.digest_send(today=MONDAY)  # the e-mail fails
    assert digest.digest_retry(today=MONDAY + datetime.timedelta(days=2)) == {"sent": 0, "nothing": 0, "failed": 0}
    assert DigestDelivery.objects.count() == 2  # bell and e-mail: a sweep writes no digest of its own
    next_monday = MONDAY + datetime.timedelta(days=7)
    digest.digest_retry(today=next_monday)
    assert DigestDelivery.objects.get(user=leader, week=MONDAY, channel="email").status == "skipped"
