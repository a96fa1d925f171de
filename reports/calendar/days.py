"""Changes to the working calendar (the days the government swaps), and the due dates that follow them.

A due date is a number of working days after a period's end, so a Saturday made a working day brings
the due dates just after it one day earlier. When a swapped day is entered, changed or removed, the
obligations not yet filed whose due date has not passed are given the due date of the new calendar,
in the same transaction, with an audit row saying how many moved. A filed report (even one returned
since) keeps the due date its timeliness was judged against.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import access, periods
from reports.models import CalendarDay, Obligation, ReportForm
from units.models import User
from units.services import audit_record


def _calendar_locked() -> periods.WorkingCalendar:
    return periods.WorkingCalendar(dict(CalendarDay.objects.values_list("day", "is_working")))


def due_dates_follow_calendar(*, today: datetime.date | None = None, cal: periods.WorkingCalendar | None = None) -> int:
    """Give every unfiled obligation whose due date has not passed the due date ``cal`` says; returns how many
    moved. One UPDATE per (form, period) whose date changes, whatever the number of units."""
    today = today or timezone.localdate()
    cal = cal or periods.current_calendar()
    unfiled = Obligation.objects.filter(first_submitted_at__isnull=True, due_date__gte=today)
    moved = 0
    periodic = unfiled.filter(assignment__isnull=True, form__kind=ReportForm.Kind.PERIODIC, period_index__gt=0)
    for form_id, n, period_end in periodic.values_list("form_id", "form__due_working_days", "period_end").distinct():
        due = periods.due_date(period_end, n, cal)
        moved += periodic.filter(form_id=form_id, period_end=period_end).exclude(due_date=due).update(due_date=due)
    # A directive's task without a deadline is due a number of working days after it was given.
    tasks = unfiled.filter(assignment__isnull=False, assignment__deadline__isnull=True)
    for form_id, n, start in tasks.values_list("form_id", "form__due_working_days", "period_start").distinct():
        due = periods.add_working_days(start, n, cal)
        moved += tasks.filter(form_id=form_id, period_start=start).exclude(due_date=due).update(due_date=due)
    return moved


def _require(actor: User) -> None:
    if not access.may_change_calendar(actor):
        raise PermissionDenied(_("Only national committee staff or administrators may change the working calendar."))


def _after_change(action: str, day: CalendarDay, actor: User, summary: str) -> int:
    moved = due_dates_follow_calendar(cal=_calendar_locked())
    periods.calendar_changed()
    transaction.on_commit(periods.calendar_changed)
    audit_record(
        actor=actor,
        action=action,
        obj=day,
        unit=None,
        summary=summary,
        data={"day": day.day.isoformat(), "is_working": day.is_working, "reason": day.reason, "due_dates_moved": moved},
    )
    return moved


@transaction.atomic
def calendar_day_set(*, actor: User, day: datetime.date, is_working: bool, reason: str) -> tuple[CalendarDay, int]:
    """Make ``day`` a working day or a day off; returns the row and how many due dates moved."""
    _require(actor)
    list(CalendarDay.objects.select_for_update())  # one change of the calendar at a time
    row = CalendarDay.objects.filter(day=day).first() or CalendarDay(day=day)
    row.is_working, row.reason = is_working, reason.strip()
    row.updated_by = actor if actor.is_authenticated else None
    row.full_clean()
    row.save()
    kind = _("a working day") if is_working else _("a day off")
    summary = _("%(day)s made %(kind)s: %(reason)s") % {"day": f"{day:%d/%m/%Y}", "kind": kind, "reason": row.reason}
    return row, _after_change("calendar.day_set", row, actor, summary)


@transaction.atomic
def calendar_day_remove(*, actor: User, row: CalendarDay) -> int:
    """Take a swapped day out of the calendar (it is again what weekends and holidays make it)."""
    _require(actor)
    list(CalendarDay.objects.select_for_update())
    row = CalendarDay.objects.get(pk=row.pk)
    summary = _("%(day)s is no longer a swapped day") % {"day": f"{row.day:%d/%m/%Y}"}
    record = CalendarDay(pk=row.pk, day=row.day, is_working=row.is_working, reason=row.reason)
    row.delete()
    return _after_change("calendar.day_removed", record, actor, summary)
