"""The watch list as a panel of other apps' pages: the dashboard and the unit's page."""

from django import template

register = template.Library()


@register.inclusion_tag("directives/_watch_panel.html", takes_context=True)
def watch_panel(context, *, unit=None, under=None):
    """Open watches under ``under`` (the dashboard), or every watch of ``unit`` (the unit's page)."""
    from directives.views_watches import watches_of

    request = context["request"]
    return {"request": request, **watches_of(request.user, unit=unit, under=under)}


@register.filter
def may_watch(unit, user) -> bool:
    """``{% if r.unit|may_watch:request.user %}``: no query (the user's scope is read once per request)."""
    from units import permissions

    return permissions.may_watch(user, unit)
