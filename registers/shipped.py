"""What QCDC ships for the registers: kinds of matter with their thresholds, reception rules, and the
indicators of the shipped report forms that follow from the registers.

Installed by a migration; rows already present are left as users edited them. Texts are content in
Vietnamese, not interface strings.
"""

SHIPPED_FORMS = ("qcdc-month", "qcdc-quarter", "qcdc-half", "qcdc-year")

MATTER_KINDS = [
    # name, threshold (% of households that must be exceeded)
    ("Đóng góp xây dựng công trình công cộng", 50),
    ("Thành lập, sử dụng quỹ cộng đồng", 50),
    ("Hương ước, quy ước", 50),
    ("Bầu, cho thôi làm trưởng thôn, tổ trưởng tổ dân phố", 50),
    ("Bầu Ban Thanh tra nhân dân, Ban Giám sát đầu tư của cộng đồng", 50),
    ("Việc khác của cộng đồng", 50),
]

RECEPTION_RULES = [
    # function of the head, days, per (unconfirmed frequencies: edited in the admin)
    ("party", 1, "month"),
    ("committee", 2, "month"),
]

# Indicators the shipped periodic forms gain: code, label, value type, unit.
NEW_INDICATORS = [
    ("CONSULTATIONS", "Số nội dung lấy ý kiến Nhân dân trước khi quyết định", "integer", "nội dung"),
    ("CONFERENCES", "Số hội nghị quán triệt, triển khai, tập huấn", "integer", "hội nghị"),
    ("DECISIONS_CARRIED_SHARE", "Tỷ lệ nội dung Nhân dân bàn và quyết định được thông qua", "percent", "%"),
]

BINDINGS = [
    # indicator code, register, measure, field, filters, condition
    ("DISCLOSURES", "disclosures", "count", "", {}, {}),
    ("MEETINGS", "community-decisions", "count", "", {"method": "meeting"}, {}),
    ("MEETING_PARTICIPANTS", "community-decisions", "sum", "participants", {"method": "meeting"}, {}),
    ("BALLOTS", "community-decisions", "count", "", {"method": "ballot"}, {}),
    ("CHARTERS_RECOGNISED", "village-charters", "count", "", {"recognised_on__isnull": False}, {}),
    ("CONSULTATIONS", "consultations", "count", "", {}, {}),
    ("RECEPTION_DAYS", "citizen-receptions", "count", "", {}, {}),
    ("INSPECTIONS", "supervisions", "count", "", {"board": "inspection"}, {}),
    ("INVESTMENT_SUPERVISIONS", "supervisions", "count", "", {"board": "investment"}, {}),
    ("VIOLATIONS_FOUND", "supervisions", "sum", "violations_found", {}, {}),
    ("CONFERENCES", "conferences", "count", "", {}, {}),
    ("DECISIONS_CARRIED_SHARE", "community-decisions", "share", "", {}, {"carried": True}),
]


def install(MatterKind, ReceptionRule, ReportForm, Indicator, IndicatorBinding) -> int:
    """Create what is missing; returns how many bindings were created. Takes the model classes so a
    migration can pass its historical models."""
    for position, (name, threshold) in enumerate(MATTER_KINDS, start=1):
        MatterKind.objects.get_or_create(
            name=name, defaults={"threshold_percent": threshold, "position": position * 10}
        )
    for function, days, per in RECEPTION_RULES:
        ReceptionRule.objects.get_or_create(function=function, defaults={"days": days, "per": per})
    created = 0
    for form in ReportForm.objects.filter(code__in=SHIPPED_FORMS):
        last = Indicator.objects.filter(form=form).order_by("-position").values_list("position", flat=True).first() or 0
        for code, label, value_type, unit in NEW_INDICATORS:
            if not Indicator.objects.filter(form=form, code=code).exists():
                last += 10
                Indicator.objects.create(
                    form=form,
                    code=code,
                    label=label,
                    value_type=value_type,
                    unit=unit,
                    required=False,
                    position=last,
                    min_value=0,
                    max_value=100 if value_type == "percent" else None,
                )
        for code, register, measure, field, filters, condition in BINDINGS:
            indicator = Indicator.objects.filter(form=form, code=code).first()
            if indicator is None or IndicatorBinding.objects.filter(indicator=indicator).exists():
                continue
            IndicatorBinding.objects.create(
                indicator=indicator,
                register=register,
                measure=measure,
                field=field,
                filters=filters,
                condition=condition,
            )
            created += 1
    return created
