"""Names sort in Vietnamese alphabetical order, the same on every database, since the key is plain 0-9a-z."""

import re

from units.text import person_sort_key, sort_key


def test_letters_follow_the_vietnamese_alphabet_and_tones_only_break_ties():
    shuffled = ["Yên Dũng", "Ninh Xá", "Em", "Đồng Nguyên", "Nếnh", "Dũng Liệt", "Đa Mai", "Ân", "Ăn", "An", "Bạ", "Bá"]
    assert sorted(shuffled, key=sort_key) == [
        "An",
        "Ăn",
        "Ân",
        "Bá",
        "Bạ",
        "Dũng Liệt",
        "Đa Mai",
        "Đồng Nguyên",
        "Em",
        "Nếnh",
        "Ninh Xá",
        "Yên Dũng",
    ]
    tones = ["Ba", "Bạ", "Bá", "Bã", "Bả", "Bà"]
    assert sorted(tones, key=sort_key) == ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]  # ngang, huyền, hỏi, ngã, sắc, nặng
    vowels = ["Ưu", "Uy", "Ơn", "Ôn", "On", "Ê", "E"]
    assert sorted(vowels, key=sort_key) == ["E", "Ê", "On", "Ôn", "Ơn", "Uy", "Ưu"]


def test_a_shorter_word_comes_first_and_numbers_sort_as_numbers():
    names = ["Tổ dân phố 10", "Anh Sơn", "Tổ dân phố 2", "An Sơn", "Tổ dân phố 1", "An"]
    assert sorted(names, key=sort_key) == ["An", "An Sơn", "Anh Sơn", "Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 10"]


def test_case_spacing_and_decomposed_accents_do_not_move_a_name():
    assert sort_key("PHƯỜNG ĐA MAI") == sort_key("Phường  Đa Mai") == sort_key("Phu\u031bo\u031b\u0300ng Đa Mai")


def test_people_by_given_name_then_family_name_then_middle_name():
    people = ["Nguyễn Văn Bình", "Lê Thị An", "Trần Anh", "Nguyễn An", "Đỗ Văn Bình", "Bùi Thị Bình"]
    assert sorted(people, key=person_sort_key) == [
        "Lê Thị An",
        "Nguyễn An",
        "Trần Anh",
        "Bùi Thị Bình",
        "Đỗ Văn Bình",
        "Nguyễn Văn Bình",
    ]


def test_the_key_uses_only_characters_every_collation_orders_alike():
    for name in ["Phường Đồng Nguyên", "Chi bộ 3 (Thôn Đông)", "Công ty TNHH Ánh Dương", "Ngõ 5/2 – Đường Lý", "Zoë"]:
        assert re.fullmatch(r"[0-9a-z]+", sort_key(name))
