"""The dashboard's lists of overdue and late reports are ordered by due date, then by unit in Vietnamese
order: proved against plain SQL ordering by the units' own sort keys, before and after a unit is renamed,
and every way of owing a report gives the obligation its unit's place."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from directives import services as directives
from reports import generation
from reports.models import FormAssignment, Obligation
from tests.dashboards.conftest import TODAY, file
from tests.directives.conftest import make_directive
from tests.factories import make_unit
from tests.reports.conftest import form_by_code
from units import services as units
from units.models import Unit

pytestmark = pytest.mark.django_db

OVERDUE_SQL = """
SELECT o.id FROM reports_obligation o JOIN units_unit u ON u.id = o.unit_id
WHERE u.path LIKE %s AND o.status IN ('not_started', 'draft', 'awaiting', 'returned') AND o.due_date < %s
ORDER BY o.due_date, u.sort_key, o.id LIMIT 10
"""
LATE_SQL = """
SELECT o.id FROM reports_obligation o JOIN units_unit u ON u.id = o.unit_id
WHERE u.path LIKE %s AND (o.on_time = FALSE OR o.returned_count > 0) AND o.due_date <= %s
ORDER BY o.due_date DESC, u.sort_key, o.id LIMIT 10
"""
# Obligations whose copy of the unit's place differs from the unit's own.
STALE_SQL = """
SELECT COUNT(*) FROM reports_obligation o JOIN units_unit u ON u.id = o.unit_id WHERE o.unit_sort_key <> u.sort_key
"""


def _ids(sql: str, unit: Unit) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit.path + "%", TODAY])
        return [row[0] for row in cursor.fetchall()]


def _stale() -> int:
    with connection.cursor() as cursor:
        cursor.execute(STALE_SQL)
        return cursor.fetchone()[0]


@pytest.fixture
def wards(tree):
    """Five wards of Bắc Ninh owing the quarterly report of 2026, each filing its first quarter late."""
    for name in ("Phường Kinh Bắc", "Phường Vũ Ninh", "Phường Võ Cường"):
        make_unit(name, Unit.Kind.WARD, tree["bac_ninh"])
    form = form_by_code("qcdc-quarter")
    FormAssignment.objects.create(form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=datetime.date(2026, 1, 1))
    generation.obligations_generate(form=form, year=2026)
    for o in Obligation.objects.filter(form=form, period_index=1):
        file(o, o.due_date + datetime.timedelta(days=3))
    return form


def test_the_lists_follow_the_units_places_and_a_renamed_unit_takes_its_new_one(client, tree, users, wards):
    client.force_login(users["leader"])
    url = reverse("reports:dashboard", args=[tree["bac_ninh"].pk])
    query = {"from": "2026-01", "to": "2026-12"}

    def shown() -> tuple[list[int], list[int]]:
        context = client.get(url, query).context
        return [o.pk for o in context["overdue"]], [o.pk for o in context["late"]]

    before = shown()
    assert before == (_ids(OVERDUE_SQL, tree["bac_ninh"]), _ids(LATE_SQL, tree["bac_ninh"]))
    assert len(before[0]) == 10 and len(before[1]) == 5
    assert Obligation.objects.get(pk=before[0][0]).unit == tree["dong_ngan"]  # Đông Ngàn leads the alphabet

    units.unit_update(actor=users["admin"], unit=tree["tu_son"], name="Phường An Bình")  # now first
    after = shown()
    assert after == (_ids(OVERDUE_SQL, tree["bac_ninh"]), _ids(LATE_SQL, tree["bac_ninh"]))
    assert after != before and Obligation.objects.get(pk=after[0][0]).unit == tree["tu_son"]
    assert _stale() == 0


def test_every_way_of_owing_a_report_copies_the_units_place(tree, users, wards):
    thematic = form_by_code("qcdc-thematic")
    generation.obligations_request(
        actor=users["admin"],
        form=thematic,
        root=tree["bac_ninh"],
        kinds=["ward"],
        include_root=False,
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 30),
        due_date=datetime.date(2026, 10, 15),
    )
    directive = make_directive(users["admin"], tree["nation"])
    directives.assignment_bulk_create(
        actor=users["admin"], directive=directive, task="Báo cáo", units=[tree["hoan_kiem"]], deadline=TODAY
    )
    Obligation.objects.create(
        form=thematic,
        unit=tree["village"],
        year=2026,
        period_start=datetime.date(2026, 8, 1),
        period_end=datetime.date(2026, 8, 31),
        due_date=datetime.date(2026, 9, 15),
    )
    owed = Obligation.objects.values_list("form__code", "assignment_id", "unit_sort_key")
    assert {code for code, _a, _k in owed} == {"qcdc-quarter", "qcdc-thematic"} and any(a for _c, a, _k in owed)
    assert all(key for _c, _a, key in owed) and _stale() == 0


def test_a_rename_behind_the_services_back_is_put_right_by_the_rebuild(tree, wards):
    Unit.objects.filter(pk=tree["tu_son"].pk).update(name="Phường An Bình", sort_key="a binh")
    assert _stale() == 4
    call_command("rebuild_figures", verbosity=0)
    assert _stale() == 0
