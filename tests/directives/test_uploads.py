"""Attachments are checked by content, kept under generated names, and only ever downloaded as files."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from directives import services, uploads
from directives.models import Attachment, Directive, DirectiveEvent
from tests.directives.conftest import make_directive

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", **(extra or {})})


def xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def odt() -> bytes:
    return _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"})


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def directive(tree, users):
    return make_directive(users["staff"], tree["tu_son"])


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("Kết luận 120.pdf", PDF, "pdf"),
        ("Kế hoạch.docx", docx(), "docx"),
        ("Danh sách.xlsx", xlsx(), "xlsx"),
        ("Hướng dẫn.odt", odt(), "odt"),
        ("Ảnh.JPG", JPEG, "jpeg"),
        ("Sơ đồ.png", PNG, "png"),
    ],
)
def test_allowed_documents_are_accepted_by_their_content(directive, users, name, data, kind):
    attachment = services.attachment_add(actor=users["staff"], directive=directive, file=upload(name, data))
    assert attachment.kind == kind and attachment.original_name == name and attachment.size == len(data)
    stored = Path(attachment.file.path)
    assert stored.read_bytes() == data
    assert stored.parent.parent.parent == Path(settings.MEDIA_ROOT) / "directives"
    assert name.rsplit(".", 1)[0] not in stored.name  # a generated name, nothing of the user's
    assert DirectiveEvent.objects.filter(directive=directive, kind="attached").count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("ke-hoach.pdf", HTML),  # a web page renamed
        ("ke-hoach.html", HTML),
        ("bao-cao.docx", _zip({"readme.txt": b"hello"})),  # a zip that is no Word file
        ("bao-cao.docx", docx({"word/vbaProject.bin": b"macro"})),  # a macro-enabled document
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100),  # a Windows program
        ("trong.pdf", b""),
        ("anh.pdf", PNG),  # a real PNG whose name says PDF
    ],
)
def test_anything_else_is_refused_whatever_its_name(directive, users, name, data):
    with pytest.raises(ValidationError):
        services.attachment_add(actor=users["staff"], directive=directive, file=upload(name, data))
    assert not Attachment.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "directives").exists()


def test_an_oversized_file_is_refused(directive, users, settings):
    data = PDF + b"0" * settings.MAX_UPLOAD_SIZE
    with pytest.raises(ValidationError, match="limit"):
        services.attachment_add(actor=users["staff"], directive=directive, file=upload("lon.pdf", data))


def test_a_path_in_the_file_name_is_dropped(directive, users):
    attachment = services.attachment_add(
        actor=users["staff"], directive=directive, file=upload("../../etc/passwd.pdf", PDF)
    )
    assert attachment.original_name == "passwd.pdf"
    assert Path(attachment.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert ".." not in attachment.file.name


def test_a_file_whose_row_cannot_be_written_is_not_left_on_disk(directive):
    file = upload("a.pdf", PDF)
    checked = uploads.check(file)
    with pytest.raises(ValueError):  # a row naming an unsaved directive is refused before it reaches the table
        uploads.store(
            Attachment, checked=checked, file=file, folder="directives", uploaded_by=None, directive=Directive()
        )
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in (Path(settings.MEDIA_ROOT) / "directives").rglob("*"))


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("C:\\Users\\Lan\\KL 120.pdf", "KL 120.pdf"),
        ("/etc/passwd", "passwd"),
        ("bad\x00name<script>.pdf", "badnamescript.pdf"),
        ("...", "attachment"),
    ],
)
def test_safe_names(typed, kept):
    assert uploads.safe_name(typed) == kept


def test_the_same_file_twice_is_refused(directive, users):
    services.attachment_add(actor=users["staff"], directive=directive, file=upload("a.pdf", PDF))
    with pytest.raises(ValidationError, match="already attached"):
        services.attachment_add(actor=users["staff"], directive=directive, file=upload("b.pdf", PDF))


def test_upload_page_refuses_a_renamed_html_file(client, directive, users):
    client.force_login(users["staff"])
    url = reverse("directives:attachment_add", args=[directive.pk])
    response = client.post(url, {"files": [upload("ke-hoach.pdf", HTML)]})
    assert response.status_code == 200
    assert "is not a document we accept" in response.content.decode()
    assert not Attachment.objects.exists()
    response = client.post(url, {"files": [upload("ke-hoach.pdf", PDF), upload("so-do.png", PNG)]})
    assert response.status_code == 302 and Attachment.objects.count() == 2


def test_download_is_an_attachment_never_inline(client, directive, users):
    attachment = services.attachment_add(actor=users["staff"], directive=directive, file=upload("Kết luận.pdf", PDF))
    client.force_login(users["reporter_tu_son"])
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''K%E1%BA%BFt%20lu%E1%BA%ADn.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("who", ["reporter_dong_ngan", "staff_ha_noi", "nobody"])
def test_download_is_404_for_users_who_may_not_see_the_directive(client, directive, users, who):
    attachment = services.attachment_add(actor=users["staff"], directive=directive, file=upload("a.pdf", PDF))
    client.force_login(users[who])
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_anonymous_download_goes_to_login(client, directive, users):
    attachment = services.attachment_add(actor=users["staff"], directive=directive, file=upload("a.pdf", PDF))
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
