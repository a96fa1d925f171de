"""Checking an uploaded attachment by what it is, not by what it is called.

Only PDF, DOCX, XLSX, ODT, JPEG and PNG are accepted. The first bytes (and, for the zip-based office
formats, the names inside the zip) decide the kind; the file name must agree with it. A renamed HTML
page, a macro-enabled workbook or an executable is refused whatever its extension. Files are stored
under a generated name, so nothing the user typed ever becomes part of a path on disk.
"""

import datetime
import hashlib
import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from qcdc import archives


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


KINDS = {
    k.code: k
    for k in (
        Kind("pdf", "PDF", (".pdf",), "application/pdf"),
        Kind(
            "docx",
            "Word (DOCX)",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        Kind("xlsx", "Excel (XLSX)", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Kind("odt", "OpenDocument (ODT)", (".odt",), "application/vnd.oasis.opendocument.text"),
        Kind("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg"),
        Kind("png", "PNG", (".png",), "image/png"),
    )
}
ACCEPT = ",".join(ext for kind in KINDS.values() for ext in kind.extensions)
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]+")


def safe_name(name: str) -> str:
    """The file name alone, as shown back to users: no folders, no control characters, at most 200 characters.

    ``'../../etc/passwd.pdf'`` -> ``'passwd.pdf'``; ``'C:\\\\Users\\\\a\\\\KL 120.pdf'`` -> ``'KL 120.pdf'``.
    """
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/")
    name = _UNSAFE.sub("", name.rsplit("/", 1)[-1]).strip().lstrip(".")
    stem, ext = os.path.splitext(name)
    if len(name) > 200:
        name = stem[: 200 - len(ext)] + ext
    return name or "attachment"


def sniff(head: bytes, file) -> str | None:
    """The kind code the content really is, or None. ``head`` is the first bytes; ``file`` is seekable."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(file)
    return None


def _sniff_zip(file) -> str | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE:
                        return "odt"
                return None
            if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
                return None  # not Office Open XML, or carries macros
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


@dataclass(frozen=True)
class Checked:
    kind: Kind
    name: str
    size: int
    sha256: str


def check(file) -> Checked:
    """Refuse (ValidationError) anything but an allowed kind of the allowed size whose name agrees with its content."""
    name = safe_name(getattr(file, "name", ""))
    size = file.size
    limit = settings.MAX_UPLOAD_SIZE
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    file.seek(0)
    head = file.read(16)
    if head.startswith(b"PK\x03\x04"):
        try:
            archives.check_zip(file)
        except ValidationError as exc:
            raise ValidationError(
                _("“%(name)s”: %(reason)s") % {"name": name, "reason": exc.messages[0]}, code=exc.code
            ) from None
    code = sniff(head, file)
    allowed = ", ".join(k.label for k in KINDS.values())
    if code is None:
        raise ValidationError(
            _("“%(name)s” is not a document we accept. Allowed: %(allowed)s.") % {"name": name, "allowed": allowed},
            code="bad_content",
        )
    kind = KINDS[code]
    if os.path.splitext(name)[1].lower() not in kind.extensions:
        raise ValidationError(
            _("“%(name)s” is really a %(kind)s file; give it the right extension (%(ext)s) and upload it again.")
            % {"name": name, "kind": kind.label, "ext": kind.extensions[0]},
            code="extension_mismatch",
        )
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        digest.update(chunk)
    file.seek(0)
    return Checked(kind=kind, name=name, size=size, sha256=digest.hexdigest())


def storage_name(kind: Kind, today: datetime.date, folder: str) -> str:
    """Where a file goes under MEDIA_ROOT: ``directives/2026/02/<uuid>.pdf``; nothing of the user's name."""
    return f"{folder}/{today:%Y/%m}/{uuid.uuid4().hex}{kind.extensions[0]}"


def store(model, *, checked: Checked, file, folder: str, uploaded_by, **owner):
    """Save a checked file under a generated name in ``folder`` and create its ``model`` row (a StoredFile).

    ``owner`` names the row's parent (``directive=...``, ``report=...``). If the row cannot be created the
    stored file is deleted again, so a refused upload leaves nothing on disk.
    """
    stored = default_storage.save(storage_name(checked.kind, timezone.localdate(), folder), file)
    try:
        return model.objects.create(
            file=stored,
            original_name=checked.name,
            kind=checked.kind.code,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=uploaded_by,
            **owner,
        )
    except Exception:
        default_storage.delete(stored)
        raise


def download(stored_file) -> FileResponse:
    """A stored file as a download, never shown inline: the browser must not render an uploaded file as a page."""
    kind = KINDS.get(stored_file.kind)
    try:
        handle = stored_file.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored_file.original_name,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
