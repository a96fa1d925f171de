"""The issue's scenario on phones: a ward's reporter fills the quarterly QCDC report, the head approves it,
it is submitted, the committee returns it asking for a figure, the reporter corrects it and the head
approves it again from his home page, it is accepted; every step shows in its history, and the PDF reads as a real document. Then:
nothing typed is lost, neither to an expired session nor to a colleague saving the same draft."""

import datetime
import os
import shutil
import subprocess

import pytest

from reports import generation
from reports.models import FormAssignment, Obligation, Report, ReportEvent, Status
from tests.e2e.conftest import login
from tests.factories import make_person
from tests.reports.conftest import FIGURES, form_by_code
from units.models import Headship

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "vi-VN"}
REASON = "Đề nghị bổ sung số đơn thư đã giải quyết trong quý."


@pytest.fixture
def quarter(tree, users):
    """Phường Từ Sơn owes the shipped quarterly form for the first quarter of 2026; it has a head."""
    form = form_by_code("qcdc-quarter")
    FormAssignment.objects.create(form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=datetime.date(2026, 1, 1))
    generation.obligations_generate(form=form, year=2026, until=datetime.date(2026, 1, 1))
    head = make_person("Hoàng Thế Trung", unit=tree["tu_son"], user=users["head_tu_son"])
    Headship.objects.create(
        unit=tree["tu_son"], person=head, title="Chủ tịch UBND", started_on=datetime.date(2025, 7, 1)
    )
    return Obligation.objects.get(form=form, unit=tree["tu_son"])


def _phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _fill_form(page, obligation, figures) -> None:
    for section in obligation.form.sections.all():
        page.fill(f"#id_{section.field_name}", f"{section.title}: đã thực hiện đầy đủ theo kế hoạch.")
    for indicator in obligation.form.indicators.all():
        selector = f"#id_{indicator.field_name}"
        if indicator.value_type == "boolean":
            page.select_option(selector, "yes")
        else:
            page.fill(selector, figures.get(indicator.code, ""))


def _status(obligation) -> str:
    obligation.refresh_from_db()
    return obligation.status


def test_reporter_head_and_committee_take_the_report_all_the_way(browser, live_server, quarter, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    resolved = quarter.form.indicators.get(code="PETITIONS_RESOLVED")

    # 1. The reporter logs in; the home page lists the report; one tap opens the form (three pages).
    ward, reporter = _phone(browser)
    login(reporter, live_server, "reporter_ts")
    assert "Báo cáo phải nộp" in reporter.get_by_test_id("home-reports").inner_text()  # the site speaks Vietnamese
    reporter.get_by_test_id("home-reports").locator(f"a[href='/reports/{quarter.pk}/edit/']").click()
    _fill_form(reporter, quarter, FIGURES)
    reporter.locator("#save-status").filter(has_text=":").wait_for()  # saved while typing
    assert Report.objects.get(obligation=quarter).revision >= 1
    _fits(reporter)
    reporter.get_by_test_id("submit").click()  # "send to the head": the quarterly form needs approval
    reporter.wait_for_url(f"{live_server.url}/reports/{quarter.pk}/")
    assert _status(quarter) == Status.AWAITING_APPROVAL
    assert "Chờ người đứng đầu duyệt" in reporter.locator("[data-status=awaiting]").first.inner_text()

    # 2. The head reads it and approves it: it goes to the committee.
    office, head = _phone(browser)
    login(head, live_server, "head_ts")
    head.goto(f"{live_server.url}/reports/{quarter.pk}/")
    _fits(head)
    head.get_by_test_id("approve").click()
    head.wait_for_load_state()
    assert _status(quarter) == Status.SUBMITTED

    # 3. The committee finds it in its inbox and returns it, asking for a figure.
    committee, staff = _phone(browser)
    login(staff, live_server, "staff_bn")
    staff.click(".navbar-toggler")
    staff.click("#mainnav a[href='/reports/']")  # committee staff land on their inbox
    assert "Báo cáo chờ xem xét" in staff.locator("h1").inner_text()
    row = staff.get_by_test_id("inbox-row").filter(has_text="Phường Từ Sơn")
    _fits(staff)
    row.locator(f"a[href='/reports/{quarter.pk}/']").first.click()
    staff.fill("#return-reason", REASON)
    staff.get_by_test_id("return").click()
    staff.wait_for_load_state()
    assert _status(quarter) == Status.RETURNED

    # 4. The reporter sees why, corrects the figure and sends it to the head again: a corrected report is
    #    approved again. The head's home page opens with it; he approves it.
    reporter.goto(f"{live_server.url}/")
    reporter.get_by_test_id("home-reports").locator(f"a[href='/reports/{quarter.pk}/edit/']").click()
    assert REASON in reporter.get_by_test_id("return-reason").inner_text()
    assert "đã trả lại báo cáo lúc" in reporter.get_by_test_id("return-reason").inner_text()
    reporter.fill(f"#id_{resolved.field_name}", "8")
    reporter.get_by_test_id("submit").click()
    reporter.wait_for_url(f"{live_server.url}/reports/{quarter.pk}/")
    assert _status(quarter) == Status.AWAITING_APPROVAL
    head.goto(f"{live_server.url}/")
    to_sign = head.get_by_test_id("to-sign")
    assert "1 báo cáo chờ đồng chí ký duyệt" in to_sign.inner_text()
    to_sign.locator(f"a[href='/reports/{quarter.pk}/']").click()
    head.get_by_test_id("approve").click()
    head.wait_for_load_state()
    assert _status(quarter) == Status.RESUBMITTED

    # 5. The committee accepts it from the inbox.
    staff.goto(f"{live_server.url}/reports/review/")
    staff.get_by_test_id("inbox-row").filter(has_text="Phường Từ Sơn").locator("button[type=submit]").click()
    staff.wait_for_load_state()
    assert _status(quarter) == Status.ACCEPTED
    assert quarter.returned_count == 1 and quarter.first_submitted_at is not None

    # 6. Every step shows in the history, with both versions; the figure was corrected.
    reporter.goto(f"{live_server.url}/reports/{quarter.pk}/")
    history = reporter.get_by_test_id("history").locator("li")
    assert history.count() == 7
    assert REASON in reporter.get_by_test_id("history").inner_text()
    assert "Chấp nhận" in reporter.get_by_test_id("history").inner_text()
    assert "Đã chấp nhận" in reporter.locator("[data-status=accepted]").first.inner_text()
    assert reporter.get_by_test_id("versions").locator("li").count() == 2
    kinds = list(ReportEvent.objects.filter(report__obligation=quarter).order_by("pk").values_list("kind", flat=True))
    assert kinds == [
        "created",
        "approval_requested",
        "approved",
        "returned",
        "approval_requested",
        "approved",
        "accepted",
    ]
    _fits(reporter)

    # 7. The PDF reads as a document of the ward's People's Committee, signed by its head.
    response = reporter.request.get(f"{live_server.url}/reports/{quarter.pk}/document.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "bao-cao.pdf"
    pdf.write_bytes(response.body())
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "ỦY BAN NHÂN DÂN PHƯỜNG TỪ SƠN",
            "BÁO CÁO",
            "Hoàng Thế Trung",
        ):
            assert expected in text
        page_image = os.environ.get("QCDC_REPORT_PDF_PNG")  # set it to look at page 1 as an image
        if page_image and shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), page_image])
    for context in (ward, office, committee):
        context.close()


def test_an_expired_session_loses_no_text(browser, live_server, quarter):
    section = quarter.form.sections.first()
    context, page = _phone(browser)
    login(page, live_server, "reporter_ts")
    page.goto(f"{live_server.url}/reports/{quarter.pk}/edit/")
    field = f"#id_{section.field_name}"
    page.fill(field, "Phần đầu đã lưu.")
    page.locator("#save-status").filter(has_text=":").wait_for()

    context.clear_cookies(name="sessionid")  # the session ends while the reporter is still typing
    page.fill(field, "Phần đầu đã lưu. Phần sau gõ khi phiên đã hết hạn.")
    notice = page.locator("#report-notices .alert-warning")
    notice.wait_for()
    notice.locator("a").click()  # log in again: back to the form, with the text put back
    page.fill("#id_username", "reporter_ts")
    page.fill("#id_password", "matkhau-Thu-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/reports/{quarter.pk}/edit/")
    page.locator("#report-notices .alert-info").wait_for()
    assert page.input_value(field) == "Phần đầu đã lưu. Phần sau gõ khi phiên đã hết hạn."
    page.locator("#save-status").filter(has_text=":").wait_for()
    page.wait_for_function("document.querySelector('#save-status').textContent.indexOf(':') > 0")
    for _ in range(50):
        if "hết hạn" in Report.objects.get(obligation=quarter).narrative.get(str(section.pk), ""):
            break
        page.wait_for_timeout(200)
    assert Report.objects.get(obligation=quarter).narrative[str(section.pk)].endswith("khi phiên đã hết hạn.")
    context.close()


def test_two_people_on_one_draft_see_each_others_text(browser, live_server, quarter):
    section = quarter.form.sections.first()
    field = f"#id_{section.field_name}"
    url = f"{live_server.url}/reports/{quarter.pk}/edit/"
    reporter_context, reporter = _phone(browser)
    login(reporter, live_server, "reporter_ts")
    reporter.goto(url)
    reporter.fill(field, "Bản nháp đầu tiên.")
    reporter.locator("#save-status").filter(has_text=":").wait_for()
    head_context, head = _phone(browser)
    login(head, live_server, "head_ts")
    head.goto(url)  # both now hold the same revision
    reporter.reload()

    head.fill(field, "Người đứng đầu viết lại phần này.")
    # The head's save must land first: the status line already reads "…: <time>" for a saved draft.
    for _ in range(100):
        if Report.objects.get(obligation=quarter).narrative.get(str(section.pk)) == "Người đứng đầu viết lại phần này.":
            break
        head.wait_for_timeout(200)
    reporter.fill(field, "Cán bộ báo cáo bổ sung phần này.")
    panel = reporter.get_by_test_id("conflict-live")
    panel.wait_for()
    assert "Người đứng đầu viết lại phần này." in panel.inner_text()
    assert reporter.input_value(field) == "Cán bộ báo cáo bổ sung phần này."  # neither text disappears
    panel.locator("#conflict-keep").click()
    for _ in range(50):
        if Report.objects.get(obligation=quarter).narrative[str(section.pk)].startswith("Cán bộ"):
            break
        reporter.wait_for_timeout(200)
    assert Report.objects.get(obligation=quarter).narrative[str(section.pk)] == "Cán bộ báo cáo bổ sung phần này."
    reporter_context.close()
    head_context.close()
