"""Rows of every register for two sibling wards, so each test can ask who sees what."""

import datetime

import pytest

from directives.models import Directive, DirectiveType
from registers import registry
from registers.models import (
    CitizenReception,
    CommunityDecision,
    Conference,
    Consultation,
    Disclosure,
    MatterKind,
    Supervision,
    VillageCharter,
)
from tests.factories import make_person
from units.models import Headship

DAY = datetime.date(2026, 2, 10)


@pytest.fixture
def directive_120(tree):
    return make_directive_120(tree)


def make_directive_120(tree):
    """Kết luận 120-KL/TW, registered at the national level."""
    doc_type = DirectiveType.objects.get(code="KL")
    return Directive.objects.create(
        owner_unit=tree["nation"],
        doc_type=doc_type,
        symbol="120-KL/TW",
        issuer="Bộ Chính trị",
        issued_on=datetime.date(2016, 1, 7),
        abstract="Kết luận về tiếp tục đẩy mạnh thực hiện Chỉ thị 30-CT/TW",
        status=Directive.Status.IN_FORCE,
    )


def make_rows(unit, directive, day=DAY, suffix=""):
    """One row of each register for ``unit``: {slug: row}."""
    kind = MatterKind.objects.order_by("position").first()
    head = Headship.objects.filter(unit=unit, is_principal=True).first()
    if head is None:
        person = make_person(f"Nguyễn Văn Bí{suffix}", unit=unit)
        head = Headship.objects.create(
            unit=unit, person=person, title="Bí thư Đảng ủy", started_on=datetime.date(2020, 1, 1)
        )
    common = {"unit": unit, "date": day}
    rows = [
        Disclosure(**common, subject=f"Dự toán ngân sách 2026{suffix}", group="budget", form="posted", days_posted=30),
        CommunityDecision(
            **common,
            subject=f"Đóng góp nhà văn hóa{suffix}",
            matter_kind=kind,
            method="ballot",
            households_total=200,
            households_present=180,
            households_agreeing=120,
        ),
        VillageCharter(**common, subject=f"Hương ước thôn{suffix}", kind="huong_uoc", recognised_on=day),
        Consultation(**common, subject=f"Dự thảo quy hoạch{suffix}", channel="meeting", opinions_received=12),
        Supervision(**common, subject=f"Giám sát đường thôn{suffix}", board="investment", violations_found=1),
        Conference(
            **common,
            subject=f"Quán triệt 120-KL/TW{suffix}",
            directive=directive,
            party_cells_total=10,
            party_cells_reached=8,
        ),
        CitizenReception(**common, subject=f"Đất đai{suffix}", headship=head, people_received=3),
    ]
    out = {}
    for row in rows:
        if isinstance(row, CommunityDecision):
            row.threshold_percent = kind.threshold_percent
        row.save()
        out[row.REGISTER] = row
    assert set(out) == set(registry.REGISTERS)
    return out


@pytest.fixture
def rows_dong_ngan(tree, directive_120):
    return make_rows(tree["dong_ngan"], directive_120, suffix=" ĐN")


@pytest.fixture
def rows_tu_son(tree, directive_120):
    return make_rows(tree["tu_son"], directive_120, suffix=" TS")
