"""Demo registers: a year of rows for the wards that were Từ Sơn (disclosures, community decisions and
ballots, charters, consultations, supervisions, conferences on Kết luận 120-KL/TW, reception days), so
that the figures bound to the report forms have records behind them; then the demo's filed reports of
those wards carry the figures the rows give, as a reporter filling them in from the registers would.

Seeded by the ward, loaded in bulk once (nothing happens when the wards already have rows).
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from demo.units import LEGACY_TU_SON
from directives.models import Directive
from registers import selectors
from registers.models import (
    CitizenReception,
    CommunityDecision,
    Conference,
    Consultation,
    Disclosure,
    IndicatorBinding,
    MatterKind,
    Recommendation,
    Supervision,
    VillageCharter,
)
from registers.models.records import carries
from reports.models import Report, ReportValue
from reports.tallies import tallies_refresh
from units.models import Headship, Unit, UnitSuccession, User
from units.text import search_key

DISCLOSED = [
    ("budget", "Dự toán ngân sách phường năm {y}"),
    ("budget", "Tình hình thực hiện ngân sách quý {q}/{y}"),
    ("fees", "Các khoản thu, đóng góp của Nhân dân quý {q}/{y}"),
    ("plan", "Kế hoạch phát triển kinh tế - xã hội năm {y}"),
    ("land_use", "Kế hoạch sử dụng đất năm {y}"),
    ("investment", "Dự án cải tạo đường {s}"),
    ("inspection", "Kết luận thanh tra việc quản lý quỹ {s}"),
]
FORMS = ["posted", "posted", "loudspeaker", "website", "meeting"]
MATTERS = ["Đóng góp xây dựng nhà văn hóa {s}", "Đóng góp làm đường ngõ xóm {s}", "Sử dụng quỹ khuyến học {s}"]


def _wards() -> list[Unit]:
    former = UnitSuccession.objects.filter(
        predecessor__parent__code_scheme=Unit.CodeScheme.LEGACY, predecessor__parent__code=LEGACY_TU_SON
    ).values_list("successor_id", flat=True)
    return list(Unit.objects.filter(pk__in=former, closed_on__isnull=True).order_by("code"))


def _keyed(row):
    row.search_key = search_key(" ".join(str(getattr(row, n) or "") for n in row.SEARCH_FIELDS))[:255]
    return row


def _ward_rows(ward: Unit, places: list[Unit], head: Headship | None, directive, kinds, start, today, admin, rng):
    rows = {
        m: []
        for m in (
            Disclosure,
            CommunityDecision,
            VillageCharter,
            Consultation,
            Supervision,
            Conference,
            CitizenReception,
        )
    }
    month = datetime.date(start.year, start.month, 1)
    common = {"entered_by": admin, "updated_by": admin}
    while month <= today:
        y, q = month.year, (month.month - 1) // 3 + 1

        def day(lo=1, hi=27, m=month):
            return min(m.replace(day=rng.randint(lo, hi)), today)

        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            group, text = rng.choice(DISCLOSED)
            place = rng.choice(places)
            rows[Disclosure].append(
                _keyed(
                    Disclosure(
                        unit=place if group == "investment" else ward,
                        date=day(),
                        subject=text.format(y=y, q=q, s=place.name),
                        group=group,
                        form=rng.choice(FORMS),
                        days_posted=30,
                        **common,
                    )
                )
            )
        place = rng.choice(places)
        kind = rng.choice(kinds)
        total = rng.randint(150, 420)
        present = int(total * rng.uniform(0.55, 0.95))
        agreeing = int(present * rng.uniform(0.45, 0.98))
        method = "ballot" if rng.random() < 0.25 else "meeting"
        rows[CommunityDecision].append(
            _keyed(
                CommunityDecision(
                    unit=place,
                    date=day(),
                    subject=rng.choice(MATTERS).format(s=place.name),
                    matter_kind=kind,
                    method=method,
                    households_total=total,
                    households_present=present,
                    households_agreeing=agreeing,
                    participants=int(present * 1.2),
                    threshold_percent=kind.threshold_percent,
                    carried=carries(agreeing=agreeing, total=total, threshold=kind.threshold_percent),
                    **common,
                )
            )
        )
        if head is not None and rng.random() < 0.85:  # some months the secretary does not receive citizens
            rows[CitizenReception].append(
                _keyed(
                    CitizenReception(
                        unit=ward,
                        date=day(),
                        subject=rng.choice(
                            [
                                "Tranh chấp đất đai",
                                "Cấp giấy chứng nhận quyền sử dụng đất",
                                "Ô nhiễm môi trường",
                                "Chế độ chính sách",
                            ]
                        ),
                        headship=head,
                        head_name=head.person.full_name,
                        people_received=rng.randint(1, 9),
                        matters_resolved=rng.randint(0, 3),
                        resolution="Đã trả lời, hướng dẫn công dân.",
                        **common,
                    )
                )
            )
        if month.month % 3 == 1:
            rows[Consultation].append(
                _keyed(
                    Consultation(
                        unit=ward,
                        date=day(1, 10),
                        ends_on=day(20, 27),
                        subject=f"Dự thảo quy hoạch chi tiết {rng.choice(places).name}",
                        channel=rng.choice(["meeting", "box", "online"]),
                        opinions_received=rng.randint(5, 60),
                        answer="Ủy ban nhân dân phường đã tiếp thu, giải trình tại hội nghị.",
                        answered_on=min(month + datetime.timedelta(days=40), today),
                        **common,
                    )
                )
            )
            board = rng.choice(["inspection", "investment"])
            rows[Supervision].append(
                _keyed(
                    Supervision(
                        unit=ward,
                        date=day(),
                        subject=f"Giám sát {'thu, chi quỹ' if board == 'inspection' else 'thi công đường'} {rng.choice(places).name}",
                        board=board,
                        findings="Cơ bản đúng quy định.",
                        violations_found=rng.choice((0, 0, 0, 1, 2)),
                        **common,
                    )
                )
            )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    if directive is not None and rng.random() < 0.8:  # a ward or two has not disseminated it yet
        cells = rng.randint(12, 30)
        rows[Conference].append(
            _keyed(
                Conference(
                    unit=ward,
                    date=min(start + datetime.timedelta(days=rng.randint(20, 90)), today),
                    subject=f"Hội nghị quán triệt Kết luận 120-KL/TW {ward.name.lower()}",
                    directive=directive,
                    party_cells_total=cells,
                    party_cells_reached=cells - rng.randint(0, 4),
                    government_attendees=rng.randint(20, 40),
                    front_attendees=rng.randint(15, 35),
                    resident_attendees=rng.randint(30, 120),
                    **common,
                )
            )
        )
    if rng.random() < 0.5:
        place = rng.choice(places)
        adopted = start + datetime.timedelta(days=rng.randint(30, 200))
        rows[VillageCharter].append(
            _keyed(
                VillageCharter(
                    unit=place,
                    date=adopted,
                    subject=f"Hương ước {place.name}",
                    kind="huong_uoc",
                    decision_symbol=f"{rng.randint(10, 99)}/QĐ-UBND",
                    recognised_on=adopted + datetime.timedelta(days=30),
                    **common,
                )
            )
        )
    return rows


@transaction.atomic
def demo_registers_load(*, admin: User, today: datetime.date | None = None) -> int:
    """Rows for a year up to ``today``; returns how many were created (0 if the wards already have rows)."""
    today = today or timezone.localdate()
    wards = _wards()
    if not wards or Disclosure.objects.filter(unit__in=wards).exists():
        return 0
    start = today - datetime.timedelta(days=365)
    kinds = list(MatterKind.objects.filter(is_active=True))
    directive = Directive.objects.filter(symbol="120-KL/TW").order_by("pk").first()
    heads = {
        h.unit_id: h
        for h in Headship.objects.filter(unit__in=wards, is_principal=True, ended_on__isnull=True).select_related(
            "person"
        )
    }
    below = {}
    for unit in Unit.objects.filter(parent__in=wards, kind__in=Unit.COMMUNITY_KINDS, closed_on__isnull=True):
        below.setdefault(unit.parent_id, []).append(unit)
    created = 0
    for ward in wards:
        rng = random.Random(f"qcdc-demo-registers:{ward.code}")
        rows = _ward_rows(
            ward, below.get(ward.pk) or [ward], heads.get(ward.pk), directive, kinds, start, today, admin, rng
        )
        for model, items in rows.items():
            model.objects.bulk_create(items, batch_size=500)
            created += len(items)
        for supervision in rows[Supervision]:
            if supervision.violations_found:
                Recommendation.objects.create(
                    supervision=supervision,
                    text="Khắc phục tồn tại được chỉ ra.",
                    resolution="Đã khắc phục.",
                    resolved_on=min(supervision.date + datetime.timedelta(days=30), today),
                )
    _align_reports(wards)
    return created


def _align_reports(wards: list[Unit]) -> None:
    """The demo's reports of these wards carry the figures their registers give for the report's period."""
    reports = list(Report.objects.filter(obligation__unit__in=wards).select_related("obligation__unit"))
    by_form = {}
    for binding in IndicatorBinding.objects.select_related("indicator"):
        by_form.setdefault(binding.indicator.form_id, []).append(binding)
    for report in reports:
        bindings = by_form.get(report.obligation.form_id)
        if not bindings:
            continue
        o = report.obligation
        figures = selectors.figures_for(bindings, o.unit, o.period_start, o.period_end)
        values = {v.indicator_id: v for v in ReportValue.objects.filter(report=report)}
        new = []
        for b in bindings:
            value = figures[b.indicator_id]
            raw = selectors.format_figure(value)
            row = values.get(b.indicator_id)
            if row is None:
                new.append(ReportValue(report=report, indicator=b.indicator, raw=raw, value_decimal=Decimal(value)))
            else:
                row.raw, row.value_decimal = raw, Decimal(value)
        bound = {b.indicator_id for b in bindings}
        ReportValue.objects.bulk_update([v for k, v in values.items() if k in bound], ["raw", "value_decimal"])
        ReportValue.objects.bulk_create(new)
    tallies_refresh(unit_ids=[w.pk for w in wards])  # written in bulk: the roll-ups follow here
