"""Signing: the signature printed is that of the holder of the issuing body's post who approved it, on
the day; a revised report goes to the head again; the head is told what awaits his signature and the
reporter that the report was accepted.

Phường Từ Sơn has a Party secretary (the accountable head, Nguyễn Văn An), a People's Committee chairman
(Hoàng Thế Trung, the shared head login) and a deputy chairman (Lê Thị Bình), each with a head login.
"""

import datetime
import os
import shutil
import subprocess

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reports import services
from reports.documents import signing
from reports.models import Delivery, Notification, Report, Status
from reports.reminders import escalation_reached, obligation_log, sending, sweep
from tests.factories import make_person, make_user
from tests.reports.conftest import TZ, fill, post_data
from units import permissions
from units.models import Headship, RoleGrant, Unit
from units.services import head_on

pytestmark = pytest.mark.django_db
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
D = datetime.date


def at(day: datetime.date, hour: int = 10):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=TZ), tick=False)


@pytest.fixture
def people(tree, users):
    """The ward's three signing posts, each holder with a head login (the chairman is the shared one)."""
    tu_son = tree["tu_son"]
    secretary = make_user("bithu_ts", role=RoleGrant.Role.HEAD, unit=tu_son, email="an@tuson.vn")
    an = make_person("Nguyễn Văn An", unit=tu_son, user=secretary)
    Headship.objects.create(unit=tu_son, person=an, title="Bí thư Đảng ủy", started_on=D(2025, 7, 1))
    deputy = make_user("phochutich_ts", role=RoleGrant.Role.HEAD, unit=tu_son)
    binh = make_person("Lê Thị Bình", unit=tu_son, user=deputy)
    Headship.objects.create(
        unit=tu_son, person=binh, title="Phó Chủ tịch UBND", started_on=D(2025, 7, 1), is_principal=False
    )
    chairman = users["head_tu_son"]
    chairman.email = "trung@tuson.vn"
    chairman.save()
    return {"secretary": secretary, "chairman": chairman, "deputy": deputy, "reporter": users["reporter_tu_son"]}


def pdf_text(client, obligation, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        if REQUIRE_SERVICES:
            pytest.fail("pdftotext (poppler-utils) is missing")
        pytest.skip("pdftotext is not installed")
    response = client.get(reverse("reports:report_pdf", args=[obligation.pk]))
    assert response.status_code == 200
    pdf = tmp_path / f"report-{obligation.pk}.pdf"
    pdf.write_bytes(response.content)
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(out.split())


def awaiting(obligation, reporter) -> Report:
    report = fill(obligation, reporter)
    services.report_request_approval(actor=reporter, report=report)
    return report


# A head per function --------------------------------------------------------------------------------


def test_a_peoples_committee_report_is_signed_by_the_chairman_not_the_party_secretary(
    client, obligation, people, tree, tmp_path
):
    with at(D(2026, 4, 3)):
        report = awaiting(obligation, people["reporter"])
        assert report.issuing_body == Report.IssuingBody.PEOPLES_COMMITTEE  # the quarterly form's usual body
        with pytest.raises(PermissionDenied):
            services.report_approve(actor=people["secretary"], report=report)
        services.report_approve(actor=people["chairman"], report=report)
    client.force_login(people["reporter"])
    text = pdf_text(client, obligation, tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" not in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text and "KT." not in text
    assert "Hoàng Thế Trung" in text and "Nguyễn Văn An" not in text
    # The dashboards still hold the accountable head (the secretary) to account for the ward.
    assert head_on(tree["tu_son"], obligation.due_date).person.full_name == "Nguyễn Văn An"


def test_a_deputy_chairman_signs_for_the_chairman(client, obligation, people, tmp_path):
    with at(D(2026, 4, 3)):
        report = awaiting(obligation, people["reporter"])
        services.report_approve(actor=people["deputy"], report=report)
    client.force_login(people["deputy"])
    text = pdf_text(client, obligation, tmp_path)
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "Lê Thị Bình" in text and "Hoàng Thế Trung" not in text


def test_a_party_report_chosen_on_the_edit_page_has_the_party_header_and_the_secretary_signs(
    client, obligation, people, tmp_path
):
    edit = reverse("reports:report_edit", args=[obligation.pk])
    client.force_login(people["reporter"])
    with at(D(2026, 4, 3)):
        page = client.get(edit).context["form"]  # the new report's fields as the browser posts them back
        shown = {name: page.initial.get(name) or "" for name in ("doc_place", "issuer", "doc_symbol", "recipients")}
        response = client.post(edit, post_data(obligation, None, **shown, issuing_body="party", action="save"))
        assert response.status_code == 302
        report = Report.objects.get(obligation=obligation)
        assert report.issuing_body == Report.IssuingBody.PARTY_COMMITTEE
        assert report.issuer.splitlines() == ["ĐẢNG BỘ TỈNH BẮC NINH", "ĐẢNG ỦY PHƯỜNG TỪ SƠN"]
        assert report.doc_symbol == "-BC/ĐU"
        assert (report.signer_title, report.signer_name) == ("T/M ĐẢNG ỦY\nBÍ THƯ", "Nguyễn Văn An")
        page = client.get(edit).content.decode()
        assert "Nguyễn Văn An" in page  # the reporter sees who will sign
        shown = {name: getattr(report, name) for name in ("doc_place", "issuer", "doc_symbol", "recipients")}
        client.post(edit, post_data(obligation, report, **shown, issuing_body="party", action="request_approval"))
        report.refresh_from_db()
        assert report.status == Status.AWAITING_APPROVAL

        # The chairman holds no Party post: no button, and the action is refused.
        client.force_login(people["chairman"])
        detail = client.get(reverse("reports:report_detail", args=[obligation.pk])).content.decode()
        assert 'data-testid="approve"' not in detail
        client.post(reverse("reports:report_action", args=[obligation.pk, "approve"]))
        report.refresh_from_db()
        assert report.status == Status.AWAITING_APPROVAL

        client.force_login(people["secretary"])
        client.post(reverse("reports:report_action", args=[obligation.pk, "approve"]))
        report.refresh_from_db()
        assert report.status == Status.SUBMITTED and report.approved_by == people["secretary"]
        text = pdf_text(client, obligation, tmp_path)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA" not in text
    assert "ĐẢNG ỦY PHƯỜNG TỪ SƠN" in text
    assert "T/M ĐẢNG ỦY BÍ THƯ" in text and "TM. ỦY BAN" not in text
    assert "Nguyễn Văn An" in text and "Hoàng Thế Trung" not in text


def test_an_agencys_report_is_signed_by_its_director_or_for_him_by_a_deputy(client, quarterly, tree, tmp_path):
    from reports import generation
    from reports.models import FormAssignment, Obligation
    from tests.factories import make_unit

    agency = make_unit("Sở Nội vụ", Unit.Kind.AGENCY, tree["bac_ninh"])
    FormAssignment.objects.create(form=quarterly, root=agency, kinds=[], include_root=True, starts_on=D(2025, 1, 1))
    generation.obligations_generate(form=quarterly, year=2026)
    obligation = Obligation.objects.get(form=quarterly, unit=agency, year=2026, period_index=1)
    reporter = make_user("baocao_snv", role=RoleGrant.Role.REPORTER, unit=agency)
    deputy = make_user("phogiamdoc_snv", role=RoleGrant.Role.HEAD, unit=agency)
    for name, title, user in (("Vũ Văn Đông", "Giám đốc", None), ("Ngô Thị Hà", "Phó Giám đốc", deputy)):
        person = make_person(name, unit=agency, user=user)
        Headship.objects.create(
            unit=agency,
            person=person,
            title=title,
            function=Headship.Function.AGENCY,
            started_on=D(2025, 1, 1),
            is_principal=user is None,
        )
    with at(D(2026, 4, 3)):
        report = awaiting(obligation, reporter)
        assert report.issuing_body == Report.IssuingBody.AGENCY  # an agency issues its own reports
        assert (report.signer_title, report.signer_name) == ("GIÁM ĐỐC", "Vũ Văn Đông")
        services.report_approve(actor=deputy, report=report)
        client.force_login(deputy)
        text = pdf_text(client, obligation, tmp_path)
    assert "TỈNH BẮC NINH SỞ NỘI VỤ" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text and "Ngô Thị Hà" in text and "TM." not in text
    assert "Bắc Ninh, ngày 03 tháng 4 năm 2026" in text  # the place is where the agency is, not its name


# Re-approval ----------------------------------------------------------------------------------------


def test_a_revised_report_goes_to_the_head_again_and_the_pdf_says_which_version_he_approved(
    client, obligation, people, users, tmp_path
):
    reporter, chairman = people["reporter"], people["chairman"]
    with at(D(2026, 4, 3), 9):
        report = awaiting(obligation, reporter)
        services.report_approve(actor=chairman, report=report)
    with at(D(2026, 4, 8)):
        services.report_return(actor=users["staff"], report=report, reason="Bổ sung số đơn thư.")
    client.force_login(reporter)
    edit = reverse("reports:report_edit", args=[obligation.pk])
    with at(D(2026, 4, 9)):
        report.refresh_from_db()
        page = client.get(edit)
        assert page.context["submit_action"] == "request_approval"  # the button sends it to the head
        # Submitting over the head's head is refused: the report stays with the unit.
        client.post(edit, post_data(obligation, report, {"PETITIONS_RESOLVED": "8"}, action="submit"))
        report.refresh_from_db()
        assert report.status == Status.RETURNED
        client.post(edit, post_data(obligation, report, {"PETITIONS_RESOLVED": "8"}, action="request_approval"))
        report.refresh_from_db()
        assert report.status == Status.AWAITING_APPROVAL
    with at(D(2026, 4, 14), 15):
        services.report_approve(actor=chairman, report=report)
    text = pdf_text(client, obligation, tmp_path)
    assert "Bản số 2, ký duyệt: Hoàng Thế Trung, lúc 15:00 ngày 14/04/2026." in text
    detail = client.get(reverse("reports:report_detail", args=[obligation.pk])).content.decode()
    assert "Version 2 · approved by Hoàng Thế Trung, 14/04/2026 15:00" in detail


def test_where_the_form_lets_a_revision_go_up_unsigned_the_pdf_says_it_was_not_approved_again(
    client, obligation, people, users, tmp_path
):
    obligation.form.reapproval_required = False
    obligation.form.save()
    reporter = people["reporter"]
    with at(D(2026, 4, 3), 9):
        report = awaiting(obligation, reporter)
        services.report_approve(actor=people["chairman"], report=report)
    with at(D(2026, 4, 8)):
        services.report_return(actor=users["staff"], report=report, reason="Bổ sung số đơn thư.")
    with at(D(2026, 4, 9), 11):
        services.report_submit(actor=reporter, report=fill(obligation, reporter, {"PETITIONS_RESOLVED": "8"}))
    client.force_login(reporter)
    text = pdf_text(client, obligation, tmp_path)
    assert (
        "Bản số 2, nộp lúc 11:00 ngày 09/04/2026, không qua ký duyệt lại "
        "(bản số 1 do Hoàng Thế Trung ký duyệt lúc 09:00 ngày 03/04/2026)."
    ) in text
    detail = client.get(reverse("reports:report_detail", args=[obligation.pk])).content.decode()
    assert "Version 2 · not approved by the head" in detail


def test_a_draft_prints_as_unapproved(client, obligation, people, tmp_path):
    with at(D(2026, 4, 3)):
        fill(obligation, people["reporter"])
    client.force_login(people["reporter"])
    assert "Dự thảo, chưa được ký duyệt." in pdf_text(client, obligation, tmp_path)


# Telling the people who must act --------------------------------------------------------------------


def run_day(day: datetime.date) -> None:
    """What the beat and a worker do: sweep, then send what waits."""
    with at(day, 8):
        sweep.sweep(today=day, publish=False)
        sending.deliveries_send(list(Delivery.objects.filter(status="pending").values_list("id", flat=True)), today=day)


def test_the_signer_is_told_and_his_home_page_opens_with_the_reports_to_sign(
    client, obligation, people, users, django_assert_max_num_queries
):
    with at(D(2026, 4, 3), 9):
        report = awaiting(obligation, people["reporter"])
    run_day(D(2026, 4, 3))
    told = Delivery.objects.filter(obligation=obligation, stage__code="awaiting-signature", status="sent")
    assert sorted(told.values_list("channel", "name")) == [("email", "Hoàng Thế Trung"), ("inapp", "Hoàng Thế Trung")]
    title = "Chờ đồng chí ký duyệt: Báo cáo quý về thực hiện QCDC ở cơ sở, Quý I/2026, Phường Từ Sơn"
    (email,) = [m for m in mail.outbox if m.subject == f"[QCDC] {title}"]
    assert email.to == ["trung@tuson.vn"] and report.obligation.get_absolute_url() in email.body
    bell = Notification.objects.get(user=people["chairman"])
    assert bell.title == title and bell.url == obligation.get_absolute_url()
    # Neither the secretary (accountable, but not the signer of this body) nor the deputy is disturbed.
    assert not Notification.objects.filter(user__in=[people["secretary"], people["deputy"]]).exists()
    run_day(D(2026, 4, 4))
    assert told.count() == 2  # told once

    client.force_login(people["chairman"])
    with at(D(2026, 4, 3), 11), django_assert_max_num_queries(25):
        home = client.get(reverse("home")).content.decode()
    assert "1 report awaits your signature" in home
    assert reverse("reports:report_detail", args=[obligation.pk]) in home
    client.force_login(people["secretary"])
    with at(D(2026, 4, 3), 11):
        assert "awaits your signature" not in client.get(reverse("home")).content.decode()

    with at(D(2026, 4, 6), 9):
        services.report_approve(actor=people["chairman"], report=report)
    client.force_login(people["chairman"])
    with at(D(2026, 4, 6), 11):
        assert "awaits your signature" not in client.get(reverse("home")).content.decode()


def test_the_home_page_counts_every_report_awaiting_signature(client, quarterly, tree, people, settings):
    from reports import generation
    from reports.models import Obligation

    generation.obligations_generate(form=quarterly, year=2025)
    owed = list(Obligation.objects.filter(form=quarterly, unit=tree["tu_son"], year=2025).order_by("period_index"))
    with at(D(2026, 4, 3)):
        for obligation in owed:
            awaiting(obligation, people["reporter"])
    client.force_login(people["deputy"])  # a deputy may sign too, but the chairman is the one asked
    with at(D(2026, 4, 3)):
        home = client.get(reverse("home")).content.decode()
    assert f"{len(owed)} reports await your signature" in home
    for obligation in owed:
        assert reverse("reports:report_detail", args=[obligation.pk]) in home
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"  # as the head reads it
    with at(D(2026, 4, 3)):
        assert f"{len(owed)} báo cáo chờ đồng chí ký duyệt" in client.get(reverse("home")).content.decode()


def test_the_reporter_is_told_when_the_report_is_accepted(obligation, people, users):
    with at(D(2026, 4, 3)):
        report = awaiting(obligation, people["reporter"])
    run_day(D(2026, 4, 3))
    with at(D(2026, 4, 3), 11):
        services.report_approve(actor=people["chairman"], report=report)
    with at(D(2026, 4, 8)):
        services.report_accept(actor=users["staff"], report=report, note="Đạt yêu cầu")
    run_day(D(2026, 4, 8))
    bell = Notification.objects.get(user=people["reporter"], delivery__stage__code="accepted")
    assert bell.title == "Đã được chấp nhận: Báo cáo quý về thực hiện QCDC ở cơ sở, Quý I/2026, Phường Từ Sơn"
    run_day(D(2026, 4, 9))
    assert Notification.objects.filter(user=people["reporter"], delivery__stage__code="accepted").count() == 1
    # The notices of the signature and the acceptance are no reminders: the report's log and the
    # dashboards' "latest reminder" do not count them.
    assert Delivery.objects.filter(obligation=obligation, stage__code="awaiting-signature", status="sent").exists()
    sent = Delivery.objects.filter(obligation=obligation, status="sent")
    due_reminders = sent.filter(stage__ladder="due").values("stage").distinct().count()
    assert obligation_log(obligation.pk).reminders == due_reminders
    reached = escalation_reached([obligation.pk]).get(obligation.pk)
    assert reached is None or reached.stage not in ("awaiting-signature", "accepted")


# A former head cannot approve -----------------------------------------------------------------------


def test_a_head_whose_term_ended_cannot_approve_with_his_remaining_grant(client, obligation, people, tree):
    chairman = people["chairman"]
    term = Headship.objects.get(person__user=chairman)
    term.ended_on = D(2026, 11, 30)
    term.save()
    assert RoleGrant.objects.filter(user=chairman, role=RoleGrant.Role.HEAD).exists()  # the grant was left
    with at(D(2026, 11, 30)):
        report = awaiting(obligation, people["reporter"])
        assert permissions.may_approve(
            chairman, tree["tu_son"], posts=signing.posts_signing(report)
        )  # his last day in office
    with at(D(2026, 12, 1)):
        with pytest.raises(PermissionDenied):
            services.report_approve(actor=chairman, report=report)
        assert not permissions.may_approve(chairman, tree["tu_son"], posts=signing.posts_signing(report))
        client.force_login(chairman)
        detail = client.get(reverse("reports:report_detail", args=[obligation.pk])).content.decode()
        assert 'data-testid="approve"' not in detail
        client.post(reverse("reports:report_action", args=[obligation.pk, "approve"]))
        assert "awaits your signature" not in client.get(reverse("home")).content.decode()
    report.refresh_from_db()
    assert report.status == Status.AWAITING_APPROVAL and report.approved_by is None

    # His successor, in office from 01/12, signs.
    successor = make_user("chutich_moi", role=RoleGrant.Role.HEAD, unit=tree["tu_son"])
    person = make_person("Đỗ Văn Hải", unit=tree["tu_son"], user=successor)
    Headship.objects.create(
        unit=tree["tu_son"], person=person, title="Chủ tịch UBND", started_on=D(2026, 12, 1), is_principal=False
    )
    with at(D(2026, 12, 1)):
        services.report_approve(actor=successor, report=report)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.signer_name == "Đỗ Văn Hải"
