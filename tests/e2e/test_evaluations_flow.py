"""The annual evaluation on a phone: the province's committee configures the year and opens it, the ward
self-assesses beside its computed evidence, its head approves, the committee decides, and the sheet prints."""

import pytest

from tests.dashboards.conftest import history  # noqa: F401  (the hand-counted history, as a fixture)
from tests.e2e.conftest import login
from tests.factories import make_signer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _logout(page, live_server):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")


def test_configure_self_assess_approve_decide_print(page, live_server, tree, users, history, tmp_path):  # noqa: F811
    tu_son = tree["tu_son"]
    make_signer(users["head_tu_son"], tu_son)
    login(page, live_server, "staff_bn")
    page.click(".navbar-toggler")
    page.click("#mainnav a[href='/evaluations/']")
    page.wait_for_url(f"{live_server.url}/evaluations/")
    page.select_option("#id_unit", str(tree["bac_ninh"].pk))
    page.fill("#id_year", "2026")
    page.select_option("#id_subject", "unit")
    page.click("#set-create button[type=submit]")
    page.wait_for_selector("#criteria-table")
    _fits(page)
    assert page.locator("#criteria-table tbody tr").count() == 6
    page.click("#set-open")
    page.wait_for_selector("#ranking-table")
    assert tu_son.name in page.inner_text("#ranking-table")

    _logout(page, live_server)
    login(page, live_server, "reporter_ts")
    page.goto(f"{live_server.url}/evaluations/")
    page.click(f"#evaluation-list a:has-text('{tu_son.name}')")
    page.wait_for_selector("#score-table")
    _fits(page)
    evidence = page.locator("#score-table .evidence").all_inner_texts()
    assert any("1/3" in text or "2/5" in text for text in evidence), evidence  # the year's on-time count
    assert page.locator("#score-table .evidence a").count() >= 3  # a link to what each figure counts
    for field in page.locator("#score-table input[name^=points_]").all():
        if not field.input_value():
            field.fill("12")
    page.fill("#summary", "Tự đánh giá: hoàn thành các nhiệm vụ chính.")
    page.click("#save-scores")
    page.wait_for_selector(".alert-success")
    page.click("#submit-evaluation")
    page.wait_for_selector("#evaluation-status")
    url = page.url

    _logout(page, live_server)
    login(page, live_server, "head_ts")
    page.goto(url)
    page.click("#approve-evaluation")
    page.wait_for_selector(".alert-success")

    _logout(page, live_server)
    login(page, live_server, "staff_bn")
    page.goto(url)
    page.select_option("#adjust-form select[name=criterion]", index=1)
    page.fill("#adjust-form input[name=points]", "10")
    page.fill("#adjust-form textarea[name=reason]", "Một báo cáo quý còn trễ hạn")
    page.click("#adjust-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    page.fill("#decide-form input[name=decision_symbol]", "12-QĐ/BCĐ")
    page.fill("#decide-form input[name=decision_date]", "20/12/2026")
    page.click("#decide-form button[type=submit]")
    page.wait_for_selector("#evaluation-level")
    _fits(page)
    assert page.locator("#decide-form").count() == 0 and page.locator("#save-scores").count() == 0
    assert "12-QĐ/BCĐ" in page.inner_text("main")
    with page.expect_download() as download:
        page.click("#sheet-pdf")
    path = tmp_path / "sheet.pdf"
    download.value.save_as(path)
    assert path.read_bytes()[:5] == b"%PDF-"
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(tmp_path / "decided-1366.png"), full_page=True)
