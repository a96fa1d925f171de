"""The leaders' weekly digest lists the watched units due for review, and a directive's periodic report is reminded
like any other."""

import datetime

import time_machine
from django.core import mail

from directives.models import Directive, DirectiveType, Watch
from reports.directive_reports import periodic_report_require
from reports.models import Delivery, Notification, Obligation
from reports.reminders import digest
from tests.reminders.conftest import DUE, TZ, sent_to
from tests.reminders.test_ladder import run_day

MONDAY = datetime.date(2026, 3, 30)  # before Q1's due date (Tue 07/04): nothing is overdue yet


def watch(unit, review_on, status="open", reason="Nộp báo cáo trễ ba quý liền"):
    extra = {"outcome": "improved", "closed_at": datetime.datetime(2026, 3, 1, tzinfo=TZ)} if status == "closed" else {}
    return Watch.objects.create(unit=unit, reason=reason, review_on=review_on, status=status, **extra)


def test_the_digest_lists_the_watches_due_this_week_in_the_leaders_own_scope(chain):
    tree, leader = chain["tree"], chain["users"]["leader"]
    leader.email = "lanhdao@bacninh.vn"
    leader.save()
    watch(tree["tu_son"], MONDAY + datetime.timedelta(days=4))  # Friday this week
    watch(tree["village"], MONDAY - datetime.timedelta(days=10))  # overdue for review
    watch(tree["dong_ngan"], MONDAY + datetime.timedelta(days=8))  # next week: not yet
    watch(tree["hoan_kiem"], MONDAY)  # another province
    watch(tree["bac_ninh"], MONDAY, status="closed")

    digest.digest_send(today=MONDAY)

    (body,) = Notification.objects.filter(user=leader, digest__isnull=False).values_list("body", flat=True)
    # The digest is written in the site's language, Vietnamese.
    assert "Đơn vị được theo dõi đến hạn xem xét:" in body
    assert "Thôn Đông: xem xét lại ngày 20/03/2026" in body and "Phường Từ Sơn: xem xét lại ngày 03/04/2026" in body
    assert body.index("Thôn Đông") < body.index("Phường Từ Sơn")  # the oldest review first
    assert "Đông Ngàn" not in body and "Hoàn Kiếm" not in body and "Tỉnh Bắc Ninh" not in body
    (email,) = [m for m in mail.outbox if m.to == ["lanhdao@bacninh.vn"]]
    assert "đơn vị được theo dõi đến hạn xem xét" in email.subject
    watch_url = f"https://qcdc.bacninh.gov.vn/watches/{Watch.objects.get(unit=tree['tu_son']).pk}/"
    assert watch_url in email.body and watch_url in email.alternatives[0][0]
    # A second run the same week sends nothing more.
    assert digest.digest_send(today=MONDAY + datetime.timedelta(days=2))["sent"] == 0


def test_a_leader_with_no_overdue_report_and_no_watch_due_gets_no_digest(chain):
    watch(chain["tree"]["tu_son"], MONDAY + datetime.timedelta(days=20))
    digest.digest_send(today=MONDAY)
    assert not Notification.objects.filter(digest__isnull=False).exists() and not mail.outbox


def test_a_directives_periodic_report_gets_the_reminders_of_its_form(chain):
    tree, staff = chain["tree"], chain["users"]["staff"]
    plan = Directive.objects.create(
        doc_type=DirectiveType.objects.get(name="Kế hoạch", family="party"),
        symbol="45-KH/TU",
        issuer="Tỉnh ủy Bắc Ninh",
        abstract="Thực hiện Quy chế dân chủ ở cơ sở năm 2026",
        issued_on=datetime.date(2026, 1, 5),
        effective_from=datetime.date(2026, 1, 1),
        effective_to=datetime.date(2026, 12, 31),
        owner_unit=tree["bac_ninh"],
    )
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 0, tzinfo=TZ), tick=False):
        periodic_report_require(actor=staff, directive=plan, form=chain["form"], root=tree["bac_ninh"], kinds=["ward"])
    own = Obligation.objects.get(directive=plan, unit=tree["tu_son"], period_index=1)
    assert own.due_date == DUE and own.pk != chain["q1"].pk
    run_day(DUE)
    assert ("due-day", "reporter_ts") in sent_to(own)
    assert ("due-day", "reporter_ts") in sent_to(chain["q1"])  # the ordinary report keeps its own reminder
    assert Delivery.objects.filter(obligation=own, status="sent").count() >= 1
