"""A unit's figures for one form and period come from one report, even when a directive requires the form too.

On top of the history (Đông Ngàn's ordinary 2026 Q2 quarterly report: 8 meetings), the Tỉnh ủy's plan
requires the quarterly form of Bắc Ninh's wards while it runs: Đông Ngàn files the plan's Q2 report with 5
meetings, the same months told again. Hoàn Kiếm owes no ordinary quarterly report; two plans of Hà Nội
require it, and it files both with 3 and 7 meetings. The rule: the ordinary report is the period's report; a
directive's counts only where there is no ordinary one, and of two directives' the first directive's.
So Bắc Ninh adds up 8 meetings (never 13), the nation 8 + 3 = 11 (never 16, 18 or 23).

The expected answer is computed in plain SQL over the raw rows, choosing the one report per unit, form and
period by a window function, not by the code under test; the page, indicators.xlsx, the API, the live
roll-ups and a rebuild of them must all agree with it.
"""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from reports import selectors, services, tallies
from reports.directive_reports import periodic_report_require
from reports.models import Obligation, Report
from tests.dashboards.conftest import TODAY, at
from tests.dashboards.test_pages import RANGE
from tests.directives.conftest import doc_type, make_directive
from tests.factories import make_user
from tests.reports.conftest import entry
from units.models import RoleGrant

START, END = datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)


def _plan(actor, owner, symbol):
    return make_directive(
        actor,
        owner,
        symbol=symbol,
        doc_type=doc_type("Kế hoạch"),
        issuer=owner.name,
        issued_on=datetime.date(2026, 1, 5),
        effective_from=datetime.date(2026, 1, 1),
        effective_to=datetime.date(2026, 12, 31),
    )


def _file(obligation, actor, meetings: str) -> None:
    with time_machine.travel(at(obligation.due_date), tick=False):
        report = services.report_save_draft(
            actor=actor, obligation=obligation, revision=0, **entry(obligation.form, {"MEETINGS": meetings})
        )
        services.report_submit(actor=actor, report=Report.objects.get(pk=report.pk))


@pytest.fixture
def required(tree, users, history):
    form = history["form"]
    plan = _plan(users["staff"], tree["bac_ninh"], "45-KH/TU")
    periodic_report_require(actor=users["staff"], directive=plan, form=form, root=tree["bac_ninh"], kinds=["ward"])
    ha_noi = users["staff_ha_noi"]
    first = _plan(ha_noi, tree["ha_noi"], "12-KH/TU")
    second = _plan(ha_noi, tree["ha_noi"], "13-KH/TU")
    for directive in (first, second):
        periodic_report_require(
            actor=ha_noi, directive=directive, form=form, root=tree["hoan_kiem"], kinds=[], include_root=True
        )
    q2 = {"form": form, "year": 2026, "period_index": 2}
    _file(Obligation.objects.get(directive=plan, unit=tree["dong_ngan"], **q2), users["reporter_dong_ngan"], "5")
    reporter = make_user("reporter_hk", role=RoleGrant.Role.REPORTER, unit=tree["hoan_kiem"])
    _file(Obligation.objects.get(directive=first, unit=tree["hoan_kiem"], **q2), reporter, "3")
    _file(Obligation.objects.get(directive=second, unit=tree["hoan_kiem"], **q2), reporter, "7")
    return form


def _sql_meetings(form_id: int, path: str) -> int:
    """MEETINGS over the filed reports of the units under ``path``, one report per unit, form and period: the
    ordinary one first, then the directive created first."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT SUM(v.value_decimal) FROM (
                SELECT o.id, o.unit_id, ROW_NUMBER() OVER (
                    PARTITION BY o.unit_id, o.form_id, o.period_start
                    ORDER BY CASE WHEN o.directive_id IS NULL THEN 0 ELSE 1 END, o.directive_id
                ) AS place
                FROM reports_obligation o WHERE o.assignment_id IS NULL AND o.form_id = %s
            ) one
            JOIN units_unit u ON u.id = one.unit_id
            JOIN reports_report r ON r.obligation_id = one.id
            JOIN reports_reportvalue v ON v.report_id = r.id
            JOIN reports_indicator i ON i.id = v.indicator_id
            WHERE one.place = 1 AND i.code = 'MEETINGS' AND u.path LIKE %s
              AND r.status IN ('submitted', 'resubmitted', 'accepted')
            """,
            [form_id, path + "%"],
        )
        return int(cursor.fetchone()[0])


def _sql_all_meetings(form_id: int) -> int:
    """The same values with every filed report added, the figure the rule must not show."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(v.value_decimal) FROM reports_reportvalue v JOIN reports_report r ON r.id = v.report_id"
            " JOIN reports_indicator i ON i.id = v.indicator_id WHERE i.form_id = %s AND i.code = 'MEETINGS'"
            " AND r.status IN ('submitted', 'resubmitted', 'accepted')",
            [form_id],
        )
        return int(cursor.fetchone()[0])


def _meetings(rows, form_id):
    return [r["value"] for r in rows if r["form_id"] == form_id and r["code"] == "MEETINGS"]


def test_a_directives_periodic_report_never_adds_to_the_periods_own(client, tree, users, required):
    form = required
    nation, bac_ninh = tree["nation"], tree["bac_ninh"]
    assert _sql_all_meetings(form.pk) == 23  # every filed report, added blindly
    expected = {bac_ninh: _sql_meetings(form.pk, bac_ninh.path), nation: _sql_meetings(form.pk, nation.path)}
    assert expected == {bac_ninh: 8, nation: 11}

    for unit, user in ((bac_ninh, users["leader"]), (nation, users["admin"])):
        flt = selectors.dashboard_filter(unit, start=START, end=END, today=TODAY)
        assert _meetings(selectors.indicator_totals(flt), form.pk) == [expected[unit]]

        client.force_login(user)
        html = client.get(reverse("reports:dashboard", args=[unit.pk]), RANGE).content.decode()
        table = html.split(f'data-form="{form.pk}"', 1)[1].split("</table>", 1)[0]
        row = table.split('data-code="MEETINGS"', 1)[1].split("</tr>", 1)[0]
        assert f'<td class="text-end">{expected[unit]}</td>' in row

        book = client.get(reverse("reports:dashboard_xlsx", args=[unit.pk, "indicators"]), RANGE)
        sheet = load_workbook(io.BytesIO(book.content), read_only=True).active
        assert [r[4] for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] == "MEETINGS"] == [expected[unit]]

        api = client.get(f"/api/v1/units/{unit.pk}/figures/", {"start": "2025-01-01", "end": "2026-12-31"}).json()
        assert [r["value"] for r in api["indicators"] if r["code"] == "MEETINGS"] == [expected[unit]]

    # The live roll-ups are what a rebuild writes from scratch (manage.py rebuild_figures).
    live = tallies.tallies_snapshot()
    call_command("rebuild_figures", verbosity=0)
    assert tallies.tallies_snapshot() == live


def test_the_ordinary_report_opened_later_takes_the_period_over(tree, users, required):
    """Hoàn Kiếm's Q2 figures came from the first plan's report; once Hà Nội assigns the quarterly form to its
    wards, the ordinary report (not yet filed) is the period's, and the plans' reports stop counting."""
    from reports.generation import form_assign

    form = required
    form_assign(
        actor=users["staff_ha_noi"], form=form, root=tree["ha_noi"], kinds=["ward"], starts_on=datetime.date(2026, 1, 1)
    )
    assert Obligation.objects.filter(unit=tree["hoan_kiem"], form=form, directive__isnull=True).exists()
    flt = selectors.dashboard_filter(tree["nation"], start=START, end=END, today=TODAY)
    assert _meetings(selectors.indicator_totals(flt), form.pk) == [8] == [_sql_meetings(form.pk, tree["nation"].path)]
    live = tallies.tallies_snapshot()
    tallies.tallies_rebuild()
    assert tallies.tallies_snapshot() == live
