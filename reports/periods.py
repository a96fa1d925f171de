"""Report periods and due dates: pure functions, no database.

A form's period type says how long a period is (a month, a quarter, the first 6 or 9 months of the
year, the year); its cut-off day says where periods are cut. With cut-off 0 periods are calendar
periods (1/1–31/3). With cut-off N each period ends on day N of its last month and starts the day
after day N of the month before its first month: with N = 14 the first quarter of 2026 runs from
15/12/2025 to 14/03/2026, the year 2026 from 15/12/2025 to 14/12/2026.

6-month, 9-month and annual periods count from the start of the year (one of each per year), as
Vietnamese reports do (*6 tháng đầu năm*, *9 tháng*, *năm*).

A report is due a number of working days after its period's end: Monday to Friday, less the public
holidays of Vietnam (Tết moves with the lunar calendar; the ``holidays`` package knows the dates).
"""

import calendar
import datetime
import functools
from dataclasses import dataclass

import holidays
from django.utils.translation import gettext as _

MONTH = "month"
QUARTER = "quarter"
HALF = "half"
NINE_MONTHS = "nine_months"
YEAR = "year"

MONTHS = {MONTH: 1, QUARTER: 3, HALF: 6, NINE_MONTHS: 9, YEAR: 12}
PER_YEAR = {MONTH: 12, QUARTER: 4, HALF: 1, NINE_MONTHS: 1, YEAR: 1}
CUMULATIVE = {HALF, NINE_MONTHS, YEAR}  # counted from the start of the year
MAX_CUTOFF_DAY = 28
ROMAN = ["I", "II", "III", "IV"]


@dataclass(frozen=True)
class Period:
    period_type: str
    year: int
    index: int
    start: datetime.date
    end: datetime.date


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_bounds(period_type: str, year: int, index: int, cutoff_day: int = 0) -> Period:
    """The first and last day of data of period ``index`` (1-based) of ``year``."""
    if period_type not in MONTHS:
        raise ValueError(f"unknown period type {period_type!r}")
    if not 1 <= index <= PER_YEAR[period_type]:
        raise ValueError(f"{period_type} has no period {index} in a year")
    if not 0 <= cutoff_day <= MAX_CUTOFF_DAY:
        raise ValueError(f"cut-off day must be 0 (calendar) or 1–{MAX_CUTOFF_DAY}")
    months = MONTHS[period_type]
    if period_type in CUMULATIVE:
        first_month, last_month = 1, months
    else:
        first_month, last_month = (index - 1) * months + 1, index * months
    if cutoff_day == 0:
        start, end = datetime.date(year, first_month, 1), _month_end(year, last_month)
    else:
        before_year, before_month = (year, first_month - 1) if first_month > 1 else (year - 1, 12)
        start = datetime.date(before_year, before_month, cutoff_day) + datetime.timedelta(days=1)
        end = datetime.date(year, last_month, cutoff_day)
    return Period(period_type, year, index, start, end)


def periods_of_year(period_type: str, year: int, cutoff_day: int = 0) -> list[Period]:
    return [period_bounds(period_type, year, i, cutoff_day) for i in range(1, PER_YEAR[period_type] + 1)]


def period_containing(period_type: str, day: datetime.date, cutoff_day: int = 0) -> Period | None:
    """The period whose data bounds hold ``day`` (None in the months a cumulative period does not cover)."""
    for year in (day.year, day.year + 1):
        for period in periods_of_year(period_type, year, cutoff_day):
            if period.start <= day <= period.end:
                return period
    return None


@functools.lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("VN", years=year))


def holiday_name(day: datetime.date) -> str | None:
    return holidays.country_holidays("VN", years=day.year).get(day)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day after ``day`` (before it when ``n`` is negative; ``day`` itself when 0)."""
    step = datetime.timedelta(days=1 if n >= 0 else -1)
    n = abs(n)
    while n:
        day += step
        if is_working_day(day):
            n -= 1
    return day


def due_date(period_end: datetime.date, working_days: int) -> datetime.date:
    return add_working_days(period_end, working_days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is before ``start``.

    From today to a due date this is "working days left": 0 on the due date itself, 1 on the working
    day before, -1 the first working day after it.
    """
    if end == start:
        return 0
    sign, low, high = (1, start, end) if end > start else (-1, end, start)
    count, day = 0, low
    while day < high:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return sign * count


def period_label(period_type: str, year: int, index: int) -> str:
    """How the period is named on screen, e.g. "Quarter I/2026" (translated)."""
    if period_type == MONTH:
        return _("Month %(index)d/%(year)d") % {"index": index, "year": year}
    if period_type == QUARTER:
        return _("Quarter %(roman)s/%(year)d") % {"roman": ROMAN[index - 1], "year": year}
    if period_type == HALF:
        return _("First 6 months of %(year)d") % {"year": year}
    if period_type == NINE_MONTHS:
        return _("9 months of %(year)d") % {"year": year}
    return _("Year %(year)d") % {"year": year}


def period_label_vi(period_type: str, year: int, index: int) -> str:
    """The period as an official document names it; documents are always in Vietnamese."""
    if period_type == MONTH:
        return f"tháng {index} năm {year}"
    if period_type == QUARTER:
        return f"quý {ROMAN[index - 1]} năm {year}"
    if period_type == HALF:
        return f"6 tháng đầu năm {year}"
    if period_type == NINE_MONTHS:
        return f"9 tháng năm {year}"
    return f"năm {year}"


def document_date_vi(place: str, day: datetime.date) -> str:
    """The place-and-date line of a document: "Từ Sơn, ngày 05 tháng 02 năm 2026".

    Decree 30/2020/NĐ-CP: days below 10 and the months 1 and 2 take a leading zero.
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()
