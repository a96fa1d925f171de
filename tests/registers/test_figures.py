"""Report figures follow from the rows: proved against plain SQL over the same tables, shown on the
report with links to the rows, overridden only with a reason the reviewer reads."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.models import Assignment
from registers import selectors
from registers.models import CommunityDecision, Conference, Disclosure, FigureOverride, IndicatorBinding, MatterKind
from reports import generation
from reports.models import FormAssignment, Obligation
from tests.factories import make_unit
from tests.registers.conftest import make_rows
from tests.reports.conftest import form_by_code
from units.models import Unit

pytestmark = pytest.mark.django_db
Q1 = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def obligation(tree):
    form = form_by_code("qcdc-quarter")
    FormAssignment.objects.create(form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=datetime.date(2025, 1, 1))
    generation.obligations_generate(form=form, year=2026)
    return Obligation.objects.get(form=form, unit=tree["tu_son"], year=2026, period_index=1)


@pytest.fixture
def spread(tree, directive_120):
    """Rows of Từ Sơn, of a village under it, of Đông Ngàn (outside), and of Từ Sơn out of the period."""
    village = make_unit("Thôn Trung", Unit.Kind.VILLAGE, tree["tu_son"])
    make_rows(tree["tu_son"], directive_120, day=datetime.date(2026, 1, 1), suffix=" 1")
    make_rows(village, directive_120, day=datetime.date(2026, 3, 31), suffix=" 2")
    make_rows(tree["dong_ngan"], directive_120, day=datetime.date(2026, 2, 1), suffix=" 3")
    make_rows(tree["tu_son"], directive_120, day=datetime.date(2026, 4, 1), suffix=" 4")
    kind = MatterKind.objects.first()
    for agreeing, method in ((40, "meeting"), (90, "meeting")):
        CommunityDecision.objects.create(
            unit=village,
            date=datetime.date(2026, 2, 2),
            subject="Họp",
            matter_kind=kind,
            method=method,
            households_total=100,
            households_present=95,
            households_agreeing=agreeing,
            participants=110,
        )
    return village


def sql(query: str, path: str) -> Decimal:
    with connection.cursor() as cursor:
        cursor.execute(query, [path + "%", *Q1])
        return Decimal(cursor.fetchone()[0] or 0)


JOIN = " FROM {t} r JOIN units_unit u ON u.id = r.unit_id WHERE u.path LIKE %s AND r.date BETWEEN %s AND %s"
EXPECTED_SQL = {
    "DISCLOSURES": "SELECT COUNT(*)" + JOIN.format(t="registers_disclosure"),
    "MEETINGS": "SELECT COUNT(*)" + JOIN.format(t="registers_communitydecision") + " AND r.method = 'meeting'",
    "MEETING_PARTICIPANTS": "SELECT SUM(r.participants)"
    + JOIN.format(t="registers_communitydecision")
    + " AND r.method = 'meeting'",
    "BALLOTS": "SELECT COUNT(*)" + JOIN.format(t="registers_communitydecision") + " AND r.method = 'ballot'",
    "CHARTERS_RECOGNISED": "SELECT COUNT(*)"
    + JOIN.format(t="registers_villagecharter")
    + " AND r.recognised_on IS NOT NULL",
    "CONSULTATIONS": "SELECT COUNT(*)" + JOIN.format(t="registers_consultation"),
    "RECEPTION_DAYS": "SELECT COUNT(*)" + JOIN.format(t="registers_citizenreception"),
    "INSPECTIONS": "SELECT COUNT(*)" + JOIN.format(t="registers_supervision") + " AND r.board = 'inspection'",
    "INVESTMENT_SUPERVISIONS": "SELECT COUNT(*)"
    + JOIN.format(t="registers_supervision")
    + " AND r.board = 'investment'",
    "VIOLATIONS_FOUND": "SELECT SUM(r.violations_found)" + JOIN.format(t="registers_supervision"),
    "CONFERENCES": "SELECT COUNT(*)" + JOIN.format(t="registers_conference"),
}


def test_every_bound_figure_equals_plain_sql_over_the_rows(obligation, spread, tree):
    rows = {r["indicator"].code: r for r in selectors.bound_rows(obligation)}
    assert set(EXPECTED_SQL) | {"DECISIONS_CARRIED_SHARE"} == set(rows)
    for code, query in EXPECTED_SQL.items():
        assert Decimal(rows[code]["figure"]) == sql(query, tree["tu_son"].path), code
    assert rows["DISCLOSURES"]["figure"] == "2"  # the ward's and its village's, not the other ward's nor April's
    carried = sql(
        "SELECT SUM(CASE WHEN r.carried THEN 1 ELSE 0 END)" + JOIN.format(t="registers_communitydecision"),
        tree["tu_son"].path,
    )
    total = sql("SELECT COUNT(*)" + JOIN.format(t="registers_communitydecision"), tree["tu_son"].path)
    share = Decimal(rows["DECISIONS_CARRIED_SHARE"]["figure"].replace(",", "."))
    assert share == (carried * 100 / total).quantize(Decimal("0.1")) and 0 < share < 100


def test_the_link_lists_exactly_the_rows_counted(client, users, obligation, spread):
    client.force_login(users["reporter_tu_son"])
    for row in selectors.bound_rows(obligation):
        if row["binding"].measure != IndicatorBinding.Measure.COUNT:
            continue
        page = client.get(row["link"])
        assert page.status_code == 200
        assert page.context["page"].paginator.count == int(row["figure"]), row["indicator"].code


def test_the_report_is_filled_from_the_rows_and_an_override_needs_a_reason(client, users, obligation, spread):
    client.force_login(users["reporter_tu_son"])
    edit = reverse("reports:report_edit", args=[obligation.pk])
    page = client.get(edit)
    form = page.context["form"]
    disclosures = obligation.form.indicators.get(code="DISCLOSURES")
    assert form.initial[disclosures.field_name] == "2"
    body = page.content.decode()
    assert 'data-testid="register-figures"' in body and "/registers/disclosures/?unit=" in body
    # The reporter types another figure: the panel says so until a reason is kept.
    data = {k: v for k, v in form.initial.items() if v is not None}
    data[disclosures.field_name] = "5"
    client.post(edit, {**data, "action": "save"})
    report = obligation.report if hasattr(obligation, "report") else None
    report = type(obligation).objects.get(pk=obligation.pk).report
    rows = {r["indicator"].code: r for r in selectors.bound_rows(obligation, report)}
    assert rows["DISCLOSURES"]["differs"] and rows["DISCLOSURES"]["override"] is None
    response = client.post(
        reverse("registers:override", args=[report.pk]),
        {"indicator": disclosures.pk, "reason": "Hai nội dung niêm yết ở thôn chưa kịp ghi sổ"},
    )
    assert response.status_code == 302
    assert FigureOverride.objects.get(report=report).reason.startswith("Hai nội dung")
    # Reopened, the typed figure stays; the reviewer reads the reason on the report.
    assert client.get(edit).context["form"].initial[disclosures.field_name] == "5"
    client.force_login(users["staff"])
    detail = client.get(reverse("reports:report_detail", args=[obligation.pk])).content.decode()
    assert "Hai nội dung niêm yết ở thôn chưa kịp ghi sổ" in detail


def test_another_ward_cannot_explain_a_figure(client, users, obligation, spread):
    client.force_login(users["reporter_tu_son"])
    client.get(reverse("reports:report_edit", args=[obligation.pk]))
    from reports import services

    report = services.report_save_draft(
        actor=users["reporter_tu_son"], obligation=obligation, revision=0, narrative={}, values={}
    )
    client.force_login(users["reporter_dong_ngan"])
    indicator = obligation.form.indicators.get(code="DISCLOSURES")
    response = client.post(reverse("registers:override", args=[report.pk]), {"indicator": indicator.pk, "reason": "x"})
    assert response.status_code == 404
    assert not FigureOverride.objects.exists()


def test_the_directive_page_shows_dissemination_per_unit(client, users, tree, directive_120):
    for unit in (tree["tu_son"], tree["dong_ngan"]):
        Assignment.objects.create(
            directive=directive_120, unit=unit, task="Quán triệt Kết luận 120-KL/TW", report_required=False
        )
    Conference.objects.create(
        unit=tree["tu_son"],
        date=datetime.date(2026, 3, 1),
        subject="Quán triệt",
        directive=directive_120,
        party_cells_total=20,
        party_cells_reached=15,
    )
    client.force_login(users["staff"])
    body = client.get(directive_120.get_absolute_url()).content.decode()
    assert 'data-testid="dissemination"' in body
    assert "15/20 (75,0%)" in body or "15/20 (75.0%)" in body
    assert "Chưa" in body  # Đông Ngàn has not yet disseminated it


def test_figures_page_counts_units_with_no_record(client, users, tree, spread):
    client.force_login(users["staff"])
    response = client.get(
        reverse("registers:figures"), {"unit": tree["bac_ninh"].pk, "start": "2026-01-01", "end": "2026-03-31"}
    )
    rows = {r["indicator"].code: r for r in response.context["rows"]}
    wards = Unit.objects.filter(path__startswith=tree["bac_ninh"].path, kind__in=Unit.COMMUNAL_KINDS).count()
    with_disclosure = Disclosure.objects.filter(date__range=Q1, unit__path__startswith=tree["bac_ninh"].path).values(
        "unit__path"
    )
    having = {
        u.pk
        for u in Unit.objects.filter(path__startswith=tree["bac_ninh"].path, kind__in=Unit.COMMUNAL_KINDS)
        if any(p["unit__path"].startswith(u.path) for p in with_disclosure)
    }
    assert rows["DISCLOSURES"]["without"] == wards - len(having)
    listing = client.get(
        reverse("registers:figures"),
        {
            "unit": tree["bac_ninh"].pk,
            "start": "2026-04-01",
            "end": "2026-06-30",
            "missing": rows["DISCLOSURES"]["indicator"].pk,
        },
    )
    assert {u.name for u in listing.context["missing_page"]} == {"Phường Đông Ngàn"}  # Từ Sơn has an April row


def test_heads_below_their_reception_frequency(client, users, tree, spread):
    client.force_login(users["staff"])
    response = client.get(
        reverse("registers:heads_below"), {"unit": tree["bac_ninh"].pk, "start": "2026-01-01", "end": "2026-03-31"}
    )
    names = {h.person.full_name for h in response.context["page"]}
    # Party secretaries owe a day a month: one day in the quarter is not enough.
    assert "Nguyễn Văn Bí 1" in names and "Nguyễn Văn Bí 3" in names


COUNTERS = {
    "disclosures_count": "registers_disclosure",
    "community_decisions_count": "registers_communitydecision",
    "village_charters_count": "registers_villagecharter",
    "consultations_count": "registers_consultation",
    "supervisions_count": "registers_supervision",
    "conferences_count": "registers_conference",
    "citizen_receptions_count": "registers_citizenreception",
}


def test_the_counts_other_apps_read_equal_plain_sql(tree, spread):
    for name, table in COUNTERS.items():
        counted = getattr(selectors, name)(tree["tu_son"], *Q1)
        assert counted == sql("SELECT COUNT(*)" + JOIN.format(t=table), tree["tu_son"].path), name
    assert selectors.community_decisions_count(tree["tu_son"], *Q1, carried=True) == sql(
        "SELECT COUNT(*)" + JOIN.format(t="registers_communitydecision") + " AND r.carried", tree["tu_son"].path
    )


def _file(client, users, obligation):
    """The ward's reporter saves the quarterly report as the registers fill it, and its head files it."""
    client.force_login(users["reporter_tu_son"])
    edit = reverse("reports:report_edit", args=[obligation.pk])
    form = client.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    for name in form.fields:
        if name.startswith(("section_", "ind_")) and not data.get(name):
            data[name] = "Đã thực hiện." if name.startswith("section_") else "0"
    assert client.post(edit, {**data, "action": "save"}).status_code in (200, 302)
    report = type(obligation).objects.get(pk=obligation.pk).report
    assert report.values.get(indicator__code="DISCLOSURES").value_decimal == 2
    from reports import services

    type(obligation.form).objects.filter(pk=obligation.form_id).update(requires_approval=False)  # filed directly
    services.report_submit(actor=users["head_tu_son"], report=report)
    obligation.refresh_from_db()
    assert obligation.first_submitted_at is not None


def test_the_dashboards_results_lead_to_the_records_behind_them(client, users, tree, obligation, spread):
    """A filed report's bound figures show on the province's dashboard; from there the leader reaches the
    figures of the registers for the same unit and period, and from each figure the rows it counts."""
    _file(client, users, obligation)
    client.force_login(users["staff"])
    page = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), {"from": "2026-01", "to": "2026-03"})
    body = page.content.decode()
    start = body.index('data-testid="registers-drill"')
    href = body[body.rindex('href="', 0, start) + 6 : body.index('"', body.rindex('href="', 0, start) + 6)]
    href = href.replace("&amp;", "&")
    assert f"unit={tree['bac_ninh'].pk}" in href and "start=01/01/2026" in href and "end=31/03/2026" in href
    figures = client.get(href)
    assert figures.status_code == 200
    rows = {r["indicator"].code: r for r in figures.context["rows"]}
    listing = client.get(rows["DISCLOSURES"]["link"])
    counted = Disclosure.objects.filter(date__range=Q1, unit__path__startswith=tree["bac_ninh"].path).count()
    assert listing.status_code == 200 and listing.context["page"].paginator.count == counted == 3


def _behind(body: str, code: str) -> str:
    """The address of the dashboard link marked ``data-testid=code``."""
    at = body.index(f'data-testid="{code}"')
    tag = body[body.rindex("<a ", 0, at) : body.index(">", at)]
    return tag[tag.index('href="') + 6 :].split('"', 1)[0].replace("&amp;", "&")


NO_ROW_SQL = """
SELECT COUNT(*) FROM units_unit c WHERE c.path LIKE %s AND c.kind IN ('commune', 'ward') AND c.closed_on IS NULL
AND NOT EXISTS (SELECT 1 FROM registers_disclosure r JOIN units_unit u ON u.id = r.unit_id
                WHERE u.path LIKE c.path || '%%' AND r.date BETWEEN %s AND %s)
"""


@pytest.mark.parametrize("months", [("2026-01", "2026-03"), ("2026-02", "2026-03")])
def test_the_dashboard_leads_from_a_total_to_exactly_the_rows_behind_it(
    client, users, tree, obligation, spread, months
):
    """Beside the province's total of disclosures reported, the dashboard links to the rows of the same
    subtree and of the same quarter (the whole of it when the range starts inside it), and counts the
    communes and wards with no row; both proved with plain SQL."""
    _file(client, users, obligation)
    make_unit("Phường Trang Hạ", Unit.Kind.WARD, tree["bac_ninh"])  # no row at all
    client.force_login(users["staff"])
    province = tree["bac_ninh"]
    page = client.get(reverse("reports:dashboard", args=[province.pk]), {"from": months[0], "to": months[1]})
    body = page.content.decode()
    listing = client.get(_behind(body, "behind-DISCLOSURES"))
    assert listing.status_code == 200
    counted = sql("SELECT COUNT(*)" + JOIN.format(t="registers_disclosure"), province.path)
    assert listing.context["page"].paginator.count == counted == 3
    assert {r.subject for r in listing.context["page"]} == set(
        Disclosure.objects.filter(date__range=Q1, unit__path__startswith=province.path).values_list(
            "subject", flat=True
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(NO_ROW_SQL, [province.path + "%", *Q1])
        no_row = cursor.fetchone()[0]
    assert no_row == 1
    shown = body[body.index('data-testid="no-record-DISCLOSURES"') :].split(">", 1)[1].split("<", 1)[0]
    assert shown.split()[0] == str(no_row)
    missing = client.get(_behind(body, "no-record-DISCLOSURES"))
    assert missing.context["missing_page"].paginator.count == no_row
    assert tree["tu_son"].name not in {u.name for u in missing.context["missing_page"]}


def test_the_dashboards_rows_behind_cost_the_same_queries_for_more_rows(
    client, users, tree, obligation, spread, directive_120, django_assert_max_num_queries
):
    _file(client, users, obligation)
    client.force_login(users["staff"])
    """The rows behind the totals and the units with none cost the same queries for more rows and units."""
    url = reverse("reports:dashboard", args=[tree["bac_ninh"].pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"from": "2026-01", "to": "2026-03"})
    for i in range(5):
        village = make_unit(f"Thôn mới {i}", Unit.Kind.VILLAGE, tree["dong_ngan"])
        make_rows(village, directive_120, day=datetime.date(2026, 2, 3), suffix=f" m{i}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        body = client.get(url, {"from": "2026-01", "to": "2026-03"}).content.decode()
    assert 'data-testid="behind-DISCLOSURES"' in body


def test_figures_for_one_unit_and_period_after_another_are_each_their_own(tree, spread, obligation):
    """The grouped queries are built once and reused: each unit and period asked in turn gets the figures of its
    own rows (plain SQL), not those of the unit or dates asked before."""
    bindings = list(IndicatorBinding.objects.filter(indicator__form=obligation.form).select_related("indicator"))
    by_code = {b.indicator.code: b for b in bindings}
    Q2 = (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    asked = [(tree["tu_son"], Q1), (tree["dong_ngan"], Q1), (tree["tu_son"], Q2), (tree["bac_ninh"], Q1)]
    for unit, (start, end) in asked * 2:
        values, _gaps = selectors.totals_and_gaps(bindings, unit, start, end)
        for code, query in EXPECTED_SQL.items():
            with connection.cursor() as cursor:
                cursor.execute(query, [unit.path + "%", start, end])
                expected = Decimal(cursor.fetchone()[0] or 0)
            assert values[by_code[code].indicator_id] == expected, (unit.name, start, code)
    assert selectors.totals_and_gaps(bindings, tree["dong_ngan"], *Q2)[0][by_code["DISCLOSURES"].indicator_id] == 0
    assert selectors.totals_and_gaps(bindings, tree["tu_son"], *Q2)[0][by_code["DISCLOSURES"].indicator_id] == 1


def test_the_dashboards_totals_of_two_forms_each_count_their_own_periods(tree, spread):
    """A range of one month (March 2026) shows the quarterly form's figures over its whole quarter and the
    monthly form's over March alone, side by side from one query: each figure and each count of communes and
    wards with no row equals plain SQL over its own dates."""
    quarter, month = form_by_code("qcdc-quarter"), form_by_code("qcdc-month")
    spans = {quarter.pk: Q1, month.pk: (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))}
    totals = [
        {"key": f"{form.pk}:{code}", "form_id": form.pk, "code": code}
        for form in (quarter, month)
        for code in EXPECTED_SQL
    ]
    province = tree["bac_ninh"]
    behind = selectors.behind_totals(province, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), totals)
    for t in totals:
        start, end = spans[t["form_id"]]
        with connection.cursor() as cursor:
            cursor.execute(EXPECTED_SQL[t["code"]], [province.path + "%", start, end])
            expected = Decimal(cursor.fetchone()[0] or 0)
            cursor.execute(NO_ROW_SQL, [province.path + "%", start, end])
            no_row = cursor.fetchone()[0]
        got = behind[t["key"]]
        assert got["value"] == expected and (got["start"], got["end"]) == (start, end), t["key"]
        if t["code"] == "DISCLOSURES":
            assert got["without"] == no_row, t["key"]
    assert behind[f"{quarter.pk}:DISCLOSURES"]["value"] == 3 and behind[f"{month.pk}:DISCLOSURES"]["value"] == 1
    assert behind[f"{month.pk}:DISCLOSURES"]["without"] > behind[f"{quarter.pk}:DISCLOSURES"]["without"]
