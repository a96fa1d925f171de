"""On a phone, committee staff put a weak ward on the watch list from the dashboard's "needs attention" list,
give it a follow-up task through the register, and close the watch with its result."""

import datetime

import pytest

from directives.models import Assignment, Watch
from tests.dashboards.conftest import history  # noqa: F401  (the hand-counted history, as a fixture)
from tests.directives.conftest import doc_type, make_directive
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_staff_watch_a_weak_ward_give_it_a_task_and_close_the_watch(page, live_server, tree, users, history):  # noqa: F811
    staff = users["staff"]
    plan = make_directive(
        staff,
        tree["bac_ninh"],
        symbol="45-KH/TU",
        doc_type=doc_type("Kế hoạch"),
        issuer="Tỉnh ủy Bắc Ninh",
        issued_on=datetime.date(2026, 1, 5),
    )
    login(page, live_server, "staff_bn")
    page.goto(f"{live_server.url}/units/{tree['bac_ninh'].pk}/dashboard/")
    _fits(page)
    first = page.locator("#ranking-worst li").first
    ward_name = first.locator("a").first.inner_text()
    first.locator("a.watch-link").click()
    page.wait_for_url(f"{live_server.url}/watches/new/?unit=*")
    _fits(page)
    review = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    page.fill("#id_reason", "Ba quý liền nộp báo cáo trễ hạn")
    page.fill("#id_review_on", review)
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(f"{live_server.url}/watches/*/")
    watch = Watch.objects.get(status="open")
    assert watch.unit.name == ward_name
    assert page.inner_text("[data-testid=watch-status]") == "Đang theo dõi"
    _fits(page)

    page.select_option("#give-task select[name=directive]", str(plan.pk))
    page.fill("#give-task textarea[name=task]", "Rà soát, nộp ngay các báo cáo còn nợ")
    page.fill("#give-task input[name=deadline]", "2030-01-31")
    page.click("#give-task button[type=submit]")
    page.wait_for_url(f"{live_server.url}/watches/{watch.pk}/")
    assert "Rà soát, nộp ngay các báo cáo còn nợ" in page.inner_text("[data-testid=watch-actions]")
    assert Assignment.objects.filter(unit=watch.unit, directive=plan).count() == 1

    page.click("#close-watch summary")
    page.select_option("#close-watch select[name=outcome]", "improved")
    page.fill("#close-watch textarea[name=result]", "Đã nộp đủ báo cáo còn nợ")
    page.click("#close-watch button[type=submit]")
    page.wait_for_url(f"{live_server.url}/watches/{watch.pk}/")
    assert page.inner_text("[data-testid=watch-status]") == "Đã kết thúc: Đã chuyển biến"
    assert "Đã nộp đủ báo cáo còn nợ" in page.inner_text("[data-testid=watch-result]")
    history_text = page.inner_text("[data-testid=watch-history]")
    assert "Đưa vào danh sách theo dõi" in history_text and "Đưa ra khỏi danh sách theo dõi" in history_text
    _fits(page)
    page.screenshot(path="/tmp/watch-closed-390.png", full_page=True)
