"""Criteria computed from the registers: a unit's records over the year, counted against plain SQL."""

import datetime

import pytest
from django.db import connection

from evaluations import kinds
from registers.models import Disclosure
from tests.factories import make_unit
from tests.registers.conftest import make_directive_120, make_rows
from units.models import Unit


def sql_count(table: str, unit, start, end) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} r JOIN units_unit u ON u.id = r.unit_id "
            "WHERE u.path LIKE %s AND r.date >= %s AND r.date <= %s",
            [unit.path + "%", start, end],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_register_criteria_count_the_units_subtree_over_the_year(client, tree, users):
    directive_120 = make_directive_120(tree)
    tu_son, dong_nguyen = tree["tu_son"], tree["dong_ngan"]
    village = make_unit("Thôn Tiêu", Unit.Kind.VILLAGE, tu_son)
    make_rows(tu_son, directive_120, suffix=" TS")
    make_rows(village, directive_120, day=datetime.date(2026, 11, 3), suffix=" thôn")
    make_rows(tu_son, directive_120, day=datetime.date(2025, 12, 31), suffix=" năm trước")  # another year
    make_rows(dong_nguyen, directive_120, suffix=" ĐN")  # another ward
    Disclosure.objects.create(
        unit=tu_son, date=datetime.date(2026, 6, 1), subject="Quy hoạch", group="land", form="posted"
    )
    subject = kinds.Subject(unit=tu_son, year=2026, today=datetime.date(2026, 12, 1))
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)

    for code, table, expected in (
        ("disclosures", "registers_disclosure", 4),
        ("community_decisions", "registers_communitydecision", 4),
        ("conferences", "registers_conference", 2),
        ("citizen_receptions", "registers_citizenreception", 12),
    ):
        evidence = kinds.get(code).compute(subject)
        counted = sql_count(table, tu_son, start, end)
        assert counted >= 2  # the ward's own row and its village's
        assert evidence.value == counted, code
        assert evidence.fraction == min(counted / expected, 1.0)
        assert str(counted) in evidence.text
        client.force_login(users["staff"])
        page = client.get(evidence.url)
        assert page.status_code == 200, code
    assert kinds.get("disclosures").compute(subject).value == 3  # the ward's two and its village's one
    assert "disclosures" in dict(kinds.choices("unit")) and "disclosures" not in dict(kinds.choices("head"))
