"""The bell, the notifications page, mark as read, the reminder log on the report's page and the profile's
preference: what the user sees, with query budgets that do not grow with the number of notifications."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from reports.models import Notification, ReminderPreference
from tests.reminders.conftest import TZ, sent_to
from tests.reminders.test_ladder import days, run_day
from units.models import AuditEvent


def notify(user, n: int, **fields) -> list[Notification]:
    return [
        Notification.objects.create(user=user, title=f"Nhắc nhở {i}", body="Phường Từ Sơn", url="/reports/1/", **fields)
        for i in range(n)
    ]


def bell_count(html: str) -> str | None:
    marker = 'id="nav-bell-count">'
    return html.split(marker, 1)[1].split("<", 1)[0] if marker in html else None


@pytest.mark.parametrize("n", [3, 30])
def test_the_bell_shows_the_unread_count_with_one_query(client, users, n, django_assert_max_num_queries):
    user = users["reporter_tu_son"]
    notify(user, 2, read_at=datetime.datetime(2026, 4, 1, tzinfo=TZ))
    notify(user, n)  # newer: the first page shows them first
    notify(users["reporter_dong_ngan"], 5)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("reports:notifications")).content.decode()
    assert bell_count(html) == str(n)
    assert html.count("notification-unread") == min(n, 25)


def test_the_bell_costs_one_query(client, users, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    notify(users["reporter_tu_son"], 4)
    request = RequestFactory().get("/")
    request.user = users["reporter_tu_son"]
    template = Template("{% include 'reports/_nav_bell.html' %}{% include 'reports/_nav_bell.html' %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"request": request, "user": request.user}))
    assert bell_count(html) == "4"


def test_on_a_phone_the_bell_and_its_count_stay_in_the_top_bar(client, users):
    """Below 1200 px the menu collapses; a second, compact bell beside the menu button keeps the count in sight."""
    notify(users["reporter_tu_son"], 2)
    client.force_login(users["reporter_tu_son"])
    html = client.get(reverse("home")).content.decode()
    compact = html.split('id="nav-bell-compact"', 1)[1].split("</a>", 1)[0]
    assert 'id="nav-bell-compact-count">2<' in compact
    assert html.index('id="nav-bell-compact"') < html.index('class="navbar-toggler"') < html.index('id="nav-bell"')


def test_no_unread_no_badge(client, users):
    client.force_login(users["reporter_tu_son"])
    html = client.get(reverse("reports:notifications")).content.decode()
    assert 'id="nav-bell"' in html and bell_count(html) is None


def test_mark_one_and_all_read(client, users, django_assert_max_num_queries):
    user = users["reporter_tu_son"]
    first, *rest = notify(user, 4)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.post(reverse("reports:notification_read", args=[first.pk]), {"next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert bell_count(client.get(reverse("reports:notifications")).content.decode()) == "3"
    unread_page = client.get(reverse("reports:notifications"), {"unread": "1"}).content.decode()
    assert f'data-id="{first.pk}"' not in unread_page and f'data-id="{rest[0].pk}"' in unread_page
    opened = client.post(reverse("reports:notification_read", args=[rest[0].pk]), {"open": "1"})
    assert opened["Location"] == "/reports/1/"
    client.post(reverse("reports:notification_read_all"))
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 0
    assert bell_count(client.get(reverse("reports:notifications")).content.decode()) is None


def test_another_users_notification_is_a_404(client, users):
    (theirs,) = notify(users["reporter_dong_ngan"], 1)
    client.force_login(users["reporter_tu_son"])
    assert client.post(reverse("reports:notification_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_needs_post_with_csrf(users):
    from django.test import Client

    (mine,) = notify(users["reporter_tu_son"], 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["reporter_tu_son"])
    assert client.get(reverse("reports:notification_read", args=[mine.pk])).status_code == 405
    assert client.post(reverse("reports:notification_read", args=[mine.pk])).status_code == 403


def test_the_notifications_page_needs_a_login(client, db):
    response = client.get(reverse("reports:notifications"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_profile_turns_reminders_off_and_on_and_records_it(client, users):
    user = users["reporter_tu_son"]
    client.force_login(user)
    page = client.get(reverse("api:profile")).content.decode()
    assert 'id="mute-reminders"' in page and 'id="mute-reminders" checked' not in page
    client.post(reverse("reports:reminder_preference"), {"mute_reminders": "on"})
    assert ReminderPreference.objects.get(user=user).mute_reminders
    assert 'checked aria-describedby="mute-help"' in client.get(reverse("api:profile")).content.decode()
    client.post(reverse("reports:reminder_preference"), {})
    assert not ReminderPreference.objects.get(user=user).mute_reminders
    assert AuditEvent.objects.filter(actor=user, action__startswith="reminders.").count() == 2


def test_the_report_page_shows_the_log_within_its_budget(chain, client, django_assert_max_num_queries, english):
    q1 = chain["q1"]
    for day in days(datetime.date(2026, 3, 20), datetime.date(2026, 4, 10)):
        run_day(day)
    client.force_login(chain["users"]["staff"])
    url = reverse("reports:report_detail", args=[q1.pk])
    with (
        time_machine.travel(datetime.datetime(2026, 4, 10, 10, 0, tzinfo=TZ), tick=False),
        django_assert_max_num_queries(20),
    ):
        html = client.get(url).content.decode()
    summary = html.split('id="reminder-summary">', 1)[1].split("</p>", 1)[0]
    assert "Reminded 4 times" in summary
    assert "escalated to <strong>Nguyễn Văn An</strong>, head of unit, on 08/04" in summary
    assert "escalated to <strong>Trần Tỉnh</strong>, head of the unit above, on 10/04" in summary
    assert "<strong>Lê Thường Trực</strong>, standing member of the steering committee, on 10/04" in summary


def test_the_log_is_not_shown_to_a_sibling_unit(chain, client):
    run_day(datetime.date(2026, 4, 8))
    client.force_login(chain["users"]["reporter_dong_ngan"])
    assert client.get(reverse("reports:report_detail", args=[chain["q1"].pk])).status_code == 404


def test_the_log_counts_only_what_was_sent_and_not_the_committees_notice(chain, client, english):
    from reports import services
    from reports.reminders import sweep
    from tests.reports.conftest import fill

    users, q1 = chain["users"], chain["q1"]
    client.force_login(users["staff"])
    url = reverse("reports:report_detail", args=[q1.pk])
    sweep.sweep(today=datetime.date(2026, 4, 6), publish=False)  # written, not yet sent
    assert 'data-testid="reminder-log"' not in client.get(url).content.decode()
    run_day(datetime.date(2026, 4, 6))
    report = fill(q1, users["reporter_tu_son"])
    with time_machine.travel(datetime.datetime(2026, 4, 6, 10, 0, tzinfo=TZ), tick=False):
        services.report_submit(actor=users["head_tu_son"], report=report)
    run_day(datetime.date(2026, 4, 7))  # the committee is told of the filing; that is not a reminder
    assert ("filed", "staff_bn") in sent_to(q1)
    html = client.get(url).content.decode()
    summary = html.split('id="reminder-summary">', 1)[1].split("</p>", 1)[0]
    assert summary == "Reminded 1 time."  # the reminder of 06/04, not the filing notice of 07/04
