"""The issue's scenario on a phone: a staff member of Bắc Ninh enters Kết luận 120-KL/TW and a town plan
implementing it, assigns a task to every ward of Từ Sơn; a ward's reporter sees the task on their page and
cannot see another ward's confidential directive."""

import datetime
import re

import holidays
import pytest
from django.utils import timezone

from directives import services
from directives.models import Directive, DirectiveType
from tests.directives.conftest import TU_SON_WARDS, build_town, make_directive
from tests.e2e.conftest import login
from tests.factories import make_user
from units.models import RoleGrant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TASK = "Quán triệt Kế hoạch 45-KH/TU đến toàn thể cán bộ, đảng viên và báo cáo kết quả"


@pytest.fixture
def town(tree):
    town = build_town(tree)
    make_user("reporter_db", role=RoleGrant.Role.REPORTER, unit=town["Đình Bảng"])
    return town


def _open_menu_item(page, href: str) -> None:
    page.click(".navbar-toggler")  # the phone menu
    page.click(f"#mainnav a[href='{href}']")


def _type_id(name: str) -> str:
    return str(DirectiveType.objects.get(name=name, family=DirectiveType.Family.PARTY).pk)


def test_staff_enter_a_cascade_and_assign_it_and_a_ward_sees_only_its_own(
    page, browser, live_server, tree, users, town, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # Another ward's confidential directive, assigned to that ward only.
    secret = make_directive(
        users["staff"],
        town["Đồng Kỵ"],
        symbol="03-CT/ĐU",
        doc_type=DirectiveType.objects.get(name="Chỉ thị", family="party"),
        issuer="Đảng ủy phường Đồng Kỵ",
        abstract="Chỉ thị mật của phường Đồng Kỵ",
        confidentiality=Directive.Confidentiality.SECRET,
        issued_on=datetime.date(2025, 9, 1),
    )
    services.assignment_bulk_create(
        actor=users["staff"], directive=secret, task="Việc mật", units=[town["Đồng Kỵ"]], deadline=None
    )

    # 1. The staff member of Bắc Ninh enters Kết luận 120-KL/TW with its PDF.
    login(page, live_server, "staff_bn")
    _open_menu_item(page, "/directives/")
    page.click("a[href='/directives/new/']")
    assert page.get_by_test_id("picked-unit").inner_text() == "Tỉnh Bắc Ninh"  # their own unit, already chosen
    page.select_option("#id_doc_type", _type_id("Kết luận"))
    page.fill("#id_symbol", "120-KL/TW")
    page.fill("#id_issued_on", "2016-01-07")
    page.fill("#id_issuer", "Ban Chấp hành Trung ương")
    page.fill("#id_abstract", "Về tiếp tục đẩy mạnh xây dựng và thực hiện quy chế dân chủ ở cơ sở")
    page.set_input_files(
        "#id_attachments", files=[{"name": "Ket-luan-120.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.click("main form[method=post] button[type=submit]")
    assert page.locator("h1").inner_text() == "120-KL/TW"
    assert page.get_by_role("link", name="Ket-luan-120.pdf").is_visible()

    # Entering it a second time is refused, with a link to the entry.
    page.goto(f"{live_server.url}/directives/new/")
    page.select_option("#id_doc_type", _type_id("Kết luận"))
    page.fill("#id_symbol", "120-KL/TW")
    page.fill("#id_issued_on", "2016-01-07")
    page.fill("#id_issuer", "Ban Chấp hành Trung ương")
    page.fill("#id_abstract", "Nhập lại")
    page.click("main form[method=post] button[type=submit]")
    page.get_by_test_id("duplicate").get_by_role("link", name="120-KL/TW").click()
    assert page.locator("h1").inner_text() == "120-KL/TW"

    # 2. The town's plan implementing it, kept in the register of Thị xã Từ Sơn.
    page.click("a[href*='/directives/new/?implements=']")
    page.fill("#unit-q", "tu son")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Thị xã Từ Sơn").click()
    assert page.get_by_test_id("picked-unit").inner_text() == "Thị xã Từ Sơn"
    page.select_option("#id_doc_type", _type_id("Kế hoạch"))
    page.fill("#id_symbol", "45-KH/TU")
    page.fill("#id_issued_on", "2020-02-05")
    page.fill("#id_issuer", "Thị ủy Từ Sơn")
    page.fill("#id_issued_place", "Từ Sơn")
    page.fill("#id_abstract", "Thực hiện Kết luận số 120-KL/TW của Bộ Chính trị")
    page.click("main form[method=post] button[type=submit]")
    assert page.locator("h1").inner_text() == "45-KH/TU"
    assert page.locator("section[aria-labelledby=cascade-title]").get_by_role("link", name="120-KL/TW").is_visible()

    # 3. A task for every ward of Từ Sơn.
    page.locator("a[href$='/assign/']").first.click()
    assert page.get_by_test_id("picked-unit").inner_text() == "Thị xã Từ Sơn"
    page.uncheck("input[name=kinds][value=commune]")
    page.check("input[name=kinds][value=ward]")
    page.fill("#id_task", TASK)
    page.fill("#id_deadline", (timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    page.click("main form[method=post] button[type=submit]")
    assert re.search(rf"\b{len(TU_SON_WARDS)}\b", page.locator(".alert-success").inner_text())  # in either language
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # 4. A reporter of Phường Đình Bảng sees the task on their page, with the working days left of those 30.
    ward = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    reporter = ward.new_page()
    login(reporter, live_server, "reporter_db")
    _open_menu_item(reporter, "/tasks/")
    tasks = reporter.get_by_test_id("tasks")
    assert TASK in tasks.inner_text() and "45-KH/TU" in tasks.inner_text()
    assert f"{working_days_in_the_next(30)} " in reporter.get_by_test_id("days-left").inner_text()
    assert reporter.evaluate("document.documentElement.scrollWidth") <= 390
    tasks.get_by_role("link", name="45-KH/TU").click()
    assert reporter.locator("h1").inner_text() == "45-KH/TU"

    # …and cannot see Đồng Kỵ's confidential directive, by the register or by its address.
    reporter.goto(f"{live_server.url}/directives/")
    assert "03-CT/ĐU" not in reporter.content()
    assert reporter.goto(f"{live_server.url}{secret.get_absolute_url()}").status == 404
    ward.close()


def working_days_in_the_next(days: int) -> int:
    """Mondays to Fridays that are not Vietnamese public holidays, from tomorrow to ``days`` days ahead."""
    today = timezone.localdate()
    off = holidays.country_holidays("VN", years=[today.year, today.year + 1])
    span = (today + datetime.timedelta(days=n) for n in range(1, days + 1))
    return sum(1 for day in span if day.weekday() < 5 and day not in off)
