"""Text helpers: Vietnamese search ignores diacritics, so every searchable name keeps a folded key."""

import re
import unicodedata

from unidecode import unidecode

_SPACES = re.compile(r"[^a-z0-9]+")


def search_key(text: str) -> str:
    """'Phường Đông Ngàn' -> 'phuong dong ngan'; 'TỪ SƠN' -> 'tu son' (đ folds to d)."""
    return _SPACES.sub(" ", unidecode(text or "").lower()).strip()


# Control characters (C0, DEL, C1) and the invisible format characters that reorder or hide text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL_IN_TEXT = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff]"
)


def clean_line(text: str) -> str:
    """A name as stored: NFC, no control characters, single spaces. ``'Thôn\\r\\nĐồng  Tâm'`` -> ``'Thôn Đồng Tâm'``."""
    text = unicodedata.normalize("NFC", text or "")
    return " ".join(_CONTROL.sub(" ", text).split())


def clean_text(text: str) -> str:
    """Free text as stored: NFC, line breaks as ``\\n``, tabs kept, other control characters removed."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_IN_TEXT.sub("", text)


def name_identity(text: str) -> str:
    """What makes two names the same name: NFC, case and spacing ignored, accents kept."""
    return clean_line(text).casefold()
