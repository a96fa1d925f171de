"""Period bounds, due dates and working days, table-tested across Tết 2025 and 2026, the swapped days
the government announced and year ends."""

import datetime
import random

import pytest

from reports import periods

D = datetime.date

# The working calendar reads the swapped days shipped with QCDC from the database.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("period_type", "year", "index", "cutoff", "start", "end"),
    [
        # calendar periods
        ("month", 2026, 1, 0, D(2026, 1, 1), D(2026, 1, 31)),
        ("month", 2024, 2, 0, D(2024, 2, 1), D(2024, 2, 29)),  # leap year
        ("month", 2026, 12, 0, D(2026, 12, 1), D(2026, 12, 31)),
        ("quarter", 2026, 1, 0, D(2026, 1, 1), D(2026, 3, 31)),
        ("quarter", 2026, 4, 0, D(2026, 10, 1), D(2026, 12, 31)),
        ("half", 2026, 1, 0, D(2026, 1, 1), D(2026, 6, 30)),
        ("nine_months", 2026, 1, 0, D(2026, 1, 1), D(2026, 9, 30)),
        ("year", 2026, 1, 0, D(2026, 1, 1), D(2026, 12, 31)),
        # a province whose cut-off runs from the 15th of the month before to the 14th
        ("month", 2026, 1, 14, D(2025, 12, 15), D(2026, 1, 14)),  # across the year end
        ("month", 2026, 3, 14, D(2026, 2, 15), D(2026, 3, 14)),
        ("month", 2026, 12, 14, D(2026, 11, 15), D(2026, 12, 14)),
        ("quarter", 2026, 1, 14, D(2025, 12, 15), D(2026, 3, 14)),
        ("quarter", 2026, 2, 14, D(2026, 3, 15), D(2026, 6, 14)),
        ("half", 2026, 1, 14, D(2025, 12, 15), D(2026, 6, 14)),
        ("nine_months", 2026, 1, 14, D(2025, 12, 15), D(2026, 9, 14)),
        ("year", 2026, 1, 14, D(2025, 12, 15), D(2026, 12, 14)),
    ],
)
def test_period_bounds(period_type, year, index, cutoff, start, end):
    period = periods.period_bounds(period_type, year, index, cutoff)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("cutoff", [0, 14, 25])
@pytest.mark.parametrize("period_type", ["month", "quarter"])
def test_periods_of_a_year_tile_it_without_gap_or_overlap(period_type, cutoff):
    for year in (2025, 2026):
        days = periods.periods_of_year(period_type, year, cutoff)
        for before, after in zip(days, days[1:], strict=False):
            assert after.start == before.end + datetime.timedelta(days=1)
        following = periods.periods_of_year(period_type, year + 1, cutoff)[0]
        assert following.start == days[-1].end + datetime.timedelta(days=1)


def test_a_period_that_does_not_exist_is_refused():
    with pytest.raises(ValueError):
        periods.period_bounds("quarter", 2026, 5)
    with pytest.raises(ValueError):
        periods.period_bounds("half", 2026, 2)
    with pytest.raises(ValueError):
        periods.period_bounds("month", 2026, 1, cutoff_day=31)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 1, 27), False),  # Tết 2025: 27/01 to 31/01 (Monday to Friday)
        (D(2025, 1, 31), False),
        (D(2025, 2, 3), True),  # back at work on Monday 03/02
        (D(2026, 2, 16), False),  # Tết 2026: 16/02 to 20/02
        (D(2026, 2, 20), False),
        (D(2026, 2, 23), True),
        (D(2026, 1, 1), False),  # New Year
        (D(2025, 9, 1), False),  # National Day
        (D(2025, 9, 2), False),
        (D(2026, 4, 27), False),  # Hùng Kings, observed on the Monday
        (D(2026, 3, 7), False),  # a Saturday
        (D(2026, 3, 9), True),
        (D(2025, 4, 26), True),  # Saturday worked in exchange for Friday 02/05/2025
        (D(2025, 5, 2), False),
        (D(2026, 8, 22), True),  # Saturday worked in exchange for Monday 31/08/2026 (National Day)
        (D(2026, 8, 31), False),
        (D(2026, 8, 29), False),  # the other Saturday of that bridge stays a day off
    ],
)
def test_working_days_know_vietnamese_holidays(day, working):
    assert periods.is_working_day(day) is working


@pytest.mark.parametrize(
    ("end", "n", "due"),
    [
        (D(2025, 1, 24), 2, D(2025, 2, 4)),  # Friday before Tết 2025: Tết week skipped
        (D(2025, 1, 14), 2, D(2025, 1, 16)),
        (D(2025, 12, 31), 2, D(2026, 1, 5)),  # year end: 01/01 and the weekend skipped
        (D(2025, 12, 31), 5, D(2026, 1, 8)),
        (D(2026, 1, 31), 5, D(2026, 2, 6)),  # January 2026 report, before Tết
        (D(2026, 2, 14), 2, D(2026, 2, 24)),  # the 14th cut-off falls on Tết 2026
        (D(2026, 2, 13), 5, D(2026, 2, 27)),  # Friday before Tết 2026
        (D(2026, 3, 31), 5, D(2026, 4, 7)),  # first quarter 2026
        (D(2026, 12, 14), 2, D(2026, 12, 16)),  # annual report with the 14th cut-off
        (D(2026, 12, 31), 10, D(2027, 1, 15)),  # annual report, calendar year, across 01/01/2027
        (D(2026, 3, 31), 0, D(2026, 3, 31)),
        # The working Saturdays bring the due date one day earlier than weekends alone would.
        (D(2025, 4, 25), 2, D(2025, 4, 28)),  # 26/04 (Saturday, worked) and 28/04
        (D(2026, 8, 21), 2, D(2026, 8, 24)),  # 22/08 (Saturday, worked) and 24/08
        (D(2026, 8, 21), 6, D(2026, 8, 28)),  # 22 and 24–28/08
        (D(2026, 8, 21), 7, D(2026, 9, 3)),  # then 31/08–02/09 off
    ],
)
def test_due_date_counts_working_days_after_the_period(end, n, due):
    assert periods.due_date(end, n) == due


@pytest.mark.parametrize(
    ("today", "due", "left"),
    [
        (D(2026, 2, 13), D(2026, 2, 24), 2),  # Friday before Tết: only 23 and 24 count
        (D(2026, 2, 24), D(2026, 2, 24), 0),
        (D(2026, 2, 25), D(2026, 2, 24), -1),
        (D(2026, 3, 2), D(2026, 2, 24), -4),
        (D(2025, 12, 31), D(2026, 1, 5), 2),  # 02/01 and 05/01; 01/01 is a holiday
    ],
)
def test_working_days_left(today, due, left):
    assert periods.working_days_between(today, due) == left
    assert periods.working_days_left(today, due) == left


@pytest.mark.parametrize(
    ("due", "day", "late"),
    [
        (D(2026, 12, 18), D(2026, 12, 18), 0),  # filed on the due date (a Friday)
        (D(2026, 12, 18), D(2026, 12, 10), 0),
        (D(2026, 12, 18), D(2026, 12, 19), 1),  # the Saturday after counts as the Monday
        (D(2026, 12, 18), D(2026, 12, 21), 1),
        (D(2026, 12, 18), D(2026, 12, 28), 6),
        (D(2026, 2, 13), D(2026, 2, 23), 1),  # across Tết 2026: only 23/02 counts
        (D(2026, 8, 21), D(2026, 8, 22), 1),  # the Saturday worked is a working day late
        (D(2026, 8, 28), D(2026, 9, 3), 1),  # 29/08–02/09 off: 03/09 is the first working day late
    ],
)
def test_working_days_late_round_a_day_off_up_to_the_next_working_day(due, day, late):
    assert periods.working_days_late(due, day) == late
    if day >= due:
        assert periods.working_days_left(day, due) == -late


def _count_day_by_day(cal, start, end):
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += cal.is_working_day(day)
    return count


def test_the_arithmetic_count_agrees_with_counting_day_by_day():
    """Random spans over 2024–2028, with swapped days of both kinds (on weekdays, weekends and holidays)."""
    overrides = {
        D(2025, 4, 26): True,
        D(2025, 5, 2): False,
        D(2026, 8, 22): True,
        D(2026, 8, 31): False,
        D(2026, 2, 17): True,  # a holiday made a working day
        D(2027, 3, 10): False,  # an ordinary Wednesday given off
        D(2027, 3, 14): True,  # a Sunday worked
    }
    cal = periods.WorkingCalendar(overrides)
    rng = random.Random(17)
    for _ in range(400):
        start = D(2024, 1, 1) + datetime.timedelta(days=rng.randrange(5 * 365))
        end = start + datetime.timedelta(days=rng.randrange(-400, 400))
        expected = _count_day_by_day(cal, start, end) if end >= start else -_count_day_by_day(cal, end, start)
        assert periods.working_days_between(start, end, cal) == expected, (start, end)


def test_a_span_of_thousands_of_years_is_counted_without_walking_it():
    """Outside the package's years only weekends count; the count is a formula, not a walk over 3 million days."""
    cal = periods.WorkingCalendar()
    assert cal.count(D(1000, 1, 1), D(1000, 1, 8)) == 5  # 01/01/1000 was a Wednesday: 2–3, 6–8
    start, end = D(1000, 1, 1), D(9999, 12, 31)
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    weekdays = weeks * 5 + sum(
        (start + datetime.timedelta(days=7 * weeks + i)).weekday() < 5 for i in range(1, rest + 1)
    )
    weekday_holidays = sum(
        d.weekday() < 5
        for year in range(periods.HOLIDAY_YEARS[0], periods.HOLIDAY_YEARS[1] + 1)
        for d in periods._holidays_of(year)
    )
    assert periods.working_days_between(start, end, cal) == weekdays - weekday_holidays
