"""The dashboard's tables and lists (units, units × months, the indicator totals, the overdue and late
reports, the trend) as HTML built here rather than in the template.

A province has about a hundred communes and the heatmap two dozen months: thousands of cells, which
Django's template engine renders at several microseconds a node and which a phone has to download. Here
each row is one f-string of escaped text with the state as a data attribute (coloured by qcdc.css), and
the page shows the first ``SHOWN`` units in the chosen order with a link to show them all.
"""

from django.template.defaultfilters import urlencode
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.numbers import NONE, average, number, percent

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


def indicators_tbody(totals, behind: dict, *, query: str) -> SafeString:
    """The rows of one form's table of indicator totals: each opens its detail (by unit and by month) with
    the same filter; beside it, when the registers hold figures bound to it (``behind``), the records' figure
    linked to its rows and the communes and wards with none."""
    prefix = f"?{escape(query)}&amp;" if query else "?"
    averaged = escape(_("average"))
    out = []
    for t in totals:
        unit = f' <span class="text-muted small">({escape(t["unit"])})</span>' if t.get("unit") else ""
        value = f"{number(t['value'], 1)} ({averaged})" if t.get("averaged") else number(t["value"])
        code = escape(t["code"])
        cells = (
            f'<td><a href="{prefix}indicator={escape(urlencode(t["key"]))}#indicator-detail">{escape(t["label"])}</a>{unit}</td>'
            f'<td class="text-end">{value}</td><td class="text-end">{number(t["reports"])}</td>'
        )
        if behind:
            cells += f'<td class="text-end">{_behind_cell(behind.get(t["key"]), code)}</td>'
        out.append(f'<tr data-code="{code}" data-key="{escape(t["key"])}">{cells}</tr>')
    return mark_safe("".join(out))  # noqa: S308 (every text above is escaped)


def _behind_cell(b: dict | None, code: str) -> str:
    if not b:
        return ""
    title = _("The rows of %(a)s–%(z)s") % {"a": f"{b['start']:%d/%m/%Y}", "z": f"{b['end']:%d/%m/%Y}"}
    cell = f'<a href="{escape(b["link"])}" data-testid="behind-{code}" title="{escape(title)}">{number(b["value"])}</a>'
    if b["without"]:
        n = b["without"]
        text = ngettext("%(n)s unit with no record", "%(n)s units with no record", n) % {"n": n}
        return (
            f'{cell}<div class="small"><a class="text-danger" href="{escape(b["without_link"])}"'
            f' data-testid="no-record-{code}">{escape(text)}</a></div>'
        )
    every = escape(_("every unit has a record"))
    return f'{cell}<div class="small text-muted" data-testid="no-record-{code}">{every}</div>'


def overdue_tbody(rows) -> SafeString:
    """The overdue reports: unit, report and period (linked), due date, working days overdue, the head on the
    due date, and the last reminder stage reached."""
    no_head = f'<span class="text-muted">{escape(_("no head recorded"))}</span>'
    # Each cell names its column, which a phone shows beside it when the rows stack (qcdc.css); the unit
    # and the report head each block, without their names.
    unit, report, due, late, head_of, reminders = (
        escape(label)
        for label in (
            _("Unit"),
            _("Report"),
            _("Due date"),
            _("Working days overdue"),
            _("Head of unit on the due date"),
            _("Reminders"),
        )
    )
    out = []
    for o in rows:
        head = escape(o.head.person.full_name) if o.head else no_head
        if o.escalation:
            sent = timezone.localtime(o.escalation.sent_at)
            stage = f'{escape(o.escalation.summary)} <span class="text-muted small">{sent:%d/%m/%Y}</span>'
        else:
            stage = NONE
        days = NONE if o.days_overdue is None else number(o.days_overdue)
        out.append(
            f'<tr><td class="stack-title" data-label="{unit}">{escape(o.unit.name)}</td>'
            f'<td class="stack-title" data-label="{report}"><a href="{o.get_absolute_url()}">{escape(o.form.name)} ·'
            f" {escape(o.period_label)}</a></td>"
            f'<td data-label="{due}">{o.due_date:%d/%m/%Y}</td><td class="text-end" data-label="{late}">{days}</td>'
            f'<td class="head-name" data-label="{head_of}">{head}</td>'
            f'<td class="escalation" data-label="{reminders}">{stage}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every text above is escaped)


def late_items(rows) -> SafeString:
    """The reports filed late or returned, each a link with its working days late and times returned."""
    out = []
    for o in rows:
        badges = ""
        if o.on_time is False:
            late = ngettext("%(n)s working day late", "%(n)s working days late", o.days_late) % {"n": o.days_late}
            badges += f'<span class="badge text-bg-warning">{escape(late)}</span>'
        if o.returned_count:
            n = o.returned_count
            returned = ngettext("returned %(n)s time", "returned %(n)s times", n) % {"n": n}
            badges += f' <span class="badge text-bg-danger">{escape(returned)}</span>'
        out.append(
            f'<a class="list-group-item list-group-item-action d-flex justify-content-between gap-2"'
            f' href="{o.get_absolute_url()}"><span>{escape(o.unit.name)} · {escape(o.form.name)} ·'
            f' {escape(o.period_label)}</span><span class="text-nowrap">{badges}</span></a>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every text above is escaped)


def trend_tbody(trend) -> SafeString:
    """The month-by-month numbers under the trend chart."""
    return mark_safe(  # noqa: S308 (dates and numbers only)
        "".join(
            f'<tr><td>{m:%m/%Y}</td><td class="text-end">{number(c.expected)}</td>'
            f'<td class="text-end">{number(c.on_time)}</td><td class="text-end">{number(c.late)}</td>'
            f'<td class="text-end">{number(c.returned)}</td><td class="text-end">{number(c.missing)}</td></tr>'
            for m, c in trend
        )
    )
