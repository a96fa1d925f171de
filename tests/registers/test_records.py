"""Entering rows through the pages: the computed result of a ballot, files, history, the rule of who may."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registers.models import CommunityDecision, Disclosure, MatterKind, RecordAttachment
from registers.models.records import carries
from units.models import AuditEvent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("agreeing", "total", "threshold", "expected"),
    [
        (101, 200, 50, True),
        (100, 200, 50, False),  # exactly half is not more than half
        (0, 0, 50, False),
        (134, 200, Decimal("66.67"), True),
        (133, 200, Decimal("66.67"), False),
    ],
)
def test_carries_needs_more_than_the_threshold(agreeing, total, threshold, expected):
    assert carries(agreeing=agreeing, total=total, threshold=threshold) is expected


def _decision_post(unit, kind, **extra):
    data = {
        "unit": unit.pk,
        "date": "2026-03-02",
        "subject": "Bỏ phiếu đóng góp làm đường",
        "matter_kind": kind.pk,
        "method": "ballot",
        "households_total": "300",
        "households_present": "250",
        "households_agreeing": "151",
    }
    data.update(extra)
    return data


def test_a_ballot_entered_on_the_page_shows_whether_it_carries(client, users, tree):
    kind = MatterKind.objects.get(name="Đóng góp xây dựng công trình công cộng")
    client.force_login(users["reporter_tu_son"])
    url = reverse("registers:record_create", args=["community-decisions"])
    page = client.get(url)
    assert page.status_code == 200 and 'id="ballot-result"' in page.content.decode()
    response = client.post(url, _decision_post(tree["tu_son"], kind), follow=True)
    decision = CommunityDecision.objects.get()
    assert decision.carried and decision.threshold_percent == 50 and decision.entered_by == users["reporter_tu_son"]
    assert 'class="alert alert-success" data-testid="carried"' in response.content.decode()
    assert "151/300" not in response.content.decode()  # the page states it in words: 151 of 300 households
    event = AuditEvent.objects.get(action="register.community-decisions.created")
    assert event.actor == users["reporter_tu_son"] and event.unit == tree["tu_son"]


def test_a_stricter_kind_of_matter_changes_new_results_not_old_ones(client, users, tree):
    kind = MatterKind.objects.create(name="Việc cần hai phần ba", threshold_percent=Decimal("66.67"))
    client.force_login(users["reporter_tu_son"])
    url = reverse("registers:record_create", args=["community-decisions"])
    client.post(url, _decision_post(tree["tu_son"], kind, households_agreeing="199"))
    decision = CommunityDecision.objects.get()
    assert decision.threshold_percent == Decimal("66.67") and not decision.carried
    kind.threshold_percent = 50
    kind.save()
    decision.refresh_from_db()
    assert not decision.carried  # the rule in force when it was decided


def test_more_agreeing_than_present_is_refused_on_the_form(client, users, tree):
    kind = MatterKind.objects.first()
    client.force_login(users["reporter_tu_son"])
    url = reverse("registers:record_create", args=["community-decisions"])
    response = client.post(url, _decision_post(tree["tu_son"], kind, households_agreeing="260"))
    assert response.status_code == 200
    assert CommunityDecision.objects.count() == 0


def test_a_disclosure_with_its_photo_and_an_edit_in_the_history(client, users, tree, uploads_in_tmp):
    client.force_login(users["reporter_tu_son"])
    url = reverse("registers:record_create", args=["disclosures"])
    response = client.post(
        url,
        {
            "unit": tree["tu_son"].pk,
            "date": "2026-01-15",
            "subject": "Dự toán ngân sách phường năm 2026",
            "group": "budget",
            "form": "posted",
            "days_posted": "30",
            "files": [SimpleUploadedFile("niem-yet.png", PNG, content_type="image/png")],
        },
    )
    disclosure = Disclosure.objects.get()
    assert response.status_code == 302 and response["Location"] == disclosure.get_absolute_url()
    assert RecordAttachment.objects.get().original_name == "niem-yet.png"
    edit = reverse("registers:record_edit", args=["disclosures", disclosure.pk])
    client.post(
        edit,
        {
            "date": "2026-01-16",
            "subject": disclosure.subject,
            "group": "budget",
            "form": "website",
            "days_posted": "30",
        },
    )
    disclosure.refresh_from_db()
    assert disclosure.date == datetime.date(2026, 1, 16)
    changed = AuditEvent.objects.get(action="register.disclosures.updated")
    assert set(changed.data) == {"date", "form"}
    detail = client.get(disclosure.get_absolute_url()).content.decode()
    assert "niem-yet.png" in detail


def test_a_renamed_page_is_refused_as_a_photo(client, users, tree, uploads_in_tmp):
    client.force_login(users["reporter_tu_son"])
    url = reverse("registers:record_create", args=["disclosures"])
    client.post(
        url,
        {
            "unit": tree["tu_son"].pk,
            "date": "2026-01-15",
            "subject": "Dự toán",
            "group": "budget",
            "form": "posted",
            "files": [SimpleUploadedFile("anh.png", b"<html><script>alert(1)</script></html>")],
        },
    )
    assert Disclosure.objects.count() == 0 and RecordAttachment.objects.count() == 0


def test_a_reporter_cannot_enter_rows_for_another_ward(client, users, tree):
    client.force_login(users["reporter_tu_son"])
    url = reverse("registers:record_create", args=["disclosures"])
    assert client.get(url, {"unit": tree["dong_ngan"].pk}).status_code == 404
    client.force_login(users["leader"])
    assert client.get(url, {"unit": tree["tu_son"].pk}).status_code == 403  # in sight, not theirs to write


def test_supervision_recommendations_and_their_resolution(client, users, tree):
    client.force_login(users["reporter_tu_son"])
    url = reverse("registers:record_create", args=["supervisions"])
    response = client.post(
        url,
        {
            "unit": tree["tu_son"].pk,
            "date": "2026-02-01",
            "subject": "Giám sát thi công đường liên thôn",
            "board": "investment",
            "violations_found": "1",
            "rec-TOTAL_FORMS": "2",
            "rec-INITIAL_FORMS": "0",
            "rec-0-text": "Bổ sung lớp đá dăm đúng thiết kế",
            "rec-0-resolution": "Nhà thầu đã khắc phục",
            "rec-0-resolved_on": "2026-02-20",
            "rec-1-text": "",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Bổ sung lớp đá dăm đúng thiết kế" in body and "Nhà thầu đã khắc phục" in body
