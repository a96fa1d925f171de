"""History through every merger: a ward formed in 2026 from two wards that had each absorbed former wards
in 2025 answers for all of their reports, counted once each.

    2025-07-01  Phường A1, Phường A2 → Phường A;  Phường B1 → Phường B
    2026-07-01  Phường A, Phường B → Phường N (opened that day)

The quarterly form, owed by Bắc Ninh's wards from 01/01/2025, periods due by 29/11/2026 (2025 Q1 to
2026 Q3). By the rule "a unit owes a period if it is open on its last day", by hand:

    A1, A2, B1   2025 Q1–Q2              2 each   6
    A, B         2025 Q1 to 2026 Q2      6 each  12
    N            2026 Q3                          1
    N's history                                  19   (N, A and B alone: 13)
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from reports import generation, selectors
from reports.models import FormAssignment, Obligation
from tests.dashboards.conftest import TODAY, file
from tests.factories import make_unit, make_user
from tests.reports.conftest import form_by_code
from units import services as unit_services
from units.models import RoleGrant, Unit

pytestmark = pytest.mark.django_db
D = datetime.date
RANGE = {"from": "2025-01", "to": "2026-12"}


@pytest.fixture
def mergers(tree, users):
    bac_ninh, staff = tree["bac_ninh"], users["staff"]
    form = form_by_code("qcdc-quarter")
    FormAssignment.objects.create(form=form, root=bac_ninh, kinds=["ward"], starts_on=D(2025, 1, 1))
    units = {name: make_unit(f"Phường {name}", Unit.Kind.WARD, bac_ninh) for name in ("A1", "A2", "B1", "A", "B")}
    units["N"] = make_unit("Phường N", Unit.Kind.WARD, bac_ninh, opened_on=D(2026, 7, 1))
    for year in (2025, 2026):
        generation.obligations_generate(form=form, year=year)
    file(Obligation.objects.get(unit=units["A1"], year=2025, period_index=1), D(2025, 4, 3))
    for former, successor in (("A1", "A"), ("A2", "A"), ("B1", "B")):
        unit_services.unit_close(actor=staff, unit=units[former], closed_on=D(2025, 7, 1), successor=units[successor])
    for former in ("A", "B"):
        unit_services.unit_close(actor=staff, unit=units[former], closed_on=D(2026, 7, 1), successor=units["N"])
    return units


def _sql_count(unit_ids, today):
    """The obligations due by ``today`` of the given units, read with plain SQL."""
    marks = ", ".join(["%s"] * len(unit_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM reports_obligation WHERE unit_id IN ({marks}) AND due_date <= %s",
            [*unit_ids, today],
        )
        return cursor.fetchone()[0]


def test_the_new_ward_answers_for_every_ward_merged_into_it_at_any_depth(mergers):
    flt = selectors.dashboard_filter(mergers["N"], start=D(2025, 1, 1), end=D(2026, 12, 31), today=TODAY)
    grid = selectors.grid(flt)
    assert grid.headline.expected == 19 == _sql_count([u.pk for u in mergers.values()], TODAY)
    assert grid.headline.received == 1  # A1's 2025 Q1, filed before A1 was merged away
    # The heatmap's 2025 months are there (a column per period's last month): A1, A2, B1, A and B owed
    # the first two quarters of 2025, A and B the next four, N the third of 2026.
    trend = {month: cell.expected for month, cell in grid.trend.items()}
    assert trend == {
        D(2025, 3, 1): 5,
        D(2025, 6, 1): 5,
        D(2025, 9, 1): 2,
        D(2025, 12, 1): 2,
        D(2026, 3, 1): 2,
        D(2026, 6, 1): 2,
        D(2026, 9, 1): 1,
    }


def test_the_province_counts_each_period_once(mergers, tree):
    flt = selectors.dashboard_filter(tree["bac_ninh"], start=D(2025, 1, 1), end=D(2026, 12, 31), today=TODAY)
    wards = list(Unit.objects.filter(path__startswith=tree["bac_ninh"].path, kind="ward").values_list("pk", flat=True))
    # Từ Sơn and Đông Ngàn owe 7 each, plus the 19 of N's history.
    assert selectors.grid(flt).headline.expected == 7 + 7 + 19 == _sql_count(wards, TODAY)


def test_the_new_wards_people_see_the_former_wards_and_outsiders_get_404(client, mergers, users):
    leader = make_user("leader_n", role=RoleGrant.Role.LEADER, unit=mergers["N"])
    assert set(Unit.objects.visible_to(leader)) == set(mergers.values())
    client.force_login(leader)
    url = reverse("reports:dashboard", args=[mergers["N"].pk])
    html = client.get(url, RANGE).content.decode()
    assert 'id="fig-expected" data-value="19"' in html
    assert client.get(reverse("reports:dashboard", args=[mergers["A1"].pk]), RANGE).status_code == 200
    client.force_login(users["reporter_tu_son"])  # a sibling ward
    assert client.get(url, RANGE).status_code == 404
    assert client.get(reverse("reports:dashboard", args=[mergers["A1"].pk]), RANGE).status_code == 404
