"""Real symbols as they are printed, read into their parts; what cannot be read is kept and flagged."""

import pytest

from directives.symbols import parse_symbol

PARSED = [
    # symbol as typed, family, number, type code, issuer code, year, normalised key
    ("120-KL/TW", "party", 120, "KL", "TW", None, "120-KL/TW"),
    ("11-QĐi/TW", "party", 11, "QĐi", "TW", None, "11-QĐI/TW"),
    ("45-KH/TU", "party", 45, "KH", "TU", None, "45-KH/TU"),
    ("08-QĐ/BCĐ", "party", 8, "QĐ", "BCĐ", None, "8-QĐ/BCĐ"),
    ("30-CT/TW", "party", 30, "CT", "TW", None, "30-CT/TW"),
    ("66-QĐ/TW", "party", 66, "QĐ", "TW", None, "66-QĐ/TW"),
    ("15-HD/BTGTW", "party", 15, "HD", "BTGTW", None, "15-HD/BTGTW"),
    ("123-CV/VPTU", "party", 123, "CV", "VPTU", None, "123-CV/VPTU"),
    ("Số: 120-KL/TW", "party", 120, "KL", "TW", None, "120-KL/TW"),
    ("số 120 - KL / TW", "party", 120, "KL", "TW", None, "120-KL/TW"),
    ("120\u2013KL/TW", "party", 120, "KL", "TW", None, "120-KL/TW"),  # en dash from a word processor
    ("120-kl/tw", "party", 120, "kl", "tw", None, "120-KL/TW"),
    ("757/QĐ-UBND", "state", 757, "QĐ", "UBND", None, "757/QĐ-UBND"),
    ("36/2019/QĐ-UBND", "state", 36, "QĐ", "UBND", 2019, "36/2019/QĐ-UBND"),
    ("59/2023/NĐ-CP", "state", 59, "NĐ", "CP", 2023, "59/2023/NĐ-CP"),
    ("30/2020/NĐ-CP", "state", 30, "NĐ", "CP", 2020, "30/2020/NĐ-CP"),
    ("01/CT-TTg", "state", 1, "CT", "TTg", None, "1/CT-TTG"),
    ("15/KH-UBND", "state", 15, "KH", "UBND", None, "15/KH-UBND"),
    ("02/2025/TT-BNV", "state", 2, "TT", "BNV", 2025, "2/2025/TT-BNV"),
    ("1234/UBND-VX", "state", 1234, "", "UBND-VX", None, "1234/UBND-VX"),  # công văn: no type code
    ("10/2022/QH15", "state", 10, "", "QH15", 2022, "10/2022/QH15"),  # a law names only its issuer
    ("  757 / QĐ-UBND ", "state", 757, "QĐ", "UBND", None, "757/QĐ-UBND"),
]


@pytest.mark.parametrize(("text", "family", "number", "type_code", "issuer", "year", "key"), PARSED)
def test_real_symbols_parse(text, family, number, type_code, issuer, year, key):
    s = parse_symbol(text)
    assert s.parsed
    assert (s.family, s.number, s.type_code, s.issuer_code, s.year, s.key) == (
        family,
        number,
        type_code,
        issuer,
        year,
        key,
    )


@pytest.mark.parametrize("text", ["", "   ", "KL 120", "120-KL", "120-KL/", "abc/def", "Kết luận số 120", "/QĐ-UBND"])
def test_unreadable_symbols_are_kept_and_flagged(text):
    s = parse_symbol(text)
    assert not s.parsed
    assert s.number is None and s.type_code == "" and s.issuer_code == ""
    assert s.text == " ".join(text.split())


def test_the_same_document_typed_two_ways_has_one_key():
    assert parse_symbol("08-QĐ/BCĐ").key == parse_symbol("Số: 8 - QĐ/BCĐ").key
    assert parse_symbol("36/2019/QĐ-UBND").key != parse_symbol("36/2020/QĐ-UBND").key
