"""Small filters of the dashboard pages (a filter, not an include: the units table has hundreds of cells)."""

from django import template
from django.utils.formats import get_format

from reports import dashboard_html

register = template.Library()


@register.filter
def pct(value) -> str:
    """A rate as "85,7 %" in the active language's format; "—" when there was nothing to count.

    The same rounding as the units table (``dashboard_html.pct``), so a card and its row never differ."""
    return dashboard_html.pct(value, get_format("DECIMAL_SEPARATOR"))
