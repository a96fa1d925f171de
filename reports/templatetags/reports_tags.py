"""The reports panel of the home page: first the reports waiting for the head's signature, then what the
user's own units must file next, with a link straight to each report form (login, home, the form: three
pages), and the review inbox for committee staff. A leader's home opens with his scope's headline figures
(this year so far, as the dashboard counts them by default) and its overdue count, linking to the dashboard."""

from django import template
from django.utils import timezone

from reports import pages, selectors
from reports.models import Obligation, Report, Status
from reports.models.obligations import IN_REVIEW, PENDING
from units import permissions, scope, tree
from units.models import RoleGrant

register = template.Library()
SHOWN = 6


@register.inclusion_tag("reports/_home_panel.html", takes_context=True)
def reports_home_panel(context):
    user = context["request"].user
    if not user.is_authenticated:
        return {"show": False}
    grants = [(role, path) for role, path in scope.grants(user) if role in permissions.FILERS]
    today = timezone.localdate()
    to_sign, to_sign_count = [], 0
    if any(role == RoleGrant.Role.HEAD for role, _path in grants):
        waiting = Report.objects.awaiting_signature_of(user, today)
        to_sign = list(
            waiting.select_related("obligation__form", "obligation__unit").order_by("obligation__due_date", "pk")[
                : SHOWN + 1
            ]
        )
        to_sign_count = len(to_sign) if len(to_sign) <= SHOWN else waiting.count()
    todo = []
    unit_ids = {tree.unit_id_of(path) for _role, path in grants}
    if unit_ids:
        wanted = [*PENDING, Status.RETURNED]
        todo = list(
            Obligation.objects.filter(unit_id__in=unit_ids, status__in=wanted, period_start__lte=today)
            .exclude(pk__in=[r.obligation_id for r in to_sign])  # listed above, under "awaits your signature"
            .select_related("form", "unit")
            .order_by("due_date", "pk")[: SHOWN + 1]
        )
        pages.decorate(todo, today)
    inbox = None
    if permissions.is_manager(user):
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


@register.inclusion_tag("reports/_home_figures.html", takes_context=True)
def reports_home_figures(context):
    """The headline of the unit a leader oversees, from the dashboard's own figures (``selectors.grid``)."""
    user = context["request"].user
    if not user.is_authenticated or RoleGrant.Role.LEADER not in scope.user_roles(user):
        return {"unit": None}
    unit = scope.home_unit(user, [RoleGrant.Role.LEADER])
    if unit is None:
        return {"unit": None}
    flt = selectors.dashboard_filter(unit, today=timezone.localdate())
    return {"unit": unit, "flt": flt, "h": selectors.grid(flt).headline}


@register.inclusion_tag("reports/_directive_reports.html", takes_context=True)
def directive_reports(context, directive):
    """The periodic reports a directive requires, on the directive's page."""
    from reports.directive_reports import panel

    return panel(directive, context["request"].user)
