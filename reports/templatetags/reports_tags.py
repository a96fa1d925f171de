"""The reports panel of the home page: first the reports waiting for the head's signature, then what the
user's own units must file next, with a link straight to each report form (login, home, the form: three
pages), and the review inbox for committee staff."""

from django import template
from django.utils import timezone

from reports import access, pages
from reports.models import Obligation, Report, Status
from reports.models.obligations import IN_REVIEW, PENDING
from units.models import RoleGrant

register = template.Library()
SHOWN = 6


@register.inclusion_tag("reports/_home_panel.html", takes_context=True)
def reports_home_panel(context):
    user = context["request"].user
    if not user.is_authenticated:
        return {"show": False}
    grants = [
        (role, path) for role, path in access.grants(user) if role in (RoleGrant.Role.REPORTER, RoleGrant.Role.HEAD)
    ]
    today = timezone.localdate()
    todo = []
    unit_ids = {int(path.strip("/").split("/")[-1]) for _role, path in grants}
    if unit_ids:
        wanted = [*PENDING, Status.RETURNED]
        todo = list(
            Obligation.objects.filter(unit_id__in=unit_ids, status__in=wanted, period_start__lte=today)
            .select_related("form", "unit")
            .order_by("due_date", "pk")[: SHOWN + 1]
        )
        pages.decorate(todo, today)
    to_sign, to_sign_count = [], 0
    if any(role == RoleGrant.Role.HEAD for role, _path in grants):
        waiting = Report.objects.awaiting_signature_of(user, today)
        to_sign = list(
            waiting.select_related("obligation__form", "obligation__unit").order_by("obligation__due_date", "pk")[
                : SHOWN + 1
            ]
        )
        to_sign_count = len(to_sign) if len(to_sign) <= SHOWN else waiting.count()
    inbox = None
    if access.is_form_manager(user):
        inbox = Report.objects.reviewable_by(user).filter(status__in=IN_REVIEW).count()
    return {
        "show": bool(unit_ids) or inbox is not None,
        "to_sign": to_sign[:SHOWN],
        "to_sign_count": to_sign_count,
        "todo": todo[:SHOWN],
        "more": len(todo) > SHOWN,
        "several_units": len(unit_ids) > 1,
        "inbox": inbox,
    }


@register.inclusion_tag("reports/_directive_reports.html", takes_context=True)
def directive_reports(context, directive):
    """The periodic reports a directive requires, on the directive's page."""
    from reports.directive_reports import panel

    return panel(directive, context["request"].user)
