"""Zip archives (DOCX, XLSX, ODT are zips) are measured from their directory before any member is read.

``zipfile`` never inflates a member past the size its directory declares (it stops there and fails the
check sum), so the declared sizes bound what reading the archive can cost: too many entries, too much
once inflated, or a member that inflates far beyond what it weighs (a zip bomb) is refused up front.
"""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# A member this large that inflates more than MAX_RATIO times is a bomb, not a document.
RATIO_FLOOR = 1024 * 1024
MAX_RATIO = 200


def check_zip(file, *, max_entries: int | None = None, max_uncompressed: int | None = None) -> None:
    """Raise ``ValidationError`` (a message for the user) unless ``file`` is a zip of sane size; rewinds it."""
    max_entries = max_entries or settings.ARCHIVE_MAX_ENTRIES
    max_uncompressed = max_uncompressed or settings.ARCHIVE_MAX_UNCOMPRESSED
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ValidationError(
            _("The file is damaged and cannot be read. Save it again and retry."), code="damaged"
        ) from None
    finally:
        file.seek(0)
    if len(members) > max_entries:
        raise ValidationError(
            _("The file holds %(n)s parts; a document has at most %(limit)s. It cannot be accepted.")
            % {
                "n": number_format(len(members), force_grouping=True),
                "limit": number_format(max_entries, force_grouping=True),
            },
            code="too_many_entries",
        )
    total = sum(m.file_size for m in members)
    if total > max_uncompressed:
        raise ValidationError(
            _("Once unpacked the file would take %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(total), "limit": filesizeformat(max_uncompressed)},
            code="too_large_unpacked",
        )
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise ValidationError(
                _("The file inflates far beyond its size when unpacked (a “zip bomb”). It cannot be accepted."),
                code="zip_bomb",
            )
