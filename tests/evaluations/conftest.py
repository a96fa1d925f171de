"""The dashboards' hand-counted history of Bắc Ninh (as of 29/11/2026), with the year 2026 configured.

For 2026 (periods ending in 2026, due by 29/11/2026), from that history:

    unit / head                 due  on time  late  missing  returned
    Từ Sơn                        3       1      1       1        0
      An (to 31/05/2026)          1       1      0       0        0
      Bình (from 01/06/2026)      2       0      1       1        0
    Đông Ngàn                     3       2      1       0        1

and, with ``tasks``, two directive tasks of Từ Sơn with a report, due 30/06/2026 (reported on 29/06) and
30/09/2026 (reported on 03/10): one of two on time, both in Bình's tenure.
"""

import datetime

import pytest

from directives import services as directive_services
from evaluations import services
from reports.models import Obligation
from tests.dashboards.conftest import TODAY, _frozen, at, client, file, history  # noqa: F401 (fixtures)
from tests.factories import make_signer
from tests.reports.conftest import make_plan

YEAR = 2026


@pytest.fixture
def unit_set(tree, users):
    return services.criteria_set_create(actor=users["staff"], unit=tree["bac_ninh"], year=YEAR, subject="unit")


@pytest.fixture
def head_set(tree, users):
    return services.criteria_set_create(actor=users["staff"], unit=tree["bac_ninh"], year=YEAR, subject="head")


@pytest.fixture
def head_signs(tree, users):
    """Từ Sơn's head user chairs its People's Committee: the post that approves the unit's sheet."""
    return make_signer(users["head_tu_son"], tree["tu_son"])


@pytest.fixture
def tasks(tree, users):
    """Two tasks of 45-KH/TU for Từ Sơn with a report each: one reported by its deadline, one three days late."""
    plan = make_plan(tree, users)
    made = []
    for deadline, filed in (
        (datetime.date(2026, 6, 30), datetime.date(2026, 6, 29)),
        (datetime.date(2026, 9, 30), datetime.date(2026, 10, 3)),
    ):
        directive_services.assignment_bulk_create(
            actor=users["staff"], directive=plan, task=f"Báo cáo kết quả đến {deadline:%d/%m}", deadline=deadline,
            units=[tree["tu_son"]],
        )  # fmt: skip
        o = Obligation.objects.get(assignment__task__contains=f"{deadline:%d/%m}", unit=tree["tu_son"])
        file(o, filed, accepted=filed)
        made.append(o)
    return made


def opened(criteria_set, actor):
    services.evaluations_open(actor=actor, criteria_set=criteria_set)
    return criteria_set.evaluations.select_related("unit", "person", "criteria_set__unit")
