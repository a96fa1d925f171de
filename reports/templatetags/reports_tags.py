"""The reports panel of the home page: what the user's own units must file next, with a link straight
to each report form (login, home, the form: three pages), and the review inbox for committee staff."""

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
    inbox = None
    if access.is_form_manager(user):
        inbox = Report.objects.reviewable_by(user).filter(status__in=IN_REVIEW).count()
    return {
        "show": bool(unit_ids) or inbox is not None,
        "todo": todo[:SHOWN],
        "more": len(todo) > SHOWN,
        "several_units": len(unit_ids) > 1,
        "inbox": inbox,
    }
