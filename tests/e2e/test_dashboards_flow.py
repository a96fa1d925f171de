"""The issue's scenario on a phone: the leader of Bắc Ninh opens the dashboard from the menu, sees the
province's figures, drills down to a ward, and opens that ward's late report."""

import pytest

from tests.dashboards.conftest import history  # noqa: F401  (the hand-counted history, as a fixture)
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_leader_drills_down_from_the_province_to_a_wards_late_report(page, live_server, tree, users, history):  # noqa: F811
    bac_ninh, tu_son, late = tree["bac_ninh"], tree["tu_son"], history["late_of_tu_son"]
    login(page, live_server, "leader_bn")
    page.click(".navbar-toggler")
    page.click("#nav-dashboard")
    page.wait_for_url(f"{live_server.url}/units/{bac_ninh.pk}/dashboard/")
    _fits(page)
    # This year (the default): Từ Sơn 3 due, Đông Ngàn 3, Tân Hồng 1 (closed in April).
    assert page.get_attribute("#fig-expected", "data-value") == "7"
    assert page.get_attribute("#fig-overdue", "data-value") == "2"
    assert page.locator("#heatmap td[data-state=missing]").count() == 2
    assert page.locator("#chart-trend").is_visible()

    page.click(f"#units-table tr[data-unit='{tu_son.pk}'] a")
    page.wait_for_url(f"{live_server.url}/units/{tu_son.pk}/dashboard/")
    _fits(page)
    assert page.get_attribute("#fig-expected", "data-value") == "3"
    assert page.locator("#dashboard-crumbs a", has_text=bac_ninh.name).count() == 1
    assert "Trần Thị Bình" in page.inner_text("#overdue-table")  # the head when the missing report fell due

    page.click(f"#late-list a[href='/reports/{late.pk}/']")
    page.wait_for_url(f"{live_server.url}/reports/{late.pk}/")
    _fits(page)
    assert tu_son.name in page.inner_text("main") or tu_son.name in page.content()


def test_the_charts_write_numbers_the_vietnamese_way(page, live_server, tree, users, history):  # noqa: F811
    """Chart.js formats ticks and tooltips with the page's locale: "86,4 %", "1.386", as the tables do."""
    login(page, live_server, "leader_bn")
    page.goto(f"{live_server.url}/units/{tree['bac_ninh'].pk}/dashboard/?from=2025-01&to=2026-12")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-children')")
    seen = page.evaluate(
        """() => {
            const rates = Chart.getChart("chart-children"), trend = Chart.getChart("chart-trend");
            const label = rates.options.plugins.tooltip.callbacks.label;
            return {
                ticks: rates.scales.x.ticks.map((t) => t.label),
                tooltip: label({dataset: {label: "Tỷ lệ"}, raw: 86.4}),
                locale: trend.options.locale,
                big: trend.scales.y.getLabelForValue(1386),
            };
        }"""
    )
    assert seen["ticks"][-1] == "100 %" and all(t.endswith(" %") for t in seen["ticks"])
    assert seen["tooltip"] == "Tỷ lệ: 86,4 %"
    assert seen["locale"] == "vi-VN" and seen["big"] == "1.386"
