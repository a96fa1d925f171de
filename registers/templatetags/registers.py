"""Panels other apps' pages show: a report's figures from the registers, a directive's dissemination, the
rows behind a dashboard's totals."""

from django import template
from django.core.paginator import Paginator

from directives.models import Assignment, DirectiveRelation
from registers import rules, selectors
from registers.forms import OverrideForm
from units.models import Unit

register = template.Library()


@register.inclusion_tag("registers/_report_figures.html", takes_context=True)
def registers_figures(context, obligation, report=None, editing=False, part="panel"):
    """The panel (``part="panel"``); its override forms (``part="forms"``) go outside the report's own form,
    whose fields point at them with ``form=``, since forms cannot nest."""
    user = context["request"].user
    rows = selectors.bound_rows(obligation, report)
    may_explain = bool(editing and report is not None and report.is_editable and rules.may_enter(user, obligation.unit))
    return {
        "rows": rows,
        "report": report,
        "obligation": obligation,
        "may_explain": may_explain,
        "override_form": OverrideForm() if may_explain else None,
        "request": context["request"],
        "part": part,
    }


def _carried_out_by(directive, levels: int = 5) -> set[int]:
    """The directive and the plans that implement it, down the cascade (a query per level): a conclusion's
    tasks are handed out on the plans that carry it out."""
    ids, frontier = {directive.pk}, {directive.pk}
    for _level in range(levels):
        frontier = set(
            DirectiveRelation.objects.filter(target_id__in=frontier, kind=DirectiveRelation.Kind.IMPLEMENTS)
            .exclude(source_id__in=ids)
            .values_list("source_id", flat=True)
        )
        if not frontier:
            break
        ids |= frontier
    return ids


@register.simple_tag
def registers_behind(flt, totals):
    """Per indicator key of a dashboard's totals bound to a register: the rows behind the total and the
    communes and wards with none (``selectors.behind_totals``)."""
    if not totals:
        return {}
    return selectors.behind_totals(flt.unit, flt.start, flt.end, totals)


@register.filter
def behind_of(behind: dict, key: str):
    return behind.get(key)


@register.inclusion_tag("registers/_directive_dissemination.html", takes_context=True)
def directive_dissemination(context, directive):
    """Per unit assigned the directive or a plan carrying it out (in the user's scope): was the directive
    disseminated there, and the share of Party cells reached."""
    request = context["request"]
    assigned = (
        Assignment.objects.filter(directive__in=_carried_out_by(directive))
        .of_units_in_scope(request.user)
        .exclude(status=Assignment.Status.CANCELLED)
    )
    units = Unit.objects.filter(pk__in=assigned.values("unit_id")).order_by("search_key", "pk")
    page = Paginator(selectors.dissemination(directive, units), 50).get_page(request.GET.get("dpage"))
    rows = [(u, selectors.share(u.cells_reached, u.cells_total)) for u in page]
    return {"page": page, "rows": rows, "directive": directive, "request": request}
