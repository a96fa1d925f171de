"""A unit named on a page is a link only for a reader who may open that unit's page.

Breadcrumbs and "registered by" lines name units above the reader's own (the province for a ward
official): as links they would lead to a 404, so those units are written as plain text.
"""

from django import template
from django.utils.html import format_html

from units import scope

register = template.Library()


def readable(user, unit) -> bool:
    """Whether ``user`` may open ``unit``'s page: the unit lies under one of the user's scope paths (the
    same rule as ``Unit.objects.visible_to``, with the paths computed once per request)."""
    if unit is None:
        return False
    paths = scope.scope_paths(user)
    return any(unit.path.startswith(p) for p in paths)


@register.filter
def readable_by(unit, user) -> bool:
    return readable(user, unit)


@register.simple_tag(takes_context=True)
def unit_link(context, unit, url: str = "", css: str = ""):
    """``<a href>`` to the unit (or to ``url``, another page of it) when the reader may open it, else its name."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if readable(user, unit):
        return format_html(
            '<a href="{}"{}>{}</a>',
            url or unit.get_absolute_url(),
            format_html(' class="{}"', css) if css else "",
            unit.name,
        )
    return format_html("<span{}>{}</span>", format_html(' class="{}"', css) if css else "", unit.name)
