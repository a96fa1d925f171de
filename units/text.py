"""Text helpers: Vietnamese search ignores diacritics, so every searchable name keeps a folded key."""

import re

from unidecode import unidecode

_SPACES = re.compile(r"[^a-z0-9]+")


def search_key(text: str) -> str:
    """'Phường Đông Ngàn' -> 'phuong dong ngan'; 'TỪ SƠN' -> 'tu son' (đ folds to d)."""
    return _SPACES.sub(" ", unidecode(text or "").lower()).strip()
