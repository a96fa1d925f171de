"""Report periods, due dates and working days.

A form's period type says how long a period is (a month, a quarter, the first 6 or 9 months of the
year, the year); its cut-off day says where periods are cut. With cut-off 0 periods are calendar
periods (1/1–31/3). With cut-off N each period ends on day N of its last month and starts the day
after day N of the month before its first month: with N = 14 the first quarter of 2026 runs from
15/12/2025 to 14/03/2026, the year 2026 from 15/12/2025 to 14/12/2026.

6-month, 9-month and annual periods count from the start of the year (one of each per year), as
Vietnamese reports do (*6 tháng đầu năm*, *9 tháng*, *năm*).

A report is due a number of working days after its period's end: Monday to Friday, less the public
holidays of Vietnam (Tết moves with the lunar calendar; the ``holidays`` package knows the dates),
amended by the days the government swaps each year, which staff enter (``reports.CalendarDay``). Days
left and days late are counted in working days by the same calendar everywhere (``working_days_left``):
by arithmetic over a table of those days, loaded once per process and again when the calendar changes
(``current_calendar``). Apart from loading those swapped days, nothing here touches the database.
"""

import bisect
import calendar
import datetime
import functools
import logging
import secrets
import threading
import time
from dataclasses import dataclass

import holidays
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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


# The package's holidays are used for these years only: outside them a working day is Monday to Friday,
# so a count from year 1000 to 9999 reads no more holiday tables than one over these years.
HOLIDAY_YEARS = (1995, 2100)
CALENDAR_STAMP_KEY = "reports:working-calendar-stamp"
CALENDAR_RECHECK = 5  # seconds a request or task that runs long goes on without looking at the stamp again
CALENDAR_TTL = 60  # seconds a calendar is kept when the shared stamp cannot be read


@functools.lru_cache(maxsize=128)
def _holidays_of(year: int) -> frozenset[datetime.date]:
    if not HOLIDAY_YEARS[0] <= year <= HOLIDAY_YEARS[1]:
        return frozenset()
    return frozenset(holidays.country_holidays("VN", years=year))


def _weekdays_through(day: datetime.date) -> int:
    """Mondays to Fridays from 01/01/0001 (a Monday) up to and including ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


class WorkingCalendar:
    """The working days: Monday to Friday, less Vietnam's public holidays (the ``holidays`` package),
    amended by the days the government swaps each year (``overrides``: day -> is it a working day),
    e.g. Saturday 26/04/2025 worked to bridge 30/4–1/5.

    Counting is arithmetic: the weekdays between two dates by formula, less the holidays that fall on a
    weekday and plus the Saturdays or Sundays worked, each found by bisection in a sorted table. A list
    page can call it for every row.
    """

    def __init__(self, overrides: dict[datetime.date, bool] | None = None):
        self.overrides = dict(overrides or {})
        self._years: set[int] = set()
        self._off: list[datetime.date] = []  # weekdays that are not worked
        self._on: list[datetime.date] = []  # Saturdays and Sundays that are worked
        self._built = False

    def _cover(self, first: int, last: int) -> None:
        first, last = max(first, HOLIDAY_YEARS[0]), min(last, HOLIDAY_YEARS[1])
        missing = [y for y in range(first, last + 1) if y not in self._years]
        if not missing and self._built:
            return
        years = self._years | set(missing)
        off = {d for y in years for d in _holidays_of(y) if d.weekday() < 5}
        on = set()
        # Every swapped day counts, in whatever year: only the holiday list is limited to HOLIDAY_YEARS.
        for day, working in self.overrides.items():
            if working:
                off.discard(day)
                if day.weekday() >= 5:
                    on.add(day)
            elif day.weekday() < 5:
                off.add(day)
        self._off, self._on, self._years = sorted(off), sorted(on), years
        self._built = True

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5 and day not in _holidays_of(day.year)

    def count(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
        if end <= start:
            return 0
        self._cover(start.year, end.year)
        weekdays = _weekdays_through(end) - _weekdays_through(start)
        off = bisect.bisect_right(self._off, end) - bisect.bisect_right(self._off, start)
        on = bisect.bisect_right(self._on, end) - bisect.bisect_right(self._on, start)
        return weekdays - off + on


@dataclass(frozen=True)
class _Loaded:
    stamp: str | None  # the shared stamp it was read under; None when the cache could not be read
    at: float
    calendar: WorkingCalendar


_current: _Loaded | None = None
_work = threading.local()  # per thread: the stamp seen in this request or task, and when


def _shared_stamp() -> str | None:
    """The calendar's stamp in the shared cache, a new one if it has none (first start, evicted); None
    when the cache cannot be reached."""
    from django.core.cache import cache

    try:
        stamp = cache.get(CALENDAR_STAMP_KEY)
        if stamp is None:
            cache.add(CALENDAR_STAMP_KEY, secrets.token_hex(8), timeout=None)
            stamp = cache.get(CALENDAR_STAMP_KEY)
        return stamp
    except Exception:  # a cache that is down must not take the pages with it: fall back to the age limit
        logger.warning("working calendar: the shared stamp could not be read", exc_info=True)
        return None


def current_calendar() -> WorkingCalendar:
    """The calendar with the swapped days entered by staff (``reports.CalendarDay``).

    Read from the database once per process, and again when another process changed it: each request or
    task compares, on its first count, the stamp a change leaves in the shared cache with the one the loaded
    calendar was read under (one cache read, no query). Without the cache the calendar is kept
    ``CALENDAR_TTL`` seconds."""
    global _current
    now = time.monotonic()
    seen = getattr(_work, "seen", None)
    if seen is None or now - seen[1] > CALENDAR_RECHECK:
        seen = _work.seen = (_shared_stamp(), now)
    stamp, loaded = seen[0], _current
    if loaded is None or (loaded.stamp != stamp if stamp is not None else now - loaded.at > CALENDAR_TTL):
        from reports.models import CalendarDay

        days = dict(CalendarDay.objects.values_list("day", "is_working"))
        _current = loaded = _Loaded(stamp, now, WorkingCalendar(days))
    return loaded.calendar


def calendar_recheck(**_signal) -> None:
    """A new request or task: its first count looks at the shared stamp again (``request_started``,
    Celery's ``task_prerun``)."""
    _work.seen = None


def calendar_changed() -> None:
    """Forget the loaded calendar in this process: the next count reads the swapped days again."""
    global _current
    _current = None
    _work.seen = None


def calendar_changed_everywhere() -> None:
    """After a change of the calendar is committed: a new shared stamp, so every process reads it again on
    its next request or task."""
    from django.core.cache import cache

    try:
        cache.set(CALENDAR_STAMP_KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        logger.warning("working calendar: the shared stamp could not be renewed", exc_info=True)
    calendar_changed()


def holidays_of_year(year: int) -> dict[datetime.date, str]:
    """The public holidays of ``year`` with their names, in Vietnamese unless the page is in English."""
    language = "vi" if (get_language() or "vi").startswith("vi") else "en_US"
    return dict(holidays.country_holidays("VN", years=year, language=language))


def holiday_name(day: datetime.date) -> str | None:
    return holidays.country_holidays("VN", years=day.year).get(day)


def is_working_day(day: datetime.date, cal: WorkingCalendar | None = None) -> bool:
    return (cal or current_calendar()).is_working_day(day)


def next_working_day(day: datetime.date, cal: WorkingCalendar | None = None) -> datetime.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    cal = cal or current_calendar()
    while not cal.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(day: datetime.date, n: int, cal: WorkingCalendar | None = None) -> datetime.date:
    """The ``n``-th working day after ``day`` (before it when ``n`` is negative; ``day`` itself when 0)."""
    cal = cal or current_calendar()
    step = datetime.timedelta(days=1 if n >= 0 else -1)
    n = abs(n)
    while n:
        day += step
        if cal.is_working_day(day):
            n -= 1
    return day


def due_date(period_end: datetime.date, working_days: int, cal: WorkingCalendar | None = None) -> datetime.date:
    return add_working_days(period_end, working_days, cal)


def working_days_between(start: datetime.date, end: datetime.date, cal: WorkingCalendar | None = None) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is before ``start``."""
    cal = cal or current_calendar()
    return cal.count(start, end) if end >= start else -cal.count(end, start)


def working_days_late(due: datetime.date, day: datetime.date, cal: WorkingCalendar | None = None) -> int:
    """How many working days ``day`` comes after ``due``: 0 on or before it.

    A day off after the due date counts as the working day that follows it: a report filed on the
    Saturday after a Friday deadline is as late as one filed on the Monday, 1 working day.
    """
    if day <= due:
        return 0
    cal = cal or current_calendar()
    return cal.count(due, next_working_day(day, cal))


def working_days_left(today: datetime.date, due: datetime.date, cal: WorkingCalendar | None = None) -> int:
    """Days left and days late, the one count every page, export, e-mail and the API show.

    Working days from ``today`` to ``due``: 0 on the due date itself, 1 on the working day before;
    after it, minus the working days late (``working_days_late``): -1 on the first working day after.
    """
    if today <= due:
        return working_days_between(today, due, cal)
    return -working_days_late(due, today, cal)


def working_days_text(days: int) -> str:
    """``working_days_left`` as the pages say it: "còn 13 ngày làm việc", "quá hạn 2 ngày làm việc"."""
    if days < 0:
        return ngettext("%(n)d working day overdue", "%(n)d working days overdue", -days) % {"n": -days}
    if days == 0:
        return _("due today")
    return ngettext("%(n)d working day left", "%(n)d working days left", days) % {"n": days}


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
