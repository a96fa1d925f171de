"""Period bounds and due dates, table-tested across Tết 2025 and 2026 and across year ends."""

import datetime

import pytest

from reports import periods

D = datetime.date


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
        # the province of DOMAIN.md: from the 15th of the month before to the 14th
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


def test_period_containing_a_day():
    assert periods.period_containing("quarter", D(2026, 2, 20)).index == 1
    p = periods.period_containing("month", D(2025, 12, 20), cutoff_day=14)
    assert (p.year, p.index) == (2026, 1)
    assert periods.period_containing("half", D(2026, 8, 1)) is None


@pytest.mark.parametrize(
    ("place", "day", "text"),
    [
        ("Từ Sơn", D(2026, 2, 5), "Từ Sơn, ngày 05 tháng 02 năm 2026"),
        ("Từ Sơn", D(2026, 3, 15), "Từ Sơn, ngày 15 tháng 3 năm 2026"),
        ("Bắc Ninh", D(2026, 12, 1), "Bắc Ninh, ngày 01 tháng 12 năm 2026"),
        ("", D(2026, 1, 10), "Ngày 10 tháng 01 năm 2026"),
    ],
)
def test_document_date_line(place, day, text):
    assert periods.document_date_vi(place, day) == text


def test_working_days_count_backwards_across_tet_too():
    """The reminders' "7 working days before the due date": Tết 2026 (16–20/02, the week-end around it)
    and the week-ends are skipped going back as going forward."""
    assert periods.add_working_days(D(2026, 2, 24), -1) == D(2026, 2, 23)
    assert periods.add_working_days(D(2026, 2, 23), -1) == D(2026, 2, 13)  # back over Tết
    assert periods.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert periods.add_working_days(D(2026, 3, 2), -7) == D(2026, 2, 12)  # 27, 26, 25, 24, 23/02, then 13, 12/02
