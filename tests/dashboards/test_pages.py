"""The dashboard and heads pages through the real stack: what a leader sees, what others cannot, exports."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports import generation, periods, tallies
from reports.models import FormAssignment, Obligation
from tests.dashboards.conftest import TODAY, file
from tests.factories import make_unit
from tests.reports.conftest import form_by_code
from units.models import Unit

RANGE = {"from": "2025-01", "to": "2026-12"}


def pages(tree, history):
    bn, person = tree["bac_ninh"].pk, history["heads"]["binh"].person_id
    return [
        reverse("reports:dashboard", args=[bn]),
        reverse("reports:dashboard_pdf", args=[bn]),
        reverse("reports:dashboard_summary", args=[bn]),
        *[reverse("reports:dashboard_xlsx", args=[bn, t]) for t in ("units", "heatmap", "trend", "overdue")],
        reverse("reports:dashboard_xlsx", args=[bn, "indicators"]),
        reverse("reports:dashboard_xlsx", args=[bn, "directives"]),
        reverse("reports:heads", args=[bn]),
        reverse("reports:heads_xlsx", args=[bn]),
        reverse("reports:head_detail", args=[bn, person]),
        reverse("reports:head_detail_xlsx", args=[bn, person]),
    ]


def test_leader_sees_the_provinces_figures_and_drills_down(client, tree, users, history, english):
    client.force_login(users["leader"])
    response = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="fig-expected" data-value="21"' in html
    assert 'id="fig-received" data-value="18"' in html
    assert 'id="fig-overdue" data-value="3"' in html
    assert reverse("reports:dashboard", args=[tree["tu_son"].pk]) in html  # each row opens the child's dashboard
    assert "Trần Thị Bình" in html  # head of Từ Sơn when its 2026 Q3 report fell due
    assert history["late_of_tu_son"].get_absolute_url() in html
    assert 'data-state="missing"' in html and 'data-state="returned"' in html
    child = client.get(reverse("reports:dashboard", args=[tree["tu_son"].pk]), RANGE).content.decode()
    assert 'id="fig-expected" data-value="9"' in child  # with the former Phường Đình Bảng
    assert reverse("reports:dashboard", args=[tree["bac_ninh"].pk]) in child  # breadcrumbs back up


def test_defaults_are_this_year_and_the_empty_state_says_what_to_do(client, tree, users, english):
    client.force_login(users["leader"])
    response = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]))
    assert response.context["flt"].start == datetime.date(TODAY.year, 1, 1)
    assert response.context["flt"].end == datetime.date(TODAY.year, 11, 30)
    assert 'id="dashboard-empty"' in response.content.decode()
    assert reverse("reports:form_list") in response.content.decode()


def test_sorting_the_units_table(client, tree, users, history):
    client.force_login(users["leader"])
    url = reverse("reports:dashboard", args=[tree["bac_ninh"].pk])
    # Not the default order (Tân Hồng, with 2 overdue, leads that): the most reports due first.
    rows = client.get(url, {**RANGE, "sort": "expected"}).context["rows"]
    assert [(r.unit, r.figures.expected) for r in rows] == [
        (tree["tu_son"], 9),  # with the former Phường Đình Bảng
        (tree["dong_ngan"], 7),
        (history["tan_hong"], 5),
    ]
    assert [r.unit for r in client.get(url, {**RANGE, "sort": "on_time"}).context["rows"]] == [
        tree["dong_ngan"],  # 6 of 7 on time
        tree["tu_son"],  # 6 of 9
        history["tan_hong"],  # 3 of 5
    ]
    by_name = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), {**RANGE, "sort": "name"})
    # Vietnamese alphabetical order: Đ comes after D and before E, so Đông Ngàn before Tân Hồng and Từ Sơn.
    assert [r.unit for r in by_name.context["rows"]] == [tree["dong_ngan"], history["tan_hong"], tree["tu_son"]]


def test_by_default_the_units_needing_attention_come_first(client, tree, users, history):
    """A province has a hundred communes and a phone shows twenty: the ones with overdue reports lead."""
    client.force_login(users["leader"])
    rows = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), RANGE).context["rows"]
    assert [r.figures.overdue for r in rows] == [2, 1, 0]
    assert rows[0].unit == history["tan_hong"]


@pytest.mark.parametrize("who", ["reporter_tu_son", "staff_ha_noi", "leader_ha_noi", "nobody"])
def test_others_get_404_on_every_page_and_export(client, tree, users, history, leader_ha_noi, who):
    user = leader_ha_noi if who == "leader_ha_noi" else users[who]
    client.force_login(user)
    for url in pages(tree, history):
        assert client.get(url, RANGE).status_code == 404, url


def test_ward_official_sees_their_wards_dashboard_but_not_the_heads_record(client, tree, users, history):
    client.force_login(users["reporter_tu_son"])
    assert client.get(reverse("reports:dashboard", args=[tree["tu_son"].pk]), RANGE).status_code == 200
    assert client.get(reverse("reports:heads", args=[tree["tu_son"].pk])).status_code == 404
    assert client.get(reverse("reports:dashboard", args=[tree["dong_ngan"].pk])).status_code == 404


def test_a_head_outside_the_subtree_is_404(client, tree, users, history):
    client.force_login(users["leader"])
    url = reverse("reports:head_detail", args=[tree["bac_ninh"].pk, history["heads"]["hoan_kiem"].person_id])
    assert client.get(url).status_code == 404


def test_heads_list_and_page(client, tree, users, history, english):
    client.force_login(users["leader"])
    response = client.get(reverse("reports:heads", args=[tree["bac_ninh"].pk]), RANGE)
    records = list(response.context["page"])
    assert records[0]["person__full_name"] == "Trần Thị Bình"  # worst on-time record first
    assert records[0]["unit_name"] == "Phường Từ Sơn"  # the unit each head answered for
    assert "Phường Từ Sơn</div>" in response.content.decode()
    assert {r["person__full_name"] for r in records} >= {"Nguyễn Văn An", "Lê Văn Cường", "Phạm Văn Dũng"}
    found = client.get(reverse("reports:heads", args=[tree["bac_ninh"].pk]), {**RANGE, "q": "dung"}).context["page"]
    assert [r["person__full_name"] for r in found] == ["Phạm Văn Dũng"]
    binh = history["heads"]["binh"]
    page = client.get(reverse("reports:head_detail", args=[tree["bac_ninh"].pk, binh.person_id]), RANGE)
    (tenure,) = page.context["tenures"]
    assert (tenure.due, tenure.on_time, tenure.late, tenure.missing) == (2, 0, 1, 1)
    assert {o.pk for o in page.context["gaps"]} == {history["late_of_tu_son"].pk, history["missing_of_tu_son"].pk}


def test_excel_exports_hold_the_tables_as_numbers(client, tree, users, history):
    client.force_login(users["leader"])
    response = client.get(reverse("reports:dashboard_xlsx", args=[tree["bac_ninh"].pk, "units"]), RANGE)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["Phường Từ Sơn"][1:3] == (9, 8)
    assert rows["Phường Tân Hồng"][-1] == 2  # overdue now
    heads = load_workbook(
        io.BytesIO(client.get(reverse("reports:heads_xlsx", args=[tree["bac_ninh"].pk]), RANGE).content)
    )
    names = [row[0] for row in heads.active.iter_rows(min_row=5, values_only=True)]
    assert "Trần Thị Bình" in names
    overdue = load_workbook(
        io.BytesIO(client.get(reverse("reports:dashboard_xlsx", args=[tree["bac_ninh"].pk, "overdue"]), RANGE).content)
    )
    assert len(list(overdue.active.iter_rows(min_row=5))) == 3
    assert client.get(reverse("reports:dashboard_xlsx", args=[tree["bac_ninh"].pk, "nothing"])).status_code == 404


def test_every_table_of_the_dashboard_exports_its_own_rows(client, tree, users, history):
    client.force_login(users["leader"])

    def sheet(table):
        url = reverse("reports:dashboard_xlsx", args=[tree["bac_ninh"].pk, table])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, RANGE)
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=5, values_only=True))
        return rows, len(ctx.captured_queries)

    heatmap, _n = sheet("heatmap")
    assert {row[0] for row in heatmap} == {"Phường Từ Sơn", "Phường Đông Ngàn", "Phường Tân Hồng"}
    trend, _n = sheet("trend")
    assert len(trend) == 23 and sum(row[1] for row in trend) == 21  # 01/2025–11/2026, the reports due
    indicators, _n = sheet("indicators")
    assert ("PETITIONS_RECEIVED", 9) in {(row[1], row[4]) for row in indicators}
    _rows, directives = sheet("directives")
    _rows, units = sheet("units")
    assert directives < units  # each workbook reads only what its table shows


# Query budgets -----------------------------------------------------------------------------------------


def _grow(tree, wards: int, years: tuple[int, ...]):
    """``wards`` wards under Bắc Ninh owing the monthly report for ``years``, half of them filed."""
    for i in range(wards):
        make_unit(f"Phường {i}", Unit.Kind.WARD, tree["bac_ninh"])
    form = form_by_code("qcdc-month")
    FormAssignment.objects.get_or_create(
        form=form, root=tree["bac_ninh"], defaults={"kinds": ["ward"], "starts_on": datetime.date(years[0], 1, 1)}
    )
    for year in years:
        generation.obligations_generate(form=form, year=year)
    for o in Obligation.objects.filter(form=form, due_date__lt=TODAY)[::2]:
        file(o, o.due_date, accepted=o.due_date, tally=False)
    tallies.tallies_refresh(form_ids=[form.pk])


def _queries(client, url) -> int:
    # The working calendar is kept a minute: growing the data can take longer than that on a loaded machine,
    # so every count starts without it and reads it once.
    periods.calendar_changed()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, RANGE).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_units_or_periods(client, tree, users, history):
    client.force_login(users["leader"])
    bn = tree["bac_ninh"].pk
    person = history["heads"]["binh"].person_id
    urls = [
        reverse("reports:dashboard", args=[bn]),
        reverse("reports:dashboard", args=[tree["tu_son"].pk]),
        reverse("reports:heads", args=[bn]),
        reverse("reports:head_detail", args=[bn, person]),
        reverse("reports:dashboard_xlsx", args=[bn, "units"]),
    ]
    small = {url: _queries(client, url) for url in urls}
    _grow(tree, 30, (2025, 2026))
    large = {url: _queries(client, url) for url in urls}
    assert large == small
    # The budget of the dashboard page: one of them the years the data covers, one the exemplary models, three
    # the registers' rows behind the bound totals (the bindings, the communes and wards, their grouped rows).
    assert small[urls[0]] <= 27


def test_dashboard_budget(client, tree, users, history, django_assert_max_num_queries):
    client.force_login(users["leader"])
    with django_assert_max_num_queries(27):  # the exemplary models (commendations), the registers' rows (3)
        client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), RANGE)
    with django_assert_max_num_queries(12):
        client.get(reverse("reports:heads", args=[tree["bac_ninh"].pk]), RANGE)


def test_a_province_of_a_hundred_communes_fits_a_phone(client, tree, users, history):
    """Bắc Ninh's size (about a hundred communes, two years of monthly reports): the page shows the first
    units with a link to all of them, and even the full page stays under 300 KB of HTML."""
    from reports.dashboards.html import SHOWN

    client.force_login(users["leader"])
    url = reverse("reports:dashboard", args=[tree["bac_ninh"].pk])
    small = _queries(client, url)
    _grow(tree, 100, (2025, 2026))
    periods.calendar_changed()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, RANGE)
    assert len(ctx.captured_queries) == small
    html = response.content.decode()
    assert len(response.content) < 300 * 1024
    assert len(response.context["rows"]) == 103
    assert html.count("<tr data-unit=") == SHOWN
    assert html.count('<td data-state="') == SHOWN * len(response.context["months"])
    assert 'id="units-more"' in html and "all=1" in html
    assert len(response.context["indicators"]["by_child"]) <= SHOWN  # the chosen result's table by unit too
    full = client.get(url, {**RANGE, "all": "1", "sort": "overdue"})
    assert len(full.content) < 300 * 1024
    rows = full.content.decode().count("<tr data-unit=")
    assert rows == 103 and 'id="units-more"' not in full.content.decode()
    ordered = full.context["rows"]  # the most overdue first, as the chosen column says
    assert ordered[0].figures.overdue == max(r.figures.overdue for r in ordered) > ordered[-1].figures.overdue
    assert full.content.decode().index(f'data-unit="{ordered[0].bucket}"') < full.content.decode().index(
        f'data-unit="{ordered[-1].bucket}"'
    )


def test_the_next_page_of_heads_keeps_the_sort_and_the_period(client, tree, users, history, monkeypatch):
    from reports.dashboards import views as views_dashboards

    monkeypatch.setattr(views_dashboards, "HEADS_PAGE", 2)
    client.force_login(users["leader"])
    html = client.get(reverse("reports:heads", args=[tree["bac_ninh"].pk]), {**RANGE, "sort": "name"}).content.decode()
    link = html.split('class="pagination', 1)[1].split('href="', 1)[1].split('"', 1)[0]
    assert "sort=name" in link and "from=2025-01" in link and "page=2" in link


def test_the_late_list_says_how_many_of_all_it_shows(client, tree, users, history):
    """More reports filed late than a phone's list holds: the list says how many it shows of how many (every
    late or returned report of the range in Bắc Ninh, counted here from the rows), and its "show more" lists
    the longer list the page keeps, still saying it is not all of them."""
    from reports.dashboards.html import OVERDUE_SHOWN
    from reports.dashboards.pages import OVERDUE_LISTED

    _grow(tree, 30, (2025, 2026))
    form = form_by_code("qcdc-month")
    unfiled = Obligation.objects.filter(form=form, first_submitted_at__isnull=True, due_date__lt=TODAY)
    for o in unfiled.order_by("pk")[:60]:
        file(o, o.due_date + datetime.timedelta(days=9), tally=False)
    tallies.tallies_refresh(form_ids=[form.pk])
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM reports_obligation o JOIN units_unit u ON u.id = o.unit_id"
            " WHERE u.path LIKE %s AND o.due_date BETWEEN '2025-01-01' AND '2026-12-31'"
            " AND (o.on_time = false OR o.returned_count > 0)",
            [tree["bac_ninh"].path + "%"],
        )
        (total,) = cur.fetchone()
    assert total > OVERDUE_LISTED

    client.force_login(users["leader"])
    url = reverse("reports:dashboard", args=[tree["bac_ninh"].pk])
    html = client.get(url, RANGE).content.decode()
    listed = html.split('id="late-list"')[1].split("</div>")[0].count("<a ")
    assert listed == OVERDUE_SHOWN
    assert f'id="late-shown">The {OVERDUE_SHOWN} latest of {total} are listed here.' in html
    shown = html.split('id="late-shown"')[1].split("</p>")[0]
    assert "all=1" in shown and "Show more" in shown

    more = client.get(url, {**RANGE, "all": "1"}).content.decode()
    listed = more.split('id="late-list"')[1].split("</div>")[0].count("<a ")
    assert OVERDUE_SHOWN < listed == OVERDUE_LISTED < total
    shown = more.split('id="late-shown"')[1].split("</p>")[0]
    assert f">The {listed} latest of {total} are listed here." in shown and "all=1" not in shown

    client.cookies["django_language"] = "vi"
    vi = client.get(url, RANGE).content.decode()
    assert f"Đang liệt kê {OVERDUE_SHOWN} báo cáo gần nhất trong số {total}." in vi
