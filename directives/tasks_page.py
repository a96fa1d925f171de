"""What a unit sees for each of its tasks: days left, whether it is overdue, and what to do next."""

import datetime

from django.utils.translation import gettext as _

from directives.models import Assignment
from reports import periods


def next_step(assignment: Assignment, today: datetime.date) -> str:
    """One sentence telling the unit what is expected of it now."""
    if assignment.status == Assignment.Status.CANCELLED:
        return _("Nothing: this task was withdrawn.")
    if assignment.status == Assignment.Status.DONE:
        return _("Nothing: the task is done.")
    deadline = assignment.deadline
    if assignment.role == Assignment.Role.MONITOR:
        return _("Follow how it is carried out and raise problems with the lead unit.")
    if deadline is None:
        return _("File the report when the task is done.") if assignment.report_required else _("Carry out the task.")
    when = deadline.strftime("%d/%m/%Y")
    if deadline < today:
        if assignment.report_required:
            return _("The report was due on %(date)s: file it as soon as possible.") % {"date": when}
        return _("The deadline was %(date)s: finish the task as soon as possible.") % {"date": when}
    if assignment.report_required:
        return _("File the report by %(date)s.") % {"date": when}
    return _("Carry out the task by %(date)s.") % {"date": when}


def decorate(assignments, today: datetime.date) -> None:
    """Attach ``days_left`` (working days, as every page counts them), ``overdue``, ``days_text`` and
    ``next_step`` to each row (no queries)."""
    for a in assignments:
        a.days_left = periods.working_days_left(today, a.deadline) if a.deadline else None
        a.overdue = a.status == Assignment.Status.OPEN and a.days_left is not None and a.days_left < 0
        a.days_text = (
            periods.working_days_text(a.days_left)
            if a.days_left is not None and a.status == Assignment.Status.OPEN
            else ""
        )
        a.next_step = next_step(a, today)
