"""What a ward official meets on a phone: a form with an error opens on the field in error; the dashboard's
units table keeps the four columns that matter and the overdue reports stack; the head's home opens with what awaits his signature and
the leader's with his figures; dates are dd/mm/yyyy in a browser set to English."""

import datetime
import re

import pytest

from directives.models import Directive, DirectiveType
from reports.models import Status
from tests.dashboards.conftest import history  # noqa: F401  (the hand-counted history, as a fixture)
from tests.e2e.conftest import login
from tests.e2e.test_reports_flow import _fill_form, _status, quarter  # noqa: F401  (a fixture)
from tests.reports.conftest import FIGURES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


IN_VIEW = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                         return r.top >= 0 && r.bottom <= window.innerHeight; }"""


def _in_view(page, selector: str) -> bool:
    """The element ends up on the screen (Bootstrap scrolls smoothly: polled, not read once)."""
    page.wait_for_function(IN_VIEW, arg=selector, timeout=5_000)
    return page.evaluate(IN_VIEW, selector)


def test_a_report_refused_for_a_figure_opens_on_that_figure(page, live_server, quarter):  # noqa: F811
    resolved = quarter.form.indicators.get(code="PETITIONS_RESOLVED")
    field = f"#id_{resolved.field_name}"
    login(page, live_server, "reporter_ts")
    page.goto(f"{live_server.url}/reports/{quarter.pk}/edit/")
    _fill_form(page, quarter, {**FIGURES, "PETITIONS_RECEIVED": "9", "PETITIONS_RESOLVED": "12"})
    page.get_by_test_id("submit").click()
    page.wait_for_selector("[data-error-summary]")
    assert _status(quarter) == Status.DRAFT
    # The field is far down the form: the page opens on it, with the keyboard in it.
    page.wait_for_function("(id) => document.activeElement && document.activeElement.id === id", arg=field[1:])
    assert _in_view(page, field)
    assert page.get_attribute(field, "aria-invalid") == "true"
    message = page.get_attribute(field, "aria-describedby").split()[-1]
    assert "12" in page.inner_text(f"#{message}") or resolved.label in page.inner_text(f"#{message}")
    # The summary at the top names the field, and its link takes the keyboard back to it.
    link = page.locator(f"[data-error-summary] a[href='{field}']")
    assert link.inner_text() == resolved.label
    page.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")
    link.click()
    page.wait_for_function("(id) => document.activeElement && document.activeElement.id === id", arg=field[1:])
    assert _in_view(page, field)


def test_the_units_table_keeps_four_columns_on_a_phone(page, live_server, tree, users, history):  # noqa: F811
    login(page, live_server, "leader_bn")
    page.goto(f"{live_server.url}/units/{tree['bac_ninh'].pk}/dashboard/")
    shown = """() => [...document.querySelectorAll('#units-table thead th')]
        .filter((th) => th.offsetParent !== null)
        .map((th) => [th.innerText.trim(), Math.round(th.getBoundingClientRect().right)])"""
    columns = page.evaluate(shown)
    assert [name for name, _right in columns] == ["Đơn vị", "Tỷ lệ báo cáo", "Tỷ lệ đúng hạn", "Quá hạn"]
    assert all(right <= 390 for _name, right in columns)  # "Quá hạn" on the screen, no sideways scrolling
    page.click("#units-all-columns")
    assert len(page.evaluate(shown)) == 11
    assert page.get_attribute("#units-all-columns", "aria-pressed") == "true"


def test_the_overdue_reports_stack_on_a_phone_each_cell_named(page, live_server, tree, users, history):  # noqa: F811
    """No sideways scrolling: each overdue report is a block, its due date and days beside their names."""
    login(page, live_server, "leader_bn")
    page.goto(f"{live_server.url}/units/{tree['bac_ninh'].pk}/dashboard/")
    table = page.locator("#overdue-table")
    assert table.locator("tbody tr").count() == 2
    fits = "(t) => [t.parentElement.scrollWidth <= t.parentElement.clientWidth, t.getBoundingClientRect().right]"
    inside, right = table.evaluate(fits)
    assert inside and right <= 390
    cells = """(t) => [...t.querySelectorAll('tbody tr:first-child td')].map((td) => [
        getComputedStyle(td, '::before').content, Math.round(td.getBoundingClientRect().right), td.innerText])"""
    labels = [(label.strip('"'), right, text) for label, right, text in table.evaluate(cells)]
    assert [label for label, _right, _text in labels][2:4] == ["Hạn nộp", "Số ngày làm việc quá hạn"]
    assert all(right <= 390 for _label, right, _text in labels)
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", labels[2][2].strip())  # the due date, whole, on its own line
    # At a desktop's width the same rows are a table again, with its headings.
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator("#overdue-table thead th").first.is_visible()
    widths = table.evaluate("(t) => [...t.querySelectorAll('tbody tr:first-child td')].map((td) => td.offsetTop)")
    assert len(set(widths)) == 1  # one row: every cell on the same line


def test_the_leaders_home_opens_with_his_figures(page, live_server, tree, users, history):  # noqa: F811
    """The hand-counted history: this year Bắc Ninh owes 7 reports and 2 are overdue, as on the dashboard."""
    login(page, live_server, "leader_bn")
    figures = page.get_by_test_id("home-figures")
    assert page.locator("main > section").first.get_attribute("data-testid") == "home-figures"
    assert page.get_attribute("#home-expected", "data-value") == "7"
    assert page.get_attribute("#home-overdue", "data-value") == "2"
    assert "Tỉnh Bắc Ninh" in figures.inner_text()
    page.click("#home-overdue")
    page.wait_for_url(re.compile(rf"/units/{tree['bac_ninh'].pk}/dashboard/#overdue-title$"))
    assert page.get_attribute("#fig-overdue", "data-value") == "2"


def test_the_heads_home_opens_with_the_report_awaiting_his_signature(browser, live_server, quarter):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    reporter = context.new_page()
    login(reporter, live_server, "reporter_ts")
    reporter.goto(f"{live_server.url}/reports/{quarter.pk}/edit/")
    _fill_form(reporter, quarter, FIGURES)
    reporter.get_by_test_id("submit").click()
    reporter.wait_for_url(f"{live_server.url}/reports/{quarter.pk}/")
    assert _status(quarter) == Status.AWAITING_APPROVAL
    context.clear_cookies()

    head = context.new_page()
    login(head, live_server, "head_ts")
    to_sign = head.get_by_test_id("to-sign")
    assert to_sign.locator(f"a[href='/reports/{quarter.pk}/']").count() == 1
    first = head.evaluate("document.querySelector('[data-testid=home-reports] > :nth-child(2)').dataset.testid")
    assert first == "to-sign"  # right under the panel's title
    assert _in_view(head, "[data-testid=to-sign] a")
    # Listed once: not again among the reports to file.
    assert head.locator(f"[data-testid=home-reports] a[href*='/reports/{quarter.pk}/']").count() == 1
    context.close()


def test_dates_are_day_month_year_in_a_browser_set_to_english(browser, live_server, tree, users):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "staff_bn")
    page.goto(f"{live_server.url}/directives/new/")
    assert page.get_attribute("#id_issued_on", "type") == "text"
    assert page.get_attribute("#id_issued_on", "placeholder") == "dd/mm/yyyy"
    kind = DirectiveType.objects.get(name="Kết luận", family=DirectiveType.Family.PARTY)
    page.select_option("#id_doc_type", str(kind.pk))
    page.fill("#id_symbol", "120-KL/TW")
    page.fill("#id_issued_on", "05/02/2016")  # 5 February, typed the Vietnamese way in an English browser
    page.fill("#id_issuer", "Ban Chấp hành Trung ương")
    page.fill("#id_abstract", "Về tiếp tục đẩy mạnh xây dựng và thực hiện quy chế dân chủ ở cơ sở")
    # The calendar beside "effective from" speaks Vietnamese and writes the day it picks as dd/mm/yyyy.
    page.click("#div_id_effective_from .qcdc-datepicker-button")
    calendar = page.locator(".flatpickr-calendar.open")
    assert "Tháng" in calendar.locator(".flatpickr-monthDropdown-months").inner_text()
    assert calendar.locator(".flatpickr-weekday").first.inner_text().strip() == "T2"  # weeks start on Monday
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text=re.compile(r"^15$")).click()
    picked = page.input_value("#id_effective_from")
    assert re.fullmatch(r"15/\d\d/\d{4}", picked)
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_selector("h1:has-text('120-KL/TW')")
    directive = Directive.objects.get(symbol="120-KL/TW")
    assert directive.issued_on == datetime.date(2016, 2, 5)
    day, month, year = (int(p) for p in picked.split("/"))
    assert directive.effective_from == datetime.date(year, month, day)
    assert "05/02/2016" in page.inner_text("main")

    # Months on the dashboard: "tháng 3/2026", typed or shown.
    page.goto(f"{live_server.url}/units/{tree['bac_ninh'].pk}/dashboard/")
    assert page.input_value("#id_start") == f"tháng 1/{datetime.date.today().year}"
    page.fill("#id_start", "tháng 3/2026")
    page.fill("#id_end", "4/2026")
    page.click("#dashboard-filter button[type=submit]")
    page.wait_for_load_state()
    assert page.input_value("#id_start") == "tháng 3/2026"
    assert page.input_value("#id_end") == "tháng 4/2026"
    assert "01/03/2026" in page.inner_text("#dashboard-filter") and "30/04/2026" in page.inner_text("#dashboard-filter")
    context.close()
