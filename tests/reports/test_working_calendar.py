"""The government's calendar: staff enter the swapped days, the due dates not yet passed follow in the
same transaction (audited), and filed reports keep the due date they were judged against."""

import datetime

import holidays
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reports import generation, periods, services
from reports.calendar import days
from reports.models import CalendarDay, Obligation
from tests.factories import make_user
from tests.reports.conftest import TZ, fill
from units.models import AuditEvent, RoleGrant

pytestmark = pytest.mark.django_db
D = datetime.date
# Wednesday 01/04/2026: the first quarter (ends 31/03) is due 5 working days later, Tuesday 07/04.
FIRST_OF_APRIL = datetime.datetime(2026, 4, 1, 9, 0, tzinfo=TZ)


@pytest.fixture
def national_staff(tree):
    return make_user("staff_vn", role=RoleGrant.Role.STAFF, unit=tree["nation"])


@pytest.fixture
def first_quarter(quarterly, tree):
    generation.obligations_generate(form=quarterly, year=2025)
    generation.obligations_generate(form=quarterly, year=2026)
    return lambda unit, year=2026, index=1: Obligation.objects.get(
        form=quarterly, unit=unit, year=year, period_index=index
    )


def test_the_shipped_calendar_holds_the_announced_working_saturdays():
    worked = dict(CalendarDay.objects.values_list("day", "is_working"))
    assert worked[D(2025, 4, 26)] is True and worked[D(2025, 5, 2)] is False
    assert worked[D(2026, 8, 22)] is True and worked[D(2026, 8, 31)] is False
    assert all(d.weekday() == 5 for d, working in worked.items() if working)


@time_machine.travel(FIRST_OF_APRIL, tick=False)
def test_a_working_saturday_brings_unfiled_due_dates_forward_and_filed_reports_keep_theirs(
    first_quarter, tree, users, national_staff
):
    head = users["head_tu_son"]
    services.report_submit(actor=head, report=fill(first_quarter(tree["tu_son"]), head))
    assert first_quarter(tree["dong_ngan"]).due_date == D(2026, 4, 7)

    # Saturday 04/04 worked: 01, 02, 03, 04 and 06/04 are the 5 working days after 31/03.
    row, moved = days.calendar_day_set(
        actor=national_staff, day=D(2026, 4, 4), is_working=True, reason="Làm bù cho thứ Hai 20/04/2026"
    )
    assert moved == 1
    assert first_quarter(tree["dong_ngan"]).due_date == D(2026, 4, 6)
    assert first_quarter(tree["tu_son"]).due_date == D(2026, 4, 7)  # filed on 01/04: judged by 07/04
    assert periods.is_working_day(D(2026, 4, 4))
    assert periods.working_days_left(D(2026, 4, 1), D(2026, 4, 6)) == 4
    event = AuditEvent.objects.get(action="calendar.day_set")
    assert (event.actor, event.object_id, event.data["due_dates_moved"]) == (national_staff, row.pk, 1)

    days.calendar_day_remove(actor=national_staff, row=row)
    assert first_quarter(tree["dong_ngan"]).due_date == D(2026, 4, 7)
    assert not periods.is_working_day(D(2026, 4, 4))
    assert AuditEvent.objects.filter(action="calendar.day_removed", actor=national_staff).count() == 1


@time_machine.travel(FIRST_OF_APRIL, tick=False)
def test_a_due_date_already_passed_does_not_move(first_quarter, tree, national_staff):
    last_quarter = first_quarter(tree["tu_son"], year=2025, index=4)  # due 08/01/2026, never filed
    assert last_quarter.due_date == D(2026, 1, 8)
    days.calendar_day_set(actor=national_staff, day=D(2026, 1, 3), is_working=True, reason="Làm bù")
    assert first_quarter(tree["tu_son"], year=2025, index=4).due_date == D(2026, 1, 8)


@time_machine.travel(FIRST_OF_APRIL, tick=False)
def test_a_weekday_given_off_pushes_the_due_date_back(first_quarter, tree, national_staff):
    days.calendar_day_set(actor=national_staff, day=D(2026, 4, 3), is_working=False, reason="Nghỉ bù")
    assert first_quarter(tree["tu_son"]).due_date == D(2026, 4, 8)


def test_only_national_staff_keep_the_calendar(tree, users):
    with pytest.raises(PermissionDenied):
        days.calendar_day_set(actor=users["staff"], day=D(2026, 4, 4), is_working=True, reason="x")
    assert not CalendarDay.objects.filter(day=D(2026, 4, 4)).exists()


@time_machine.travel(FIRST_OF_APRIL, tick=False)
def test_the_admin_page_enters_a_swapped_day_and_the_due_dates_follow(client, first_quarter, tree, users):
    national_admin = users["admin"]
    national_admin.is_staff = True
    national_admin.save()
    client.force_login(national_admin)
    add = reverse("admin:reports_calendarday_add")
    response = client.post(add, {"day": "04/04/2026", "is_working": "on", "reason": "Làm bù"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert first_quarter(tree["tu_son"]).due_date == D(2026, 4, 6)
    assert AuditEvent.objects.filter(action="calendar.day_set", actor=national_admin).exists()
    # A weekday made "a working day" means nothing and is refused with a message.
    response = client.post(add, {"day": "07/04/2026", "is_working": "on", "reason": "?"})
    assert response.status_code == 200 and not CalendarDay.objects.filter(day=D(2026, 4, 7)).exists()


def test_provincial_staff_may_not_open_the_calendar_in_the_admin(client, users):
    staff = users["staff"]
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:reports_calendarday_add")).status_code == 403


@time_machine.travel(FIRST_OF_APRIL, tick=False)
def test_national_staff_enter_and_remove_a_swapped_day_on_the_calendar_page(
    client, first_quarter, tree, national_staff
):
    client.force_login(national_staff)
    url = reverse("reports:working_calendar")
    page = client.get(url, {"year": 2026}).content.decode()
    assert "Lunar New Year" in page and 'data-swapped="2026-08-22"' in page  # the shipped swap
    response = client.post(url, {"day": "2026-04-04", "is_working": "1", "reason": "Làm bù cho thứ Hai 20/04"})
    assert response.status_code == 302
    assert first_quarter(tree["dong_ngan"]).due_date == D(2026, 4, 6)
    page = client.get(response.url).content.decode()
    assert 'data-swapped="2026-04-04"' in page and "Làm bù cho thứ Hai 20/04" in page
    assert "2 due dates follow the new calendar." in page  # both wards' first quarter
    row = CalendarDay.objects.get(day=D(2026, 4, 4))
    assert row.updated_by == national_staff
    # A Saturday cannot be "given off": it already is.
    refused = client.post(url, {"day": "2026-04-11", "is_working": "0", "reason": "?"})
    assert refused.status_code == 200 and "already a day off" in refused.content.decode()
    assert client.post(url, {"remove": row.pk}).status_code == 302
    assert first_quarter(tree["dong_ngan"]).due_date == D(2026, 4, 7)


def test_others_read_the_calendar_but_may_not_change_it(client, settings, tree, users):
    url = reverse("reports:working_calendar")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(users["staff"])  # Bắc Ninh's staff: the calendar is the whole country's
    page = client.get(url, {"year": 2025}).content.decode()
    assert 'data-swapped="2025-04-26"' in page and 'name="reason"' not in page and 'name="remove"' not in page
    assert client.post(url, {"day": "2026-04-04", "is_working": "1", "reason": "x"}).status_code == 403
    row = CalendarDay.objects.get(day=D(2025, 4, 26))
    assert client.post(url, {"remove": row.pk}).status_code == 403
    assert CalendarDay.objects.filter(pk=row.pk).exists() and not CalendarDay.objects.filter(day=D(2026, 4, 4)).exists()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    page = client.get(url, {"year": 2026}).content.decode()
    assert "Lịch làm việc năm 2026" in page and "Tết Nguyên Đán" in page and "ngày làm việc (làm bù)" in page


def test_the_calendar_page_costs_the_same_with_more_swapped_days(client, national_staff, django_assert_max_num_queries):
    client.force_login(national_staff)
    url = reverse("reports:working_calendar")
    for n in (1, 20):
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(day=D(2027, 1, 2) + datetime.timedelta(days=7 * i), is_working=True, reason="Làm bù")
                for i in range(n)
            ],
            ignore_conflicts=True,
        )
        with django_assert_max_num_queries(8):
            assert client.get(url, {"year": 2027}).status_code == 200


def test_the_hourly_run_writes_due_dates_from_the_calendar_as_it_is_now(quarterly, tree):
    """This process read the calendar before another one (a web worker) entered Saturday 04/04/2026."""
    assert periods.due_date(D(2026, 3, 31), 5) == D(2026, 4, 7)
    CalendarDay.objects.create(day=D(2026, 4, 4), is_working=True, reason="Làm bù")  # as the other process left it
    generation.obligations_open_upcoming(today=D(2026, 4, 1))
    assert Obligation.objects.get(unit=tree["tu_son"], year=2026, period_index=1).due_date == D(2026, 4, 6)


def test_the_calendar_of_another_year_counts_that_years_working_days_under_its_name(client, settings, users):
    client.force_login(users["staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    year = 2027  # no swapped day is shipped for it: Mondays to Fridays less the public holidays
    off = set(holidays.country_holidays("VN", years=year))
    days = (D(year, 1, 1) + datetime.timedelta(days=i) for i in range(365))
    expected = sum(1 for d in days if d.weekday() < 5 and d not in off)
    page = client.get(reverse("reports:working_calendar"), {"year": year}).content.decode()
    assert f"Năm {year} có {expected} ngày làm việc." in page
    assert "Năm nay" not in page


def test_a_swapped_day_the_holiday_list_also_knows_is_listed_once(client, users):
    client.force_login(users["staff"])
    page = client.get(reverse("reports:working_calendar"), {"year": 2026}).content.decode()
    rows = [row for row in page.split("<tr")[1:] if "31/08/2026" in row.split("</td>", 1)[0]]
    assert len(rows) == 1 and 'data-swapped="2026-08-31"' in rows[0]
