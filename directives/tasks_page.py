"""What a unit sees for each of its tasks: days left, whether it is overdue, and what to do next."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directives.models import Assignment


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


def days_left_text(days: int) -> str:
    if days < 0:
        return ngettext("%(n)d day overdue", "%(n)d days overdue", -days) % {"n": -days}
    if days == 0:
        return _("due today")
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}


def decorate(assignments, today: datetime.date) -> None:
    """Attach ``days_left``, ``overdue``, ``days_text`` and ``next_step`` to each row (no queries)."""
    for a in assignments:
        a.days_left = (a.deadline - today).days if a.deadline else None
        a.overdue = a.status == Assignment.Status.OPEN and a.days_left is not None and a.days_left < 0
        a.days_text = (
            days_left_text(a.days_left) if a.days_left is not None and a.status == Assignment.Status.OPEN else ""
        )
        a.next_step = next_step(a, today)
