"""What the report pages show for each obligation and report: days left, what to do next, the figures
as read, and which buttons the user gets. No queries: everything is computed on rows already loaded."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports import access, periods, validation
from reports.models import Indicator, Obligation, Report, Status
from reports.models.obligations import IN_REVIEW, PENDING
from reports.services import needs_approval


def working_days_text(days: int) -> str:
    if days < 0:
        return ngettext("%(n)d working day overdue", "%(n)d working days overdue", -days) % {"n": -days}
    if days == 0:
        return _("due today")
    return ngettext("%(n)d working day left", "%(n)d working days left", days) % {"n": days}


def decorate(obligations, today: datetime.date) -> None:
    """Attach ``days_left`` (working days), ``overdue`` and ``days_text`` to each obligation."""
    for o in obligations:
        o.days_left = periods.working_days_between(today, o.due_date)
        o.overdue = o.status in PENDING and o.due_date < today
        o.days_text = working_days_text(o.days_left) if o.status in PENDING else ""


def group(obligations, today: datetime.date) -> dict[str, list[Obligation]]:
    """The unit's page: overdue, due soon, returned, with the committee. (Accepted ones are paged apart.)"""
    groups = {"overdue": [], "due": [], "returned": [], "submitted": []}
    for o in obligations:
        if o.status == Status.RETURNED:
            groups["returned"].append(o)
        elif o.status in IN_REVIEW:
            groups["submitted"].append(o)
        elif o.status in PENDING:
            groups["overdue" if o.due_date < today else "due"].append(o)
    return groups


def show_value(indicator: Indicator, row) -> str:
    """A stored figure as the reader should see it."""
    if row is None or not row.raw:
        return ""
    if indicator.value_type == Indicator.ValueType.TEXT:
        return row.value_text or row.raw
    if row.value_decimal is None:
        return row.raw
    if indicator.value_type == Indicator.ValueType.BOOLEAN:
        return _("Yes") if row.value_decimal else _("No")
    return validation.show_number(row.value_decimal)


@dataclass
class Actions:
    edit: bool = False
    request_approval: bool = False
    submit: bool = False
    approve: bool = False
    send_back: bool = False
    review: bool = False

    @property
    def any(self) -> bool:
        return any(vars(self).values())


def actions_for(user, obligation: Obligation, report: Report | None) -> Actions:
    unit = obligation.unit
    actions = Actions()
    editable = report is None or report.is_editable
    signs = report is not None and access.may_approve(user, unit, report)
    if editable and access.may_edit(user, unit):
        actions.edit = True
        if report is not None:
            approval = needs_approval(report)
            actions.submit = not approval or signs
            actions.request_approval = approval and not signs
    if report is not None and report.status == Status.AWAITING_APPROVAL and signs:
        actions.approve = actions.send_back = True
    if report is not None and report.status in IN_REVIEW and access.may_review(user, unit):
        actions.review = True
    return actions


def submit_label(report: Report | None, obligation: Obligation, user) -> tuple[str, str]:
    """(action, button text) of the form's main button, by the form's approval rule and the user's role."""
    form = obligation.form
    returned = obligation.returned_count > 0
    approval = form.requires_approval and (not returned or form.reapproval_required)
    if approval and not access.may_approve(user, obligation.unit, report):
        return "request_approval", _("Send to the head for approval")
    if approval:
        return "submit", _("Approve and submit")
    return "submit", _("Submit again") if returned else _("Submit")
