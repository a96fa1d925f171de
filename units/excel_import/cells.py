"""Reading an official's cells: text as stored, codes that lost their zeros, dates as typed, kinds as written."""

import datetime
import re
import unicodedata

from django.utils import translation
from openpyxl.utils.datetime import from_excel

from units.models import Unit
from units.text import clean_line, search_key

# Words officials write in the kind column besides the labels of Unit.Kind (domain vocabulary, so
# it is matched whatever the page language, and before the Vietnamese catalogue is compiled).
KIND_SYNONYMS = {
    Unit.Kind.VILLAGE: ("Thôn", "Làng", "Ấp", "Bản", "Thôn, làng, ấp, bản", "Thôn, bản", "Thôn, làng"),
    Unit.Kind.RESIDENTIAL_GROUP: ("Tổ dân phố", "Khu phố", "Tổ dân phố, khu phố", "Tổ dân cư"),
    Unit.Kind.PARTY: ("Tổ chức Đảng", "Tổ chức cơ sở Đảng", "Đảng bộ", "Chi bộ", "Đảng ủy", "Đảng uỷ"),
    Unit.Kind.AGENCY: ("Cơ quan", "Cơ quan, đơn vị", "Đơn vị sự nghiệp"),
    Unit.Kind.ENTERPRISE: ("Doanh nghiệp", "Công ty"),
    Unit.Kind.MASS_ORGANISATION: (
        "Tổ chức chính trị - xã hội",
        "Tổ chức chính trị xã hội",
        "Đoàn thể",
        "Mặt trận Tổ quốc",
        "Tổ chức quần chúng",
    ),
    Unit.Kind.COMMUNE: ("Xã",),
    Unit.Kind.WARD: ("Phường",),
    Unit.Kind.SPECIAL_ZONE: ("Đặc khu",),
    Unit.Kind.PROVINCE: ("Tỉnh",),
    Unit.Kind.CITY: ("Thành phố trực thuộc trung ương",),
}


def cell_text(value) -> str:
    """A cell as clean text: NFC (some tools write decomposed Vietnamese), no control characters, one space
    between words."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_line(str(value))


def fold(text: str) -> str:
    """Identity of a name: case and spacing ignored, accents kept (Thôn Đông is not Thôn Đồng)."""
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


def code_variants(value) -> list[str]:
    """Codes to try for a parent code; a number cell has lost its leading zeros (09367 → 9367)."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        if float(value).is_integer():
            digits = str(int(value))
            return list(dict.fromkeys([digits, digits.zfill(2), digits.zfill(5)]))
        return [cell_text(value)]
    text = cell_text(value)
    return [text] if text else []


_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(value) -> datetime.date:
    """dd/mm/yyyy text, an ISO date, or an Excel date; ValueError otherwise."""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        day = from_excel(value).date()
    else:
        text = cell_text(value)
        if match := _DMY.fullmatch(text):
            d, m, y = (int(g) for g in match.groups())
        elif match := _YMD.fullmatch(text):
            y, m, d = (int(g) for g in match.groups())
        else:
            raise ValueError(text)
        day = datetime.date(y, m, d)
    if not 1900 <= day.year <= 2100:
        raise ValueError(value)
    return day


def kind_lookup() -> dict[str, str]:
    """search_key of every way to write a kind → the kind: values, labels in vi and en, synonyms."""
    lookup: dict[str, str] = {}
    for kind, words in KIND_SYNONYMS.items():
        for word in words:
            lookup.setdefault(search_key(word), kind)
    for language in ("vi", "en", translation.get_language() or "vi"):
        with translation.override(language):
            for kind in Unit.Kind:
                lookup[search_key(str(kind.label))] = kind.value
    for kind in Unit.Kind:
        lookup[search_key(kind.value)] = kind.value
        lookup[search_key(kind.name)] = kind.value
    return lookup
