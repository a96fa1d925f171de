"""The QCDC form set shipped with the product: monthly, quarterly, 6-month and
annual reports on implementing grassroots democracy, and a general thematic report for directive tasks.

Installed by migration 0002; a form already present (by code) is left exactly as users edited it.
The texts are the forms' content, in Vietnamese, not interface strings.
"""

from typing import NamedTuple

TITLE = "Kết quả thực hiện Quy chế dân chủ ở cơ sở"
THEMATIC_CODE = "qcdc-thematic"

INDICATORS = [
    # code, label, value type, unit, required, min, max
    ("DISCLOSURES", "Số nội dung đã công khai thông tin theo quy định", "integer", "nội dung", True, 0, None),
    ("MEETINGS", "Số cuộc họp cộng đồng dân cư đã tổ chức", "integer", "cuộc", True, 0, None),
    ("MEETING_PARTICIPANTS", "Số lượt người tham dự họp cộng đồng dân cư", "integer", "lượt người", True, 0, None),
    ("BALLOTS", "Số cuộc lấy ý kiến, biểu quyết, bỏ phiếu của Nhân dân", "integer", "cuộc", True, 0, None),
    ("CHARTERS_RECOGNISED", "Số hương ước, quy ước được công nhận", "integer", "bản", False, 0, None),
    ("DIALOGUES", "Số hội nghị đối thoại với Nhân dân", "integer", "hội nghị", True, 0, None),
    ("OPINIONS_RAISED", "Số ý kiến, kiến nghị của Nhân dân tại đối thoại", "integer", "ý kiến", True, 0, None),
    ("RECEPTION_DAYS", "Số ngày người đứng đầu tiếp công dân", "integer", "ngày", True, 0, None),
    ("PETITIONS_RECEIVED", "Số đơn thư khiếu nại, tố cáo, kiến nghị tiếp nhận", "integer", "đơn", True, 0, None),
    ("PETITIONS_RESOLVED", "Số đơn thư đã giải quyết", "integer", "đơn", True, 0, None),
    ("INSPECTIONS", "Số cuộc kiểm tra, giám sát của Ban Thanh tra nhân dân", "integer", "cuộc", True, 0, None),
    (
        "INVESTMENT_SUPERVISIONS",
        "Số công trình, dự án được Ban Giám sát đầu tư của cộng đồng giám sát",
        "integer",
        "công trình",
        True,
        0,
        None,
    ),
    ("VIOLATIONS_FOUND", "Số vụ việc vi phạm phát hiện qua kiểm tra, giám sát", "integer", "vụ việc", True, 0, None),
    ("ONE_STOP_SATISFACTION", "Tỷ lệ người dân hài lòng với Bộ phận một cửa", "percent", "%", False, 0, 100),
    ("COMMITTEE_CONSOLIDATED", "Ban Chỉ đạo QCDC được kiện toàn kịp thời", "boolean", "", False, None, None),
]
RULES = [
    (
        "PETITIONS_RESOLVED",
        "le",
        "PETITIONS_RECEIVED",
        "Số đơn thư đã giải quyết không thể lớn hơn số đơn thư tiếp nhận.",
    ),
]

SECTIONS_PERIOD = [
    ("I. Công tác lãnh đạo, chỉ đạo, quán triệt, tuyên truyền", "Văn bản đã ban hành, hội nghị quán triệt, hình thức tuyên truyền.", True),
    (
        "II. Kết quả thực hiện dân chủ ở xã, phường",
        "Công khai thông tin; Nhân dân bàn và quyết định; Nhân dân tham gia ý kiến; Nhân dân kiểm tra, giám sát.",
        True,
    ),
    ("III. Thực hiện dân chủ trong cơ quan, đơn vị", "Hội nghị cán bộ, công chức; hội nghị người lao động.", False),
    ("IV. Hạn chế, khó khăn và nguyên nhân", "", True),
    ("V. Phương hướng, nhiệm vụ thời gian tới", "", True),
    ("VI. Đề xuất, kiến nghị", "", False),
]  # fmt: skip
SECTIONS_MONTH = [
    ("I. Kết quả nổi bật trong tháng", "Công việc đã làm, số liệu chính, việc nổi bật.", True),
    ("II. Khó khăn, vướng mắc", "", False),
    ("III. Nhiệm vụ tháng tới", "", True),
]
SECTIONS_THEMATIC = [
    ("I. Kết quả thực hiện nhiệm vụ", "Việc đã làm theo văn bản chỉ đạo, thời gian, kết quả cụ thể.", True),
    ("II. Khó khăn, vướng mắc", "", False),
    ("III. Đề xuất, kiến nghị", "", False),
]

FORMS = [
    # code, name, kind, period type, due working days, sections, with indicators
    ("qcdc-month", "Báo cáo tháng về thực hiện QCDC ở cơ sở", "periodic", "month", 3, SECTIONS_MONTH, True),
    ("qcdc-quarter", "Báo cáo quý về thực hiện QCDC ở cơ sở", "periodic", "quarter", 5, SECTIONS_PERIOD, True),
    ("qcdc-half", "Báo cáo 6 tháng về thực hiện QCDC ở cơ sở", "periodic", "half", 5, SECTIONS_PERIOD, True),
    ("qcdc-year", "Báo cáo năm về thực hiện QCDC ở cơ sở", "periodic", "year", 10, SECTIONS_PERIOD, True),
    (THEMATIC_CODE, "Báo cáo chuyên đề theo văn bản chỉ đạo", "thematic", "", 5, SECTIONS_THEMATIC, False),
]


def install(ReportForm, FormSection, Indicator, IndicatorRule) -> int:
    """Create the forms that are missing; returns how many were created. Takes the model classes so
    that a migration can pass its historical models."""
    created_count = 0
    for code, name, kind, period_type, due, sections, with_indicators in FORMS:
        form, created = ReportForm.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "period_type": period_type,
                "cutoff_day": 0,
                "due_working_days": due,
                "requires_approval": True,
                "title": TITLE if kind == "periodic" else "Kết quả thực hiện văn bản chỉ đạo",
                "header": "state",
            },
        )
        if not created:
            continue
        created_count += 1
        for position, (title, guidance, required) in enumerate(sections, start=1):
            FormSection.objects.create(
                form=form, position=position * 10, title=title, guidance=guidance, required=required
            )
        if not with_indicators:
            continue
        by_code = {}
        for position, (ind_code, label, value_type, unit, required, low, high) in enumerate(INDICATORS, start=1):
            by_code[ind_code] = Indicator.objects.create(
                form=form,
                position=position * 10,
                code=ind_code,
                label=label,
                value_type=value_type,
                unit=unit,
                required=required,
                min_value=low,
                max_value=high,
            )
        for left, operator, right, message in RULES:
            IndicatorRule.objects.create(
                form=form, left=by_code[left], operator=operator, right=by_code[right], message=message
            )
    return created_count


# The default reminder ladder of every form: a stage falls ``offset`` working days from its anchor
# (``reports.periods.add_working_days``).
class DefaultStage(NamedTuple):
    ladder: str
    code: str
    offset: int
    audience: str
    is_escalation: bool


# 7, 3 and 1 working days before the due date and on it to the reporters; 1 working day after to
# the head of the unit; 3 after to the head of the unit above and the steering committee's standing member.
# A returned report gets a short ladder of its own; a filed one tells the committee that reviews it; one
# sent for signature tells the head who signs it; an accepted one tells the reporters.
DEFAULT_STAGES = (
    DefaultStage("due", "before-7", -7, "reporters", False),
    DefaultStage("due", "before-3", -3, "reporters", False),
    DefaultStage("due", "before-1", -1, "reporters", False),
    DefaultStage("due", "due-day", 0, "reporters", False),
    DefaultStage("due", "overdue-head", 1, "head", True),
    DefaultStage("due", "overdue-parent", 3, "parent", True),
    DefaultStage("returned", "returned", 0, "reporters", False),
    DefaultStage("returned", "returned-late", 3, "head", True),
    DefaultStage("filed", "filed", 0, "reviewers", False),
    DefaultStage("approval", "awaiting-signature", 0, "signers", False),
    DefaultStage("accepted", "accepted", 0, "reporters", False),
)


def install_defaults(stage_model, form_ids) -> int:
    """Give each form of ``form_ids`` the default ladder (works with a migration's historical model too)."""
    rows = [
        stage_model(
            form_id=form_id,
            ladder=s.ladder,
            code=s.code,
            offset=s.offset,
            audience=s.audience,
            is_escalation=s.is_escalation,
        )
        for form_id in form_ids
        for s in DEFAULT_STAGES
    ]
    return len(stage_model.objects.bulk_create(rows, ignore_conflicts=True))
