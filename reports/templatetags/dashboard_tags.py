"""Small filters of the dashboard pages (a filter, not an include: the units table has hundreds of cells)."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value) -> str:
    """A rate as "85,7 %" in the active language's format; "—" when there was nothing to count."""
    if value is None:
        return "—"
    return f"{number_format(value, 1)} %"
