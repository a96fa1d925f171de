"""Small filters of the dashboard pages (a filter, not an include: the units table has hundreds of cells).

They write numbers through ``reports.numbers``, as the units table, the workbooks, the PDFs and the API
round them, so a card and its row never differ."""

from django import template

from reports import numbers
from reports.dashboards import html

register = template.Library()


@register.simple_tag
def indicator_rows(totals, behind, query):
    """The rows of a form's indicator totals, with the registers' figures behind them (``html.indicators_tbody``)."""
    return html.indicators_tbody(totals, behind or {}, query=query)


@register.filter
def pct(value) -> str:
    """A rate as "85,7 %"; "—" when there was nothing to count."""
    return numbers.percent(value)


@register.filter
def num(value, places=None) -> str:
    """A count or a measure written the Vietnamese way (1.386; 12,5); ``num:1`` fixes one decimal."""
    if value is None or value == "":
        return numbers.NONE
    return numbers.number(value, None if places is None else int(places))


@register.filter
def avg(value) -> str:
    """An average to one decimal (4,3); "—" when there was nothing to average."""
    return numbers.average(value)
