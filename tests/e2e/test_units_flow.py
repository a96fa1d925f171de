"""A staff member of Bắc Ninh logs in on a phone, finds a ward in the tree and opens its page."""

import datetime
import re

import pytest

from tests.e2e.conftest import login
from tests.factories import make_body, make_person
from units.models import Headship

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_browse_the_tree_to_a_ward_and_see_its_head(page, live_server, tree, users):
    head = make_person("Nguyễn Văn An", email="an@tuson.vn", unit=tree["tu_son"])
    Headship.objects.create(
        unit=tree["tu_son"], person=head, title="Bí thư Đảng ủy", started_on=datetime.date(2025, 7, 1)
    )
    make_body(tree["tu_son"], name="Ban Chỉ đạo QCDC phường Từ Sơn")

    login(page, live_server, "staff_bn")
    page.click(".navbar-toggler")  # the phone menu
    page.locator("#mainnav.show").wait_for()
    # Units, people and the import are under Organisation.
    page.locator("#mainnav a.dropdown-toggle", has_text=re.compile("Tổ chức|Organisation")).click()
    page.locator("#mainnav a.dropdown-item[href='/units/']").click()
    page.locator("li", has_text="Tỉnh Bắc Ninh").locator("button.qcdc-toggle").first.click()
    page.get_by_role("link", name="Phường Từ Sơn").click()

    assert page.locator("h1").inner_text() == "Phường Từ Sơn"
    assert page.get_by_text("Nguyễn Văn An").is_visible()
    assert page.get_by_text("Ban Chỉ đạo QCDC phường Từ Sơn").is_visible()
    # Works on a 390 px phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_search_without_diacritics_from_the_tree_page(page, live_server, tree, users):
    login(page, live_server, "staff_bn")
    page.goto(f"{live_server.url}/units/")
    page.fill("#q", "dong ngan")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Phường Đông Ngàn").click()
    assert page.locator("h1").inner_text() == "Phường Đông Ngàn"


def test_a_ward_reporter_cannot_open_a_sibling_ward(page, live_server, tree, users):
    login(page, live_server, "reporter_dn")
    response = page.goto(f"{live_server.url}{tree['tu_son'].get_absolute_url()}")
    assert response.status == 404
