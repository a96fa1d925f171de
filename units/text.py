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


# Vietnamese alphabetical order (as ICU's "vi" collation sorts): letters first, then the tone marks
# (none, huyền, hỏi, ngã, sắc, nặng), case ignored. Letters outside the alphabet sit where their
# Latin base letter does; a run of digits sorts as its number ("Tổ 2" before "Tổ 10").
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_LETTER = {ch: "2" + _B36[i] if i < 36 else "3" + _B36[i - 36] for i, ch in enumerate(_ALPHABET)}
_VOWEL_MARK = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn (base letter decides)
_WITH_MARK = {("a", "ă"): "ă", ("a", "â"): "â", ("e", "â"): "ê", ("o", "â"): "ô", ("o", "ơ"): "ơ", ("u", "ơ"): "ư"}
_TONE = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_SPACE, _OTHER, _LEVELS = "01", "02", "00"


def _letters(char: str) -> list[tuple[str, str]]:
    """(primary weight, tone) of each letter a character stands for."""
    parts = unicodedata.normalize("NFD", char.lower())
    base, marks = parts[0], parts[1:]
    tone = next((_TONE[m] for m in marks if m in _TONE), "0")
    for mark in marks:
        if mark in _VOWEL_MARK:
            base = _WITH_MARK.get((base, _VOWEL_MARK[mark]), base)
    if base in _LETTER:
        return [(_LETTER[base], tone)]
    folded = unidecode(char).lower()
    return [(_LETTER[c], "0") for c in folded if c in _LETTER] or [(_OTHER, "0")]


_TOKENS = re.compile(r"\d+|\s+|.", re.S)


def sort_key(text: str) -> str:
    """A key whose byte order is Vietnamese alphabetical order: 'Đa Mai' after 'Dũng', 'Nếnh' before 'Ninh'.

    Only ``0-9a-z``, so it sorts the same under any database collation (SQLite's binary, PostgreSQL's
    C or a locale). Each letter weighs two characters and its tone one, so a 200-character name keeps
    a key of at most 602 characters.
    """
    primary: list[str] = []
    tones: list[str] = []
    for token in _TOKENS.findall(clean_line(text)):
        if token.isspace():
            primary.append(_SPACE)
            tones.append("0")
        elif token.isdigit() and token.isascii():
            digits = token.lstrip("0") or "0"
            primary.append("1" + _B36[min(len(digits), 35)] + digits)
            tones.append("0")
        else:
            for weight, tone in _letters(token):
                primary.append(weight)
                tones.append(tone)
    return "".join(primary) + _LEVELS + "".join(tones)


def person_sort_key(full_name: str) -> str:
    """People in Vietnamese order: by given name (the last word), then family name, then middle names."""
    words = clean_line(full_name).split()
    if len(words) > 1:
        words = [words[-1], words[0], *words[1:-1]]
    return sort_key(" ".join(words))
