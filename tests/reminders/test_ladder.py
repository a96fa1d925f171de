"""The ladder with the clock moved day by day across the deadline, and the rules of who gets what."""

import datetime

import time_machine
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from reports import services
from reports.models import Delivery, Notification
from reports.reminders import events, sending, sweep
from tests.reminders.conftest import DUE, TZ, sent_to
from tests.reports.conftest import fill


def run_day(day: datetime.date) -> dict:
    """What the beat and a worker do on ``day``: sweep, then send what is waiting."""
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=TZ), tick=False):
        sweep.sweep(today=day, publish=False)
        ids = list(Delivery.objects.filter(status=Delivery.Status.PENDING).values_list("id", flat=True))
        return sending.deliveries_send(ids, today=day)


def days(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def test_the_ladder_day_by_day_across_the_deadline(chain):
    q1 = chain["q1"]
    by_day = {}
    for day in days(datetime.date(2026, 3, 20), datetime.date(2026, 4, 20)):
        before = set(Delivery.objects.filter(obligation=q1, status="sent").values_list("id", flat=True))
        run_day(day)
        new = Delivery.objects.filter(obligation=q1, status="sent").exclude(id__in=before)
        by_day[day] = sorted({(d.stage.code, d.name) for d in new})
    # 7, 3, 1 working days before (Fri 27/03, Thu 02/04, Mon 06/04), on the due date (Tue 07/04) to the
    # reporter; the next working day to the head; three working days after to the head above and the
    # steering committee's standing member. Weekends and the other days: nothing.
    reporter = "reporter_ts"
    expected = {
        datetime.date(2026, 3, 27): [("before-7", reporter)],
        datetime.date(2026, 4, 2): [("before-3", reporter)],
        datetime.date(2026, 4, 6): [("before-1", reporter)],
        datetime.date(2026, 4, 7): [("due-day", reporter)],
        datetime.date(2026, 4, 8): [("overdue-head", "Nguyễn Văn An")],
        datetime.date(2026, 4, 10): [("overdue-parent", "Lê Thường Trực"), ("overdue-parent", "Trần Tỉnh")],
    }
    assert {d: v for d, v in by_day.items() if v} == expected
    # Each by e-mail and, for people with an account, in the bell.
    assert Delivery.objects.filter(obligation=q1, stage__code="due-day").count() == 2
    assert Delivery.objects.filter(obligation=q1, stage__code="overdue-parent", channel="inapp").count() == 0
    assert Notification.objects.filter(user=chain["users"]["reporter_tu_son"]).count() == 4
    assert Notification.objects.filter(user=chain["users"]["head_tu_son"], is_escalation=True).count() == 1


def test_the_email_gives_unit_report_period_due_date_days_and_link(chain, settings):
    settings.LANGUAGE_CODE = "en"  # e-mails are written in the site's language; English to read the wording
    run_day(datetime.date(2026, 4, 2))
    (message,) = [m for m in mail.outbox if "baocao@tuson.vn" in m.to]
    text = message.body
    assert "Phường Từ Sơn" in text and chain["form"].name in text and "Quarter I/2026" in text
    assert "07/04/2026" in text and "3 working day(s) left" in text
    link = f"https://qcdc.bacninh.gov.vn/reports/{chain['q1'].pk}/"
    assert link in text
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html and "Phường Từ Sơn" in html
    run_day(datetime.date(2026, 4, 8))
    escalation = [m for m in mail.outbox if "an@tuson.vn" in m.to][-1]
    assert "Overdue by 1 working day(s)" in escalation.body and "Overdue" in escalation.subject


def test_vietnamese_is_the_language_of_emails(chain, settings):
    settings.LANGUAGE_CODE = "vi"
    run_day(datetime.date(2026, 4, 2))
    (message,) = [m for m in mail.outbox if "baocao@tuson.vn" in m.to]
    # Whatever the translators' wording, it is theirs, not the English source (the tests run in English).
    with translation.override("vi"):
        left = gettext("%(n)d working day(s) left before the due date.") % {"n": 3}
        heading = gettext("Reminder: %(form)s, %(period)s, %(unit)s").split(":")[0]
    assert left != "3 working day(s) left before the due date." and left in message.body
    assert message.subject.startswith(f"[QCDC] {heading}:") and "07/04/2026" in message.body


def test_a_second_sweep_sends_nothing_twice(chain):
    run_day(DUE)
    count = len(mail.outbox)
    assert count > 0
    assert run_day(DUE)["sent"] == 0
    rows = Delivery.objects.count()
    sweep.sweep(today=DUE, publish=False)
    assert Delivery.objects.count() == rows
    assert len(mail.outbox) == count


def test_a_missed_week_sends_only_the_latest_reminder(chain):
    run_day(datetime.date(2026, 4, 6))
    assert sent_to(chain["q1"], "email") == [("before-1", "reporter_ts")]


def test_reminders_stop_once_the_report_is_submitted(chain):
    users, q1 = chain["users"], chain["q1"]
    run_day(datetime.date(2026, 3, 27))
    report = fill(q1, users["reporter_tu_son"])
    with time_machine.travel(datetime.datetime(2026, 3, 30, 9, 0, tzinfo=TZ), tick=False):
        services.report_submit(actor=users["head_tu_son"], report=report)
    for day in days(datetime.date(2026, 3, 28), datetime.date(2026, 4, 20)):
        run_day(day)
    stages = {code for code, _name in sent_to(q1)}
    assert stages == {"before-7", "filed"}  # and the committee was told of the filing


def test_a_stage_written_before_the_submission_is_not_sent_after_it(chain):
    users, q1 = chain["users"], chain["q1"]
    sweep.sweep(today=DUE, publish=False)
    waiting = list(Delivery.objects.filter(obligation=q1, status="pending").values_list("id", flat=True))
    report = fill(q1, users["reporter_tu_son"])
    services.report_submit(actor=users["head_tu_son"], report=report)
    sending.deliveries_send(waiting, today=DUE)
    assert set(Delivery.objects.filter(pk__in=waiting).values_list("status", flat=True)) == {"skipped"}


def test_a_returned_report_starts_its_short_ladder_and_an_accepted_one_gets_none(chain):
    users, q1 = chain["users"], chain["q1"]
    report = fill(q1, users["reporter_tu_son"])
    with time_machine.travel(datetime.datetime(2026, 4, 6, 9, 0, tzinfo=TZ), tick=False):
        services.report_submit(actor=users["head_tu_son"], report=report)
    for day in days(datetime.date(2026, 4, 6), datetime.date(2026, 4, 12)):
        run_day(day)
    with time_machine.travel(datetime.datetime(2026, 4, 13, 7, 0, tzinfo=TZ), tick=False):
        services.report_return(actor=users["staff"], report=report, reason="Bổ sung số liệu")
    for day in days(datetime.date(2026, 4, 13), datetime.date(2026, 4, 20)):
        run_day(day)
    assert sent_to(q1, "email") == [
        ("filed", "staff_bn"),
        ("returned", "reporter_ts"),  # on the day of the return (Mon 13/04)
        ("returned-late", "Nguyễn Văn An"),  # three working days later (Thu 16/04)
    ]
    returned = Delivery.objects.get(obligation=q1, stage__code="returned-late", channel="email")
    assert returned.sent_at.date() == datetime.date(2026, 4, 16) and returned.round == 1
    with time_machine.travel(datetime.datetime(2026, 4, 21, 9, 0, tzinfo=TZ), tick=False):
        report.refresh_from_db()
        services.report_submit(actor=users["head_tu_son"], report=report)  # approved again by the head
        services.report_accept(actor=users["staff"], report=report)
    before = Delivery.objects.filter(obligation=q1).count()
    for day in days(datetime.date(2026, 4, 21), datetime.date(2026, 5, 10)):
        run_day(day)
    after = list(Delivery.objects.filter(obligation=q1).order_by("id")[before:].values_list("stage__code", "status"))
    # Once accepted, the reporters are told so, once; no reminder follows.
    assert {code for code, _status in after} == {"accepted"}
    assert sent_to(q1, "email")[-1] == ("accepted", "reporter_ts")
    assert Delivery.objects.filter(obligation=q1, status="pending").count() == 0


def test_opting_out_stops_reminders_but_not_escalations(chain, client):
    users, q1 = chain["users"], chain["q1"]
    head = users["head_tu_son"]
    client.force_login(users["reporter_tu_son"])
    assert client.post("/profile/reminders/", {"mute_reminders": "on"}).status_code == 302
    client.force_login(head)
    assert client.post("/profile/reminders/", {"mute_reminders": "on"}).status_code == 302
    for day in days(datetime.date(2026, 3, 20), datetime.date(2026, 4, 10)):
        run_day(day)
    names = {name for _code, name in sent_to(q1)}
    assert "reporter_ts" not in names
    assert ("overdue-head", "Nguyễn Văn An") in sent_to(q1, "inapp")
    assert ("overdue-head", "Nguyễn Văn An") in sent_to(q1, "email")


def test_nobody_outside_the_units_chain_is_ever_addressed(chain):
    """Both sibling wards are overdue and every stage fires; each message goes to its own unit's chain."""
    people, users = chain["people"], chain["users"]
    chains = {
        chain["q1"].pk: {
            f"u{users['reporter_tu_son'].pk}",
            f"u{users['head_tu_son'].pk}",
            f"p{people['parent_head'].pk}",
            f"p{people['standing'].pk}",
            f"u{users['staff'].pk}",
        },
        chain["sibling"].pk: {
            f"u{users['reporter_dong_ngan'].pk}",
            f"p{people['sibling_head'].pk}",
            f"p{people['parent_head'].pk}",
            f"p{people['sibling_standing'].pk}",
            f"u{users['staff'].pk}",
        },
    }
    for day in days(datetime.date(2026, 3, 20), datetime.date(2026, 4, 20)):
        run_day(day)
    addressed = set(Delivery.objects.values_list("obligation_id", "recipient"))
    assert addressed, "the ladder sent nothing"
    for obligation_id, recipient in addressed:
        assert obligation_id in chains and recipient in chains[obligation_id], (obligation_id, recipient)
    # Everyone in each chain (except the staff, told only of filings) was reached.
    for obligation_id, members in chains.items():
        reached = {r for o, r in addressed if o == obligation_id}
        assert reached == members - {f"u{users['staff'].pk}"}
    outsiders = {"dong@dongngan.vn", "ngan@dongngan.vn", "thon@dongngan.vn", "do@bacninh.vn", "ha@hanoi.vn"}
    to_tu_son = {a for m in mail.outbox if f"/reports/{chain['q1'].pk}/" in m.body for a in m.to}
    assert to_tu_son and not to_tu_son & outsiders


def test_the_sweep_after_a_transition_stays_a_handful_of_queries(chain, django_assert_max_num_queries):
    """Every submission runs it on commit: the obligation, the stages, what is written, who is told, the
    insert, and queueing the new rows; a second run (nothing new) reads and writes nothing more."""
    users, q1 = chain["users"], chain["q1"]
    report = fill(q1, users["reporter_tu_son"])
    with time_machine.travel(datetime.datetime(2026, 4, 6, 9, 0, tzinfo=TZ), tick=False):
        services.report_submit(actor=users["head_tu_son"], report=report)  # on_commit does not run here
        with django_assert_max_num_queries(7):
            events.after_transition(report_id=report.pk, obligation_id=q1.pk, kind="submitted")
        assert sorted(Delivery.objects.filter(obligation=q1).values_list("stage__code", "channel")) == [
            ("filed", "email"),
            ("filed", "inapp"),
        ]
        with django_assert_max_num_queries(4):
            events.after_transition(report_id=report.pk, obligation_id=q1.pk, kind="submitted")
    assert Delivery.objects.filter(obligation=q1).count() == 2


def test_a_new_form_comes_with_the_default_ladder_at_once(db):
    """However a form is created, its first deadline or filing is not left waiting for the beat's sweep."""
    from reports.models import ReminderStage, ReportForm
    from reports.shipped import DEFAULT_STAGES

    form = ReportForm.objects.create(code="chuyen-de-moi", name="Báo cáo chuyên đề mới", kind="ad_hoc", title="Kết quả")
    codes = set(ReminderStage.objects.filter(form=form).values_list("code", flat=True))
    assert codes == {s.code for s in DEFAULT_STAGES}
    form.name = "Báo cáo chuyên đề (sửa)"
    form.save()  # a change adds nothing
    assert ReminderStage.objects.filter(form=form).count() == len(DEFAULT_STAGES)
