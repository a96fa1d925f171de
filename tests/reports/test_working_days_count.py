"""Working days are counted by arithmetic (weekdays by formula, less the holidays on weekdays, plus the
weekends worked, from a sorted table); this holds the count to the plain definition, day by day, for
spans Hypothesis draws: across Tết, year ends and the ends of the years the holiday list covers, with
swapped days of every kind (a Saturday worked, a weekday given off, a holiday worked)."""

import datetime
import functools

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import periods

D = datetime.date
FIRST, LAST = periods.HOLIDAY_YEARS


@functools.cache
def _holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("VN", years=year)) if FIRST <= year <= LAST else frozenset()


HOLIDAYS = sorted(d for year in range(2023, 2030) for d in _holidays(year))


def _is_working(day: datetime.date, overrides: dict) -> bool:
    """The definition: Monday to Friday less the public holidays, unless the government swapped the day."""
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5 and day not in _holidays(day.year)


def _day_by_day(start: datetime.date, end: datetime.date, overrides: dict) -> int:
    low, high, sign = (start, end, 1) if end >= start else (end, start, -1)
    days = ((low + datetime.timedelta(days=i + 1)) for i in range((high - low).days))
    return sign * sum(_is_working(d, overrides) for d in days)


def _around(year: int, days: int = 500):
    middle = D(year, 1, 1)
    return st.dates(middle - datetime.timedelta(days=days), middle + datetime.timedelta(days=days))


days = st.one_of(st.dates(D(2023, 1, 1), D(2029, 12, 31)), st.sampled_from(HOLIDAYS), _around(FIRST), _around(LAST + 1))
swapped = st.dictionaries(
    st.one_of(st.dates(D(2023, 1, 1), D(2029, 12, 31)), st.sampled_from(HOLIDAYS), _around(FIRST, 30)),
    st.booleans(),
    max_size=25,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overrides=swapped, start=days, span=st.integers(-900, 900))
def test_the_count_by_arithmetic_is_the_count_day_by_day(overrides, start, span):
    end = start + datetime.timedelta(days=span)
    cal = periods.WorkingCalendar(overrides)
    assert periods.working_days_between(start, end, cal) == _day_by_day(start, end, overrides)


@settings(max_examples=200, deadline=None)
@given(overrides=swapped, pairs=st.lists(st.tuples(days, st.integers(-400, 400)), min_size=2, max_size=8))
def test_one_calendar_counts_right_whatever_spans_it_was_asked_before(overrides, pairs):
    """The table grows with the years asked for: a count after others over other years is still right."""
    cal = periods.WorkingCalendar(overrides)
    for start, span in pairs:
        end = start + datetime.timedelta(days=span)
        assert cal.count(start, end) == max(_day_by_day(start, end, overrides), 0)


@settings(max_examples=200, deadline=None)
@given(overrides=swapped, today=days, due=days)
def test_days_left_and_days_late_follow_the_same_definition(overrides, today, due):
    """0 on the due date; before it the working days left; after it minus the working days late, a day off
    counting as the working day after it."""
    cal = periods.WorkingCalendar(overrides)
    if today <= due:
        expected = _day_by_day(today, due, overrides)
    else:
        first_working = today
        while not _is_working(first_working, overrides):
            first_working += datetime.timedelta(days=1)
        expected = -_day_by_day(due, first_working, overrides)
    assert periods.working_days_left(today, due, cal) == expected
