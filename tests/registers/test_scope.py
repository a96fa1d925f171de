"""Another unit's rows are a 404 on every page, export, file and API address; one's own are there."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registers import registry, services
from registers.models import RecordAttachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

pytestmark = pytest.mark.django_db


def _pages(slug, pk):
    return [
        reverse("registers:record_detail", args=[slug, pk]),
        reverse("registers:record_edit", args=[slug, pk]),
        f"/api/v1/{slug}/{pk}/",
    ]


@pytest.mark.parametrize("slug", list(registry.REGISTERS))
def test_another_wards_row_is_404_everywhere(client, users, rows_dong_ngan, rows_tu_son, slug):
    client.force_login(users["reporter_tu_son"])
    theirs = rows_dong_ngan[slug]
    for url in _pages(slug, theirs.pk):
        assert client.get(url).status_code == 404, url
    ours = rows_tu_son[slug]
    for url in _pages(slug, ours.pk):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("slug", list(registry.REGISTERS))
def test_lists_exports_and_api_hold_only_own_rows(client, users, tree, rows_dong_ngan, rows_tu_son, slug):
    client.force_login(users["reporter_tu_son"])
    page = client.get(reverse("registers:record_list", args=[slug]))
    assert rows_tu_son[slug].subject in page.content.decode()
    assert rows_dong_ngan[slug].subject not in page.content.decode()
    # Filtering by another ward's subtree is a 404, not an empty list that confirms the ward exists.
    assert client.get(reverse("registers:record_list", args=[slug]), {"unit": tree["dong_ngan"].pk}).status_code == 404
    assert (
        client.get(reverse("registers:record_export", args=[slug]), {"unit": tree["dong_ngan"].pk}).status_code == 404
    )
    export = client.get(reverse("registers:record_export", args=[slug]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    subjects = [c for row in sheet.iter_rows(min_row=2, values_only=True) for c in row]
    assert rows_tu_son[slug].subject in subjects
    assert rows_dong_ngan[slug].subject not in subjects
    api = client.get(f"/api/v1/{slug}/").json()
    assert [r["subject"] for r in api["results"]] == [rows_tu_son[slug].subject]
    api = client.get(f"/api/v1/{slug}/", {"unit": tree["dong_ngan"].pk}).json()
    assert api["results"] == []


def test_another_wards_file_is_404(client, users, rows_dong_ngan, uploads_in_tmp):
    register = registry.DISCLOSURES
    row = rows_dong_ngan[register.slug]
    attachment = services.attachment_add(
        actor=users["reporter_dong_ngan"], register=register, record=row, file=SimpleUploadedFile("anh.png", PNG)
    )
    client.force_login(users["reporter_tu_son"])
    assert client.get(attachment.get_absolute_url()).status_code == 404
    client.force_login(users["reporter_dong_ngan"])
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert RecordAttachment.objects.filter(register=register.slug, record_id=row.pk).count() == 1


def test_leader_reads_but_may_not_enter(client, users, rows_tu_son):
    client.force_login(users["leader"])
    row = rows_tu_son["disclosures"]
    assert client.get(row.get_absolute_url()).status_code == 200
    assert client.get(reverse("registers:record_edit", args=["disclosures", row.pk])).status_code == 403
    assert client.get(reverse("registers:record_create", args=["disclosures"])).status_code == 403


def test_unknown_register_is_404(client, users):
    client.force_login(users["reporter_tu_son"])
    assert client.get("/registers/no-such/").status_code == 404
