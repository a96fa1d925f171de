"""Every report page: the unit's own people get in, committee staff above read and review, a sibling
ward or another province gets a 404, and readers cannot write."""

import pytest
from django.urls import reverse

from reports import services
from reports.models import ReportAttachment
from tests.reports.conftest import fill

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def filed(obligation, users):
    """Từ Sơn's first-quarter report, submitted, with a file and one version."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = fill(obligation, users["reporter_tu_son"])
    services.report_attachment_add(
        actor=users["reporter_tu_son"],
        report=report,
        file=SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf"),
    )
    services.report_submit(actor=users["head_tu_son"], report=report)
    return obligation


def _urls(o):
    attachment = ReportAttachment.objects.get(report__obligation=o)
    return {
        "detail": reverse("reports:report_detail", args=[o.pk]),
        "edit": reverse("reports:report_edit", args=[o.pk]),
        "version": reverse("reports:report_version", args=[o.pk, 1]),
        "pdf": reverse("reports:report_pdf", args=[o.pk]),
        "xlsx": reverse("reports:report_xlsx", args=[o.pk]),
        "docx": reverse("reports:report_docx", args=[o.pk]),
        "file": reverse("reports:attachment_download", args=[attachment.pk]),
        "unit": reverse("reports:unit_obligations", args=[o.unit_id]),
    }


GETS = ["detail", "edit", "version", "pdf", "xlsx", "docx", "file", "unit"]
POSTS = ["autosave", "submit", "request_approval", "approve", "send_back", "return", "accept"]


@pytest.mark.parametrize("page", GETS)
@pytest.mark.parametrize("who", ["reporter_dong_ngan", "staff_ha_noi", "nobody"])
def test_other_units_get_404_on_every_page(client, users, filed, page, who):
    client.force_login(users[who])
    assert client.get(_urls(filed)[page]).status_code == 404


@pytest.mark.parametrize("action", POSTS)
@pytest.mark.parametrize("who", ["reporter_dong_ngan", "staff_ha_noi", "nobody"])
def test_other_units_get_404_on_every_action(client, users, filed, action, who):
    client.force_login(users[who])
    if action == "autosave":
        url = reverse("reports:report_autosave", args=[filed.pk])
    else:
        url = reverse("reports:report_action", args=[filed.pk, action])
    assert client.post(url, {"revision": 0, "reason": "x", "note": "x"}).status_code == 404
    filed.refresh_from_db()
    assert filed.status == "submitted"


@pytest.mark.parametrize("page", [p for p in GETS if p != "edit"])
@pytest.mark.parametrize("who", ["reporter_tu_son", "head_tu_son", "staff", "leader", "admin"])
def test_the_units_people_and_the_committee_read_it(client, users, filed, page, who):
    client.force_login(users[who])
    assert client.get(_urls(filed)[page]).status_code == 200


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_readers_cannot_open_the_form(client, users, obligation, who):
    client.force_login(users[who])
    assert client.get(reverse("reports:report_edit", args=[obligation.pk])).status_code == 403
    response = client.post(reverse("reports:report_autosave", args=[obligation.pk]), {"revision": 0})
    assert response.status_code == 403


def test_actions_outside_ones_role_are_403_and_change_nothing(client, users, filed):
    client.force_login(users["reporter_tu_son"])
    assert client.post(reverse("reports:report_action", args=[filed.pk, "accept"])).status_code == 403
    client.force_login(users["leader"])
    assert client.post(reverse("reports:report_action", args=[filed.pk, "return"]), {"reason": "x"}).status_code == 403
    filed.refresh_from_db()
    assert filed.status == "submitted"


def test_an_unknown_action_is_404(client, users, filed):
    client.force_login(users["staff"])
    assert client.post(reverse("reports:report_action", args=[filed.pk, "delete"])).status_code == 404


def test_anonymous_visitors_are_sent_to_login_and_back(client, filed):
    url = reverse("reports:report_edit", args=[filed.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url == f"{reverse('login')}?next={url}"


def test_the_inbox_lists_only_the_units_below_the_committee(client, users, filed):
    client.force_login(users["staff"])
    assert "Phường Từ Sơn" in client.get(reverse("reports:review_inbox")).content.decode()
    client.force_login(users["staff_ha_noi"])
    assert "Phường Từ Sơn" not in client.get(reverse("reports:review_inbox")).content.decode()
    for who in ("reporter_tu_son", "head_tu_son", "leader", "nobody"):
        client.force_login(users[who])
        assert client.get(reverse("reports:review_inbox")).status_code == 403


@pytest.mark.parametrize("page", ["reports:form_list", "reports:form_create"])
def test_form_pages_are_for_committee_staff(client, users, quarterly, page):
    client.force_login(users["reporter_tu_son"])
    assert client.get(reverse(page)).status_code == 403
    client.force_login(users["staff"])
    assert client.get(reverse(page)).status_code == 200


def test_shipped_forms_are_changed_only_by_national_administrators(client, users, quarterly):
    edit = reverse("reports:form_edit", args=[quarterly.pk])
    client.force_login(users["staff"])
    assert client.get(reverse("reports:form_detail", args=[quarterly.pk])).status_code == 200
    assert client.get(edit).status_code == 403
    assert client.get(reverse("reports:form_assign", args=[quarterly.pk])).status_code == 200
    client.force_login(users["admin"])
    assert client.get(edit).status_code == 200


def test_a_file_is_always_a_download(client, users, filed):
    client.force_login(users["reporter_tu_son"])
    response = client.get(_urls(filed)["file"])
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
