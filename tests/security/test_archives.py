"""Damaged and hostile archives: attachments (DOCX/XLSX are zips) and unit imports are refused with a
message, measured from the zip's directory before anything is inflated, and never answered with a 500."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directives.models import Attachment
from tests.directives.conftest import make_directive

IMPORT_URL = "/units/import/"
HEADINGS = ["Tên đơn vị", "Loại", "Mã đơn vị cấp trên", "Tên đơn vị cấp trên", "Mã", "Ngày thành lập", "Địa chỉ"]
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]>"
)


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _docx(**extra: bytes) -> dict[str, bytes]:
    return {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", **extra}


def _workbook() -> dict[str, bytes]:
    book = openpyxl.Workbook()
    book.active.append(HEADINGS)
    book.active.append(["Thôn Mới", "Thôn", None, None, None, None, None])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _sheet_with_entities() -> bytes:
    sheet = _workbook()["xl/worksheets/sheet1.xml"]
    return LAUGHS + sheet.split(b"?>", 1)[-1].replace(b"Th&#244;n M&#7899;i", b"&lol9;")


def _workbook_with_entities(members) -> bytes:
    part = members["xl/workbook.xml"]
    assert b'name="Sheet"' in part
    return LAUGHS + part.split(b"?>", 1)[-1].replace(b'name="Sheet"', b'name="&lol9;"')


ATTACHMENTS = {
    "bomb": ("ke-hoach.docx", _zip(_docx(**{"word/media/big.bin": b"\0" * (64 * 1024 * 1024)})), "zip bomb"),
    "entries": (
        "ke-hoach.docx",
        _zip(_docx(**{f"word/part{i}.xml": b"" for i in range(10_000)}), zipfile.ZIP_STORED),
        "Tệp chứa 10.002 thành phần; một văn bản có tối đa 1.000",
    ),
    "truncated": ("ke-hoach.docx", _zip(_docx(**{"word/styles.xml": b"<a/>" * 4000}))[:-60], "bị hỏng"),
}


@pytest.fixture
def directive(tree, users):
    return make_directive(users["staff"], tree["tu_son"])


@pytest.mark.parametrize("case", sorted(ATTACHMENTS))
def test_a_hostile_archive_is_refused_as_an_attachment_with_a_message(client, directive, users, settings, case):
    settings.MAX_UPLOAD_SIZE = 5 * 1024 * 1024
    name, data, message = ATTACHMENTS[case]
    client.force_login(users["staff"])
    url = reverse("directives:attachment_add", args=[directive.pk])
    response = client.post(url, {"files": [SimpleUploadedFile(name, data)]})
    assert response.status_code == 200
    page = response.content.decode().replace("\xa0", " ")
    assert message in page and "ke-hoach.docx" in page
    assert not Attachment.objects.exists()


def test_an_archive_too_large_once_unpacked_is_refused(client, directive, users, settings):
    settings.ARCHIVE_MAX_UNCOMPRESSED = 100_000
    client.force_login(users["staff"])
    data = _zip(_docx(**{"word/styles.xml": bytes(range(256)) * 600}))
    response = client.post(
        reverse("directives:attachment_add", args=[directive.pk]), {"files": [SimpleUploadedFile("a.docx", data)]}
    )
    assert "giới hạn là 97,7 KB" in response.content.decode().replace("\xa0", " ")
    assert not Attachment.objects.exists()


WORKBOOKS = {
    "truncated sheet": (lambda m: {**m, "xl/worksheets/sheet1.xml": m["xl/worksheets/sheet1.xml"][:-40]}, "bị hỏng"),
    "entity expansion": (
        lambda m: {**m, "xl/worksheets/sheet1.xml": _sheet_with_entities()},
        "không phải là tệp Excel",
    ),
    "entities in the workbook part": (
        lambda m: {**m, "xl/workbook.xml": _workbook_with_entities(m)},
        "không phải là tệp Excel",
    ),
    "too large unpacked": (lambda m: {**m, "xl/worksheets/sheet2.xml": b"A" * (40 * 1024 * 1024)}, "giải nén"),
    "zip bomb": (lambda m: {**m, "xl/media/image1.png": b"A" * (20 * 1024 * 1024)}, "zip bomb"),
    "10,000 entries": (lambda m: {**m, **{f"xl/media/p{i}.xml": b"" for i in range(10_000)}}, "Tệp chứa 10.0"),
    "not a zip inside": (lambda m: {"xl/worksheets/sheet1.xml": b"<worksheet/>"}, "không phải là tệp Excel"),
}


@pytest.mark.parametrize("case", sorted(WORKBOOKS))
def test_a_damaged_or_hostile_workbook_gets_a_vietnamese_message_not_a_500(client, tree, users, settings, case):
    settings.MAX_UPLOAD_SIZE = 5 * 1024 * 1024
    change, message = WORKBOOKS[case]
    data = _zip(change(_workbook()))
    client.force_login(users["staff"])
    response = client.post(IMPORT_URL, {"parent": tree["tu_son"].pk, "file": SimpleUploadedFile("don-vi.xlsx", data)})
    assert response.status_code == 200
    assert message in response.content.decode().replace("\xa0", " ")
    assert not tree["tu_son"].children.exists()


def test_the_unchanged_workbook_imports(client, tree, users):
    """The hostile cases above start from this file: untouched, it is a good import."""
    client.force_login(users["staff"])
    data = _zip(_workbook())
    response = client.post(IMPORT_URL, {"parent": tree["tu_son"].pk, "file": SimpleUploadedFile("don-vi.xlsx", data)})
    assert response.status_code == 302
    assert list(tree["tu_son"].children.values_list("name", flat=True)) == ["Thôn Mới"]
