"""What the report pages show for each obligation and report: days left, what to do next, the figures
as read, and which buttons the user gets. No queries: everything is computed on rows already loaded."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports import periods, validation
from reports.documents import signing
from reports.models import Indicator, Obligation, Report, Status
from reports.models.obligations import IN_REVIEW, NOT_FILED, PENDING, is_overdue
from reports.services import needs_approval
from units import permissions

working_days_text = periods.working_days_text


def decorate(obligations, today: datetime.date) -> None:
    """Attach ``days_left`` (working days), ``overdue`` and ``days_text`` to each obligation.

    A report returned for revision is due again like one never filed: overdue once its due date has passed."""
    for o in obligations:
        o.days_left = periods.working_days_left(today, o.due_date)
        o.overdue = is_overdue(o, today)
        o.days_text = working_days_text(o.days_left) if o.status in NOT_FILED else ""


def group(obligations, today: datetime.date) -> dict[str, list[Obligation]]:
    """The unit's page: overdue (returned ones past their due date too), due soon, returned, with the
    committee. (Accepted ones are paged apart.)"""
    groups = {"overdue": [], "due": [], "returned": [], "submitted": []}
    for o in obligations:
        if is_overdue(o, today):
            groups["overdue"].append(o)
        elif o.status == Status.RETURNED:
            groups["returned"].append(o)
        elif o.status in IN_REVIEW:
            groups["submitted"].append(o)
        elif o.status in PENDING:
            groups["due"].append(o)
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
    signs = report is not None and permissions.may_approve(user, unit, posts=signing.posts_signing(report))
    if editable and permissions.may_file(user, unit):
        actions.edit = True
        if report is not None:
            approval = needs_approval(report)
            actions.submit = not approval or signs
            actions.request_approval = approval and not signs
    if report is not None and report.status == Status.AWAITING_APPROVAL and signs:
        actions.approve = actions.send_back = True
    if report is not None and report.status in IN_REVIEW and permissions.may_review(user, unit):
        actions.review = True
    return actions


def submit_label(report: Report | None, obligation: Obligation, user) -> tuple[str, str]:
    """(action, button text) of the form's main button, by the form's approval rule and the user's role."""
    form = obligation.form
    returned = obligation.returned_count > 0
    approval = form.requires_approval and (not returned or form.reapproval_required)
    if approval and not permissions.may_approve(user, obligation.unit, posts=signing.posts_signing(report)):
        return "request_approval", _("Send to the head for approval")
    if approval:
        return "submit", _("Approve and submit")
    return "submit", _("Submit again") if returned else _("Submit")
