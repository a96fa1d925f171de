"""The dashboard's two big tables (units, and units × months) as HTML built here rather than in the template.

A province has about a hundred communes and the heatmap two dozen months: thousands of cells, which
Django's template engine renders at several microseconds a node and which a phone has to download. Here
each row is one f-string of escaped text with the state as a data attribute (coloured by qcdc.css), and
the page shows the first ``SHOWN`` units in the chosen order with a link to show them all.
"""

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.numbers import average, number, percent

SHOWN = 20  # units in the table and the heatmap before "show all"
OVERDUE_SHOWN = 10  # the oldest overdue reports before "show all" (the Excel file has every one)
NAME_CHARS = 28


def units_tbody(rows, *, unit, query: str) -> SafeString:
    """The rows of the units table: each child opens its own dashboard with the same filter."""
    suffix = f"?{escape(query)}" if query else ""
    closed = f' <span class="badge text-bg-secondary">{escape(_("closed"))}</span>'
    own = reverse("reports:unit_obligations", args=[unit.pk])
    out = []
    for r in rows:
        f = r.figures
        if r.bucket:
            link = f'<a href="{reverse("reports:dashboard", args=[r.unit.pk])}{suffix}">{escape(r.name)}</a>'
            if r.unit.closed_on:
                link += closed
        else:
            link = f'<a href="{own}">{escape(r.name)}</a>'
        overdue = ' class="text-danger fw-semibold"' if f.overdue else ""
        out.append(
            f'<tr data-unit="{r.bucket}"><th scope="row">{link}</th><td>{number(f.expected)}</td>'
            f"<td>{percent(f.reporting_rate)}</td><td>{percent(f.filed_rate)}</td><td>{percent(f.accepted_rate)}</td>"
            f"<td>{percent(f.on_time_rate)}</td><td>{percent(f.accepted_on_time_rate)}</td><td>{number(f.late)}</td>"
            f"<td>{average(f.average_days_late)}</td>"
            f"<td>{number(f.returned)}</td><td{overdue}>{number(f.overdue)}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every text above is escaped)


def heatmap_tbody(heat) -> SafeString:
    """One row per unit, one cell per month: "filed on time/due", coloured by the worst thing in it."""
    out = []
    for row, cells in heat:
        name = row.name if len(row.name) <= NAME_CHARS else row.name[: NAME_CHARS - 1] + "…"
        tds = "".join(
            f'<td data-state="{c.state}">{number(c.on_time)}/{number(c.expected)}</td>'
            if c.expected
            else '<td data-state="none"></td>'
            for c in cells
        )
        out.append(f'<tr><th scope="row">{escape(name)}</th>{tds}</tr>')
    return mark_safe("\n".join(out))  # noqa: S308 (names escaped, the rest are numbers and fixed words)
