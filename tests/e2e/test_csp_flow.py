"""In a real browser the strict Content-Security-Policy blocks nothing the site needs: no console
report of a violation on the busiest pages, and the language switch (once an inline handler) works."""

import pytest

from tests.dashboards.conftest import history  # noqa: F401  (the hand-counted history, as a fixture)
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_busiest_pages_break_no_rule_of_the_policy(page, live_server, tree, users, history):  # noqa: F811
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, live_server, "leader_bn")
    bac_ninh = tree["bac_ninh"].pk
    for path in (f"/units/{bac_ninh}/dashboard/", f"/units/{bac_ninh}/heads/", "/directives/", "/profile/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []

    page.goto(f"{live_server.url}/units/{bac_ninh}/dashboard/")
    assert page.locator("#chart-trend").is_visible()
    page.select_option("#lang", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations == []
