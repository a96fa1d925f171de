"""Points as the documents write them, and the evaluations and commendations panels of the unit, person and
dashboard pages (a fixed number of queries each)."""

from django import template

from evaluations.models import Commendation, Evaluation
from reports.numbers import number
from units.models import Unit

register = template.Library()
PANEL_ROWS = 10


@register.filter
def pts(value) -> str:
    """A number of points the Vietnamese way (12,5); "—" for none (a criterion not scored yet)."""
    return "—" if value is None or value == "" else number(value)


@register.inclusion_tag("evaluations/_panel.html", takes_context=True)
def evaluations_panel(context, unit=None, person=None):
    """The latest evaluations and commendations of ``unit`` (or of ``person``), as the user may see them."""
    from evaluations import rules

    user = context["request"].user
    evaluations = Evaluation.objects.visible_to(user).select_related("criteria_set", "unit", "person", "level")
    commendations = Commendation.objects.visible_to(user).select_related("unit", "person")
    if person is not None:
        evaluations, commendations = evaluations.filter(person=person), commendations.filter(person=person)
    else:
        evaluations, commendations = evaluations.filter(unit=unit), commendations.filter(unit=unit)
    evaluations = list(evaluations.order_by("-criteria_set__year", "person__full_name", "pk")[: PANEL_ROWS + 1])
    commendations = list(commendations.order_by("-decision_date", "-pk")[: PANEL_ROWS + 1])
    return {
        "unit": unit,
        "person": person,
        "evaluations": evaluations[:PANEL_ROWS],
        "evaluations_more": len(evaluations) > PANEL_ROWS,
        "commendations": commendations[:PANEL_ROWS],
        "commendations_more": len(commendations) > PANEL_ROWS,
        "can_commend": unit is not None and rules.may_commend(user, unit),
    }


@register.inclusion_tag("evaluations/_exemplary.html", takes_context=True)
def exemplary_panel(context, unit: Unit, limit: int = 8):
    """The exemplary models (*điển hình*) commended in the unit's subtree, latest first."""
    user = context["request"].user
    qs = (
        Commendation.objects.visible_to(user)
        .filter(exemplary=True, unit__path__startswith=unit.path)
        .select_related("unit", "person")
        .order_by("-decision_date", "-pk")
    )
    rows = list(qs[: limit + 1])
    return {"unit": unit, "rows": rows[:limit], "more": len(rows) > limit}
