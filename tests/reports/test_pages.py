"""The pages as a ward's people and the committee use them: three pages from login to the report form,
errors next to the fields, days left in working days, query budgets that do not grow with the rows, and
the report as a PDF document and an Excel workbook."""

import datetime
import io
import os
import shutil
import subprocess

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from reports import generation, services
from reports.models import FormAssignment, Obligation, Report, ReportAttachment, Status
from tests.factories import make_unit
from tests.reports.conftest import IN_APRIL, TZ, fill, form_by_code, make_plan, post_data
from units.models import Unit

pytestmark = pytest.mark.django_db
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@time_machine.travel(IN_APRIL, tick=False)
def test_from_login_to_the_report_form_in_three_pages(client, obligation, users):
    response = client.post(reverse("login"), {"username": "reporter_ts", "password": "matkhau-Thu-2026"}, follow=True)
    home = response.content.decode()
    edit = reverse("reports:report_edit", args=[obligation.pk])
    assert response.redirect_chain[-1][0] == "/" and f'href="{edit}"' in home  # page 2: home lists it
    form = client.get(edit)  # page 3: the form, with its button to send it on
    assert form.status_code == 200
    assert 'data-testid="submit"' in form.content.decode() and "Send to the head for approval" in form.content.decode()


@time_machine.travel(IN_APRIL, tick=False)
def test_wrong_figures_are_shown_next_to_their_fields_and_the_text_is_kept(client, obligation, users):
    client.force_login(users["reporter_tu_son"])
    data = post_data(obligation, None, {"MEETINGS": "chín", "PETITIONS_RESOLVED": "12", "ONE_STOP_SATISFACTION": "120"})
    response = client.post(reverse("reports:report_edit", args=[obligation.pk]), {**data, "action": "request_approval"})
    assert response.status_code == 200
    form = response.context["form"]
    codes = {i.code: i.field_name for i in obligation.form.indicators.all()}
    assert form.errors[codes["MEETINGS"]] == ["Enter a whole number, e.g. 12."]
    assert form.errors[codes["ONE_STOP_SATISFACTION"]] == ["Must be at most 100."]
    assert "Số đơn thư đã giải quyết không thể lớn hơn" in form.errors[codes["PETITIONS_RESOLVED"]][0]
    page = response.content.decode()
    field_at = page.index(f'id="id_{codes["MEETINGS"]}"')
    assert page.index("Enter a whole number, e.g. 12.", field_at) - field_at < 600  # right under its input
    report = Report.objects.get(obligation=obligation)
    assert report.status == Status.DRAFT and report.values.get(indicator__code="MEETINGS").raw == "chín"


@time_machine.travel(IN_APRIL, tick=False)
def test_the_reporter_sends_it_to_the_head_who_approves_it(client, obligation, users):
    client.force_login(users["reporter_tu_son"])
    edit = reverse("reports:report_edit", args=[obligation.pk])
    response = client.post(edit, {**post_data(obligation, None), "action": "request_approval"})
    assert response.url == reverse("reports:report_detail", args=[obligation.pk])
    client.force_login(users["head_tu_son"])
    detail = client.get(response.url).content.decode()
    assert 'data-testid="approve"' in detail
    client.post(reverse("reports:report_action", args=[obligation.pk, "approve"]), {"note": ""})
    obligation.refresh_from_db()
    assert obligation.status == Status.SUBMITTED and obligation.on_time


def test_files_are_checked_attached_and_removed_from_the_form(client, obligation, users):
    client.force_login(users["reporter_tu_son"])
    edit = reverse("reports:report_edit", args=[obligation.pk])
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(edit, {**post_data(obligation, None), "action": "save", "attachments": [fake]}, follow=True)
    assert "is not a document we accept" in response.content.decode()
    report = Report.objects.get(obligation=obligation)  # the text was saved all the same
    assert not ReportAttachment.objects.exists()
    good = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    client.post(edit, {**post_data(obligation, report), "action": "save", "attachments": [good]})
    attachment = ReportAttachment.objects.get()
    report.refresh_from_db()
    client.post(edit, {**post_data(obligation, report), "remove_attachment": attachment.pk})
    attachment.refresh_from_db()
    assert attachment.removed_at is not None


@time_machine.travel(datetime.datetime(2026, 2, 13, 9, 0, tzinfo=TZ), tick=False)
def test_days_left_are_working_days_and_groups_say_what_to_do(client, tree, users):
    form = form_by_code("qcdc-month")
    form.cutoff_day, form.due_working_days = 14, 2
    form.save()
    FormAssignment.objects.create(
        form=form, root=tree["tu_son"], include_root=True, starts_on=datetime.date(2026, 1, 1)
    )
    generation.obligations_generate(form=form, year=2026, until=datetime.date(2026, 2, 14))
    client.force_login(users["reporter_tu_son"])
    page = client.get(reverse("reports:unit_obligations", args=[tree["tu_son"].pk])).content.decode()
    # January (15/12–14/01) was due 16/01: overdue. February (15/01–14/02) is due 24/02, after Tết: 2 working days.
    assert "Overdue" in page and "Due soon" in page
    assert "2 working days left" in page
    assert "20 working days overdue" in page


def _many(tree, n: int, start: int = 0) -> None:
    """``n`` more wards under Bắc Ninh, each with a submitted report in the inbox."""
    form = form_by_code("qcdc-quarter")
    form.requires_approval = False
    form.save()
    for i in range(start, start + n):
        make_unit(f"Phường Thử {i}", Unit.Kind.WARD, tree["bac_ninh"])
    generation.obligations_generate(form=form, year=2026)


def _submit_all(users):
    for obligation in Obligation.objects.filter(status=Status.NOT_STARTED, year=2026, period_index=1):
        report = fill(obligation, users["admin"])
        services.report_submit(actor=users["admin"], report=report)


def test_the_inbox_and_the_obligations_page_cost_the_same_with_more_rows(
    client, quarterly, tree, users, django_assert_max_num_queries
):
    inbox = reverse("reports:review_inbox")
    ours = reverse("reports:unit_obligations", args=[tree["tu_son"].pk])
    for start, n in ((0, 1), (1, 30)):
        _many(tree, n, start)
        _submit_all(users)
        for year in (2025, 2027):
            generation.obligations_generate(form=quarterly, year=year)
        client.force_login(users["staff"])
        with django_assert_max_num_queries(9):
            response = client.get(inbox)
        assert response.status_code == 200
        client.force_login(users["reporter_tu_son"])
        with django_assert_max_num_queries(12):
            assert client.get(ours).status_code == 200
    assert Report.objects.filter(status=Status.SUBMITTED).count() == 33


def test_the_report_pages_cost_the_same_with_a_longer_history(client, obligation, users, django_assert_max_num_queries):
    reporter, head, staff = users["reporter_tu_son"], users["head_tu_son"], users["staff"]
    report = fill(obligation, reporter)
    pages = {
        reverse("reports:report_detail", args=[obligation.pk]): 16,
        reverse("reports:report_edit", args=[obligation.pk]): 14,
        reverse("home"): 12,
    }
    for _ in range(4):
        services.report_submit(actor=head, report=report)
        services.report_return(actor=staff, report=report, reason="Bổ sung")
        report = fill(obligation, reporter)
        client.force_login(reporter)
        for url, budget in pages.items():
            with django_assert_max_num_queries(budget):
                assert client.get(url).status_code == 200


def test_an_earlier_version_shows_what_was_submitted_then(client, obligation, users):
    report = fill(obligation, users["reporter_tu_son"], text="Bản đầu")
    services.report_submit(actor=users["head_tu_son"], report=report)
    services.report_return(actor=users["staff"], report=report, reason="Viết lại")
    fill(obligation, users["reporter_tu_son"], text="Bản sửa")
    client.force_login(users["staff"])
    page = client.get(reverse("reports:report_version", args=[obligation.pk, 1])).content.decode()
    assert "Bản đầu" in page and "Bản sửa" not in page
    detail = client.get(reverse("reports:report_detail", args=[obligation.pk])).content.decode()
    assert "Viết lại" in detail and "Version 1" in detail


def test_an_earlier_version_shows_a_yes_no_answer_in_words_not_as_typed(obligation, users, settings):
    report = fill(obligation, users["reporter_tu_son"], figures={"COMMITTEE_CONSOLIDATED": "x"})  # "x" means yes
    services.report_submit(actor=users["head_tu_son"], report=report)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(users["staff"])
    page = client.get(reverse("reports:report_version", args=[obligation.pk, 1])).content.decode()
    assert "<strong>Có</strong>" in page and "<strong>x</strong>" not in page


def test_a_task_assigned_with_a_report_is_on_the_wards_reports_page_at_once(client, tree, users, settings):
    plan = make_plan(tree, users)
    client.force_login(users["staff"])
    response = client.post(
        reverse("directives:assignment_create", args=[plan.pk]),
        {
            "root": tree["tu_son"].pk,
            "include_root": "on",
            "task": "Báo cáo kết quả quán triệt Kết luận 120-KL/TW",
            "role": "lead",
            "deadline": "2030-06-30",
            "report_required": "on",
            "only_open": "on",
        },
    )
    assert response.status_code == 302
    reporter = Client()
    reporter.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    reporter.force_login(users["reporter_tu_son"])
    page = reporter.get(reverse("reports:unit_obligations", args=[tree["tu_son"].pk])).content.decode()
    assert "45-KH/TU" in page and "Hạn nộp 30/06/2030" in page  # no hourly run needed
    sibling = client.get(reverse("reports:unit_obligations", args=[tree["dong_ngan"].pk]))
    assert sibling.status_code == 200 and "45-KH/TU" not in sibling.content.decode()  # only the ward given the task


def _filed(obligation, users) -> Report:
    report = fill(obligation, users["reporter_tu_son"])
    services.report_save_draft(
        actor=users["reporter_tu_son"],
        obligation=obligation,
        revision=report.revision,
        document={"doc_symbol": "12/BC-UBND", "doc_date": datetime.date(2026, 2, 5)},
    )
    services.report_submit(actor=users["head_tu_son"], report=report)
    return report


def test_the_report_prints_as_an_official_document(client, obligation, users, tmp_path):
    if not shutil.which("pdftotext"):
        if REQUIRE_SERVICES:
            pytest.fail("pdftotext (poppler-utils) is missing")
        pytest.skip("pdftotext is not installed")
    head = users["head_tu_son"]
    head.first_name, head.last_name = "Trung", "Hoàng Thế"
    _filed(obligation, users)
    client.force_login(users["staff"])
    response = client.get(reverse("reports:report_pdf", args=[obligation.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout.split()
    )
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN PHƯỜNG TỪ SƠN",
        "Số: 12/BC-UBND",
        "Từ Sơn, ngày 05 tháng 02 năm 2026",
        "BÁO CÁO",
        "Kết quả thực hiện Quy chế dân chủ ở cơ sở quý I năm 2026",
        "I. Công tác lãnh đạo",
        "Số lượt người tham dự họp cộng đồng dân cư",
        "1.240",
        "92,5",
        "Nơi nhận:",
        "Ban Chỉ đạo QCDC Tỉnh Bắc Ninh",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
    ):
        assert expected in text, expected
    assert "DỰ THẢO" not in text  # submitted: no longer a draft
    if shutil.which("pdftoppm"):  # page 1 as an image, as people will see it
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
        )
        assert (tmp_path / "page-1.png").stat().st_size > 10_000


def test_a_draft_prints_marked_as_a_draft(client, obligation, users):
    from reports.documents.pdf import document_context

    report = fill(obligation, users["reporter_tu_son"])
    report.obligation = obligation
    assert document_context(report)["draft"] is True


def test_the_report_exports_to_excel_with_real_numbers(client, obligation, users):
    _filed(obligation, users)
    client.force_login(users["reporter_tu_son"])
    response = client.get(reverse("reports:report_xlsx", args=[obligation.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[4]: row[3] for row in sheet.iter_rows(values_only=True) if len(row) >= 5 and row[4]}
    assert rows["MEETING_PARTICIPANTS"] == 1240 and rows["ONE_STOP_SATISFACTION"] == 92.5
    assert rows["COMMITTEE_CONSOLIDATED"] == "Yes"


def test_form_management_pages_render_for_staff(client, quarterly, users, tree):
    client.force_login(users["staff"])
    assert "Báo cáo quý" in client.get(reverse("reports:form_list")).content.decode()
    detail = client.get(reverse("reports:form_detail", args=[quarterly.pk])).content.decode()
    assert "PETITIONS_RESOLVED" in detail and "Ward" in detail
    response = client.post(
        reverse("reports:form_assign", args=[form_by_code("qcdc-year").pk]),
        {"root": tree["bac_ninh"].pk, "kinds": ["ward", "commune"], "starts_on": "2026-01-01"},
    )
    assert response.status_code == 302
    assert Obligation.objects.filter(form__code="qcdc-year", year=2026).count() == 2


def test_staff_create_a_form_with_sections_and_figures(client, users):
    client.force_login(users["staff"])
    data = {
        "name": "Báo cáo công tác tiếp công dân",
        "code": "tiep-cong-dan",
        "kind": "periodic",
        "period_type": "month",
        "cutoff_day": 14,
        "due_working_days": 2,
        "requires_approval": "on",
        "title": "Công tác tiếp công dân",
        "header": "state",
        "is_active": "on",
        "sections-TOTAL_FORMS": 1,
        "sections-INITIAL_FORMS": 0,
        "sections-0-position": 10,
        "sections-0-title": "I. Kết quả",
        "sections-0-required": "on",
        "indicators-TOTAL_FORMS": 1,
        "indicators-INITIAL_FORMS": 0,
        "indicators-0-position": 10,
        "indicators-0-code": "RECEPTION_DAYS",
        "indicators-0-label": "Số ngày tiếp công dân",
        "indicators-0-value_type": "integer",
        "indicators-0-unit": "ngày",
        "indicators-0-required": "on",
        "indicators-0-min_value": "0",
    }
    response = client.post(reverse("reports:form_create"), data)
    assert response.status_code == 302
    form = form_by_code("tiep-cong-dan")
    assert form.owner_unit.name == "Tỉnh Bắc Ninh" and form.indicators.get().unit == "ngày"
    assert client.get(reverse("reports:form_edit", args=[form.pk])).status_code == 200


def test_form_pages_and_versions_cost_the_same_with_more_rows(
    client, quarterly, obligation, users, tree, django_assert_max_num_queries
):
    from reports.models import ReportForm

    report = fill(obligation, users["reporter_tu_son"])
    services.report_submit(actor=users["head_tu_son"], report=report)
    for size in (1, 15):
        for i in range(size):
            ReportForm.objects.get_or_create(
                code=f"extra-{i}", defaults={"name": f"Báo cáo {i}", "kind": "ad_hoc", "title": "Tình hình"}
            )
            unit = make_unit(f"Huyện {size}-{i}", Unit.Kind.DISTRICT, tree["bac_ninh"])
            FormAssignment.objects.create(
                form=quarterly, root=unit, kinds=["commune"], starts_on=datetime.date(2026, 1, 1)
            )
        client.force_login(users["staff"])
        for url, budget in (
            (reverse("reports:form_list"), 7),
            (reverse("reports:form_detail", args=[quarterly.pk]), 12),
            (reverse("reports:form_assign", args=[quarterly.pk]), 10),
            (reverse("reports:report_version", args=[obligation.pk, 1]), 8),
            (reverse("reports:my_reports") + "?own=1", 15),  # two pages: the redirect and the unit's
        ):
            with django_assert_max_num_queries(budget):
                response = client.get(url, follow=True)
            assert response.status_code == 200, url


def test_the_inbox_counts_the_wait_in_working_days(client, obligation, users):
    """Filed on Friday 03/04/2026, read on Monday 13/04: 6, 7, 8, 9, 10 and 13/04, 6 working days (10 days)."""
    with time_machine.travel(datetime.datetime(2026, 4, 3, 9, 0, tzinfo=TZ), tick=False):
        services.report_submit(actor=users["head_tu_son"], report=fill(obligation, users["head_tu_son"]))
    client.force_login(users["staff"])
    with time_machine.travel(datetime.datetime(2026, 4, 13, 9, 0, tzinfo=TZ), tick=False):
        page = client.get(reverse("reports:review_inbox")).content.decode()
    assert "waiting 6 working days" in page
