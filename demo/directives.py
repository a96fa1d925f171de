"""Demo directives: Kết luận 120-KL/TW, the Bắc Ninh plans that carry it out, and their tasks.

The Party's conclusion is registered at the national level and handed to Tỉnh Bắc Ninh (done: the
province issued its plan) and to the centre to follow. The Tỉnh ủy's *Kế hoạch 45-KH/TU* implements it
and gives every ward and commune of the province tasks (lead, coordinate, monitor) with deadlines; the
four wards that were Từ Sơn owe a thematic report on a form of the plan's own, which Phường Từ Sơn has
filed and the committee accepted. The UBND's *Kế hoạch* implements the Tỉnh ủy's on the State side.
Some tasks are done, the others overdue or still running, all dated from today so the demo stays alive.

Written through the directives' and reports' services, as the people of the demo would (the plan's
thematic form is created directly, as ``demo.reminders`` creates its form), and loaded once: a
directive whose symbol is already registered is left with its tasks as they are.
"""

import datetime
import random
from typing import NamedTuple

from django.utils import timezone

from demo.reports import _on
from directives import services as directives
from directives.models import Assignment, Directive, DirectiveType
from reports import services
from reports.models import FormSection, Indicator, Obligation, ReportForm
from units.models import Unit, User

KL_120 = "120-KL/TW"
KH_TU = "45-KH/TU"
KH_UBND = "215/KH-UBND"
SYMBOLS = (KL_120, KH_TU, KH_UBND)
THEMATIC_CODE = "demo-kh45-chuyen-de"

CONFERENCE = (
    "Tổ chức hội nghị quán triệt Kết luận 120-KL/TW và Kế hoạch 45-KH/TU đến cán bộ chủ chốt, bí thư chi bộ, "
    "trưởng thôn, tổ trưởng tổ dân phố"
)
DIALOGUE = (
    "Tổ chức hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân về thực hiện dân chủ ở cơ sở"
)
THEMATIC = "Báo cáo chuyên đề kết quả 10 năm thực hiện Kết luận 120-KL/TW (mô hình điểm của phường)"
DISCLOSURE = (
    "Công khai dự toán ngân sách, kế hoạch sử dụng đất và các khoản đóng góp của Nhân dân tại trụ sở và nhà văn "
    "hóa thôn, tổ dân phố"
)

THEMATIC_NARRATIVE = {
    "I.": (
        "Đảng ủy phường ban hành Kế hoạch thực hiện Kế hoạch 45-KH/TU; tổ chức 02 hội nghị quán triệt Kết luận "
        "120-KL/TW cho 186 cán bộ chủ chốt, bí thư chi bộ và tổ trưởng tổ dân phố. Mô hình “Dân vận khéo” trong "
        "công khai thu, chi các khoản đóng góp được nhân rộng ở 9/9 tổ dân phố."
    ),
    "II.": "Một số tổ dân phố tỷ lệ hộ gia đình dự họp còn thấp; kinh phí cho Ban Thanh tra nhân dân còn hạn chế.",
    "III.": "Đề nghị Ban Dân vận Tỉnh ủy tổ chức tập huấn nghiệp vụ cho Ban Thanh tra nhân dân các phường.",
}


def demo_directives_load(
    *, nation: Unit, bac_ninh: Unit, tu_son: Unit, dong_nguyen: Unit, admin: User, today: datetime.date | None = None
) -> int:
    """Register the demo directives that are not there yet, with their tasks; returns how many were registered."""
    today = today or timezone.localdate()
    registered = set(Directive.objects.filter(symbol__in=SYMBOLS).values_list("symbol", flat=True))
    if registered == set(SYMBOLS):
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=["canbo.bacninh", "baocao.tuson", "truong.tuson"])}
    staff = users.get("canbo.bacninh")
    if staff is None:
        return 0
    types = {(t.family, t.name): t for t in DirectiveType.objects.filter(name__in=["Kết luận", "Kế hoạch"])}
    party, state = DirectiveType.Family.PARTY, DirectiveType.Family.STATE
    communes = list(
        Unit.objects.filter(parent=bac_ninh, kind__in=Unit.COMMUNAL_KINDS, closed_on__isnull=True).order_by("code")
    )
    pilots = [u for u in communes if u.code in PILOT_WARDS]
    registered_now = 0

    kl120, created = _register(
        admin,
        today - datetime.timedelta(days=120),
        owner_unit=nation,
        doc_type=types[(party, "Kết luận")],
        symbol=KL_120,
        issuer="Bộ Chính trị",
        issued_on=datetime.date(2016, 1, 7),
        issued_place="Hà Nội",
        abstract="Về tiếp tục đẩy mạnh, nâng cao chất lượng, hiệu quả việc xây dựng và thực hiện Quy chế "
        "dân chủ ở cơ sở",
        effective_from=datetime.date(2016, 1, 7),
        tasks=[
            Task(
                "Theo dõi, đôn đốc, kiểm tra việc thực hiện Kết luận trong cả nước; định kỳ sơ kết, tổng kết",
                Assignment.Role.MONITOR,
                None,
                [nation],
            ),
            Task(
                "Xây dựng kế hoạch thực hiện Kết luận 120-KL/TW của tỉnh nhiệm kỳ 2025–2030 và "
                "chỉ đạo các xã, phường tổ chức thực hiện",
                Assignment.Role.LEAD,
                today - datetime.timedelta(days=90),
                [bac_ninh],
            ),
        ],
    )
    if created:
        with _on(today - datetime.timedelta(days=92)):
            _finish(admin, kl120, [bac_ninh], "Tỉnh ủy Bắc Ninh đã ban hành Kế hoạch 45-KH/TU.")
        registered_now += 1

    issued = today - datetime.timedelta(days=95)
    kh_tu, created = _register(
        staff,
        issued + datetime.timedelta(days=2),
        owner_unit=bac_ninh,
        doc_type=types[(party, "Kế hoạch")],
        symbol=KH_TU,
        issuer="Tỉnh ủy Bắc Ninh",
        issued_on=issued,
        issued_place="Bắc Ninh",
        abstract="Thực hiện Kết luận số 120-KL/TW của Bộ Chính trị về tiếp tục đẩy mạnh, nâng cao chất lượng, "
        "hiệu quả việc xây dựng và thực hiện Quy chế dân chủ ở cơ sở, nhiệm kỳ 2025–2030",
        signer="Nguyễn Quốc Khánh",  # invented, as every person of the demo
        signer_position="Phó Bí thư Thường trực Tỉnh ủy",
        effective_from=issued,
        implements=kl120,
        tasks=[
            Task(
                "Ban Dân vận Tỉnh ủy theo dõi, đôn đốc, tổng hợp kết quả thực hiện Kế hoạch; "
                "báo cáo Ban Thường vụ Tỉnh ủy",
                Assignment.Role.MONITOR,
                today + datetime.timedelta(days=30),
                [bac_ninh],
            ),
            Task(CONFERENCE, Assignment.Role.LEAD, today - datetime.timedelta(days=30), communes),
            Task(DIALOGUE, Assignment.Role.LEAD, today + datetime.timedelta(days=20), [tu_son]),
            Task(
                DIALOGUE,
                Assignment.Role.COORDINATE,
                today + datetime.timedelta(days=20),
                [u for u in pilots if u != tu_son],
            ),
            Task(THEMATIC, Assignment.Role.LEAD, today + datetime.timedelta(days=14), pilots, report_required=True),
        ],
        before_tasks=lambda plan: _thematic_form(plan, bac_ninh),
    )
    if created:
        # Most wards and communes held their conference before the deadline; Phường Từ Sơn among the first.
        held = [u for u in communes if u in (tu_son, dong_nguyen) or _chance(u, CONFERENCE) < 0.7]
        with _on(today - datetime.timedelta(days=33)):
            _finish(staff, kh_tu, held, "Đã tổ chức hội nghị quán triệt; biên bản gửi kèm báo cáo tháng.", CONFERENCE)
        form = ReportForm.objects.get(code=THEMATIC_CODE)
        _thematic_report(form=form, tu_son=tu_son, users=users, staff=staff, today=today)
        registered_now += 1

    issued = today - datetime.timedelta(days=80)
    kh_ubnd, created = _register(
        staff,
        issued + datetime.timedelta(days=1),
        owner_unit=bac_ninh,
        doc_type=types[(state, "Kế hoạch")],
        symbol=KH_UBND,
        issuer="Ủy ban nhân dân tỉnh Bắc Ninh",
        issued_on=issued,
        issued_place="Bắc Ninh",
        abstract="Triển khai thực hiện Luật Thực hiện dân chủ ở cơ sở và Kế hoạch số 45-KH/TU của Tỉnh ủy "
        "trên địa bàn tỉnh",
        signer="Trần Đức Toàn",
        signer_position="Chủ tịch Ủy ban nhân dân tỉnh",
        effective_from=issued,
        implements=kh_tu,
        tasks=[Task(DISCLOSURE, Assignment.Role.LEAD, today - datetime.timedelta(days=7), communes)],
    )
    if created:
        # About half have posted everything; Phường Đồng Nguyên has not, and its task shows overdue.
        posted = [u for u in communes if u == tu_son or (u != dong_nguyen and _chance(u, DISCLOSURE) < 0.5)]
        with _on(today - datetime.timedelta(days=9)):
            _finish(staff, kh_ubnd, posted, "Đã niêm yết công khai; ảnh chụp lưu tại hồ sơ.", DISCLOSURE)
        registered_now += 1
    return registered_now


# The wards that were Từ Sơn (its successors in the current list): the plan's pilot units.
PILOT_WARDS = ("09367", "09373", "09376", "09382")


def _chance(unit: Unit, task: str) -> float:
    return random.Random(f"qcdc-demo-task:{unit.code}:{task[:20]}").random()


class Task(NamedTuple):
    """One task of a directive, handed to ``units`` with one role and one deadline."""

    text: str
    role: str
    deadline: datetime.date | None
    units: list[Unit]
    report_required: bool = False


def _register(
    actor: User, day: datetime.date, *, tasks: list[Task], before_tasks=None, **fields
) -> tuple[Directive, bool]:
    """The directive with ``fields["symbol"]``, and whether it was registered now.

    When it is not there yet, ``actor`` registers it as if on ``day`` and hands out its ``tasks`` (after
    ``before_tasks(directive)``, if given); one that is already registered is left with its tasks as they are.
    """
    directive = Directive.objects.filter(symbol=fields["symbol"]).first()
    if directive is not None:
        return directive, False
    with _on(day):
        directive = directives.directive_create(actor=actor, **fields)
        if before_tasks is not None:
            before_tasks(directive)
        for task in tasks:
            directives.assignment_bulk_create(
                actor=actor,
                directive=directive,
                task=task.text,
                role=task.role,
                deadline=task.deadline,
                report_required=task.report_required,
                units=task.units,
            )
    return directive, True


def _finish(actor, directive, units, reason: str, task: str | None = None) -> None:
    """Mark the units' task of ``directive`` done (the one with ``task``'s text, or their only one)."""
    rows = Assignment.objects.filter(directive=directive, unit__in=units, status=Assignment.Status.OPEN)
    if task is not None:
        rows = rows.filter(task=task)
    for assignment in rows:
        directives.assignment_update(actor=actor, assignment=assignment, reason=reason, status=Assignment.Status.DONE)


def _thematic_form(directive: Directive, owner: Unit) -> ReportForm:
    """The plan's own thematic form: the tasks that require a report are filed on it."""
    form = ReportForm.objects.create(
        code=THEMATIC_CODE,
        name="Báo cáo chuyên đề 10 năm thực hiện Kết luận 120-KL/TW",
        kind=ReportForm.Kind.THEMATIC,
        title="Kết quả 10 năm thực hiện Kết luận số 120-KL/TW của Bộ Chính trị",
        header=ReportForm.Header.PARTY,
        directive=directive,
        owner_unit=owner,
        due_working_days=10,
    )
    FormSection.objects.bulk_create(
        [
            FormSection(form=form, position=10, title="I. Kết quả thực hiện nhiệm vụ", required=True),
            FormSection(form=form, position=20, title="II. Hạn chế, khó khăn và nguyên nhân", required=False),
            FormSection(form=form, position=30, title="III. Đề xuất, kiến nghị", required=False),
        ]
    )
    Indicator.objects.bulk_create(
        [
            Indicator(
                form=form,
                position=10,
                code="DISSEMINATION_CONFERENCES",
                label="Số hội nghị quán triệt",
                unit="hội nghị",
                min_value=0,
            ),
            Indicator(
                form=form,
                position=20,
                code="DISSEMINATION_PARTICIPANTS",
                label="Số lượt người dự hội nghị quán triệt",
                unit="lượt người",
                min_value=0,
            ),
        ]
    )
    return form


def _thematic_report(*, form: ReportForm, tu_son: Unit, users: dict, staff: User, today: datetime.date) -> None:
    """Phường Từ Sơn files its thematic report early: drafted, signed by the head, accepted by the committee."""
    reporter, head = users.get("baocao.tuson"), users.get("truong.tuson")
    obligation = Obligation.objects.filter(form=form, unit=tu_son).select_related("assignment").first()
    if not (reporter and head and obligation):
        return
    sections = {s.title.split(" ", 1)[0]: str(s.pk) for s in form.sections.all()}
    figures = dict(form.indicators.values_list("code", "pk"))
    with _on(today - datetime.timedelta(days=4)):
        report = services.report_save_draft(
            actor=reporter,
            obligation=obligation,
            revision=0,
            narrative={pk: THEMATIC_NARRATIVE[prefix] for prefix, pk in sections.items()},
            values={figures["DISSEMINATION_CONFERENCES"]: "2", figures["DISSEMINATION_PARTICIPANTS"]: "186"},
            document={"doc_symbol": "27-BC/ĐU"},
        )
        report = services.report_request_approval(actor=reporter, report=report)
    with _on(today - datetime.timedelta(days=3)):
        report = services.report_approve(actor=head, report=report)
    with _on(today - datetime.timedelta(days=1)):
        services.report_accept(actor=staff, report=report, note="Báo cáo đầy đủ, có số liệu cụ thể.")
        directives.assignment_update(
            actor=staff,
            assignment=obligation.assignment,
            reason="Báo cáo chuyên đề đã được chấp nhận.",
            status=Assignment.Status.DONE,
        )
