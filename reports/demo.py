"""Demo reports for Bắc Ninh: the QCDC forms owed by every commune and ward since the 2025 reform, and a
few reports at each step of the workflow, written through the services as people would.

Loaded once: when the quarterly form is already assigned under Bắc Ninh, nothing is done.
"""

import contextlib
import datetime

from django.utils import timezone

from reports import generation, periods, services
from reports.models import FormAssignment, Obligation, Report, ReportForm
from units.models import Unit, User

FORMS = ("qcdc-month", "qcdc-quarter", "qcdc-half", "qcdc-year")

NARRATIVE = {
    "I.": (
        "Đảng ủy, Ủy ban nhân dân phường ban hành Kế hoạch thực hiện Quy chế dân chủ ở cơ sở; tổ chức hội nghị "
        "quán triệt Kết luận 120-KL/TW đến cán bộ chủ chốt và bí thư chi bộ, trưởng khu phố.\n\n"
        "Tuyên truyền trên hệ thống loa truyền thanh, trang thông tin điện tử và nhóm Zalo của các khu phố."
    ),
    "II.": (
        "Công khai dự toán, quyết toán ngân sách, kế hoạch sử dụng đất và các khoản đóng góp của Nhân dân tại trụ sở "
        "và nhà văn hóa khu phố. Tổ chức họp khu phố bàn và quyết định việc đóng góp xây dựng đường làng; lấy ý "
        "kiến Nhân dân về dự thảo quy hoạch. Ban Thanh tra nhân dân giám sát việc thu, chi các quỹ."
    ),
    "III.": "Tổ chức hội nghị cán bộ, công chức đầu năm đúng quy định.",
    "IV.": "Một số khu phố tỷ lệ hộ dự họp còn thấp; việc công khai ở một vài nơi chưa kịp thời.",
    "V.": "Tiếp tục đẩy mạnh công khai thông tin; nâng cao chất lượng hoạt động của Ban Thanh tra nhân dân.",
    "VI.": "Đề nghị cấp trên tổ chức tập huấn nghiệp vụ cho Ban Thanh tra nhân dân.",
}
FIGURES = {
    "DISCLOSURES": "14",
    "MEETINGS": "9",
    "MEETING_PARTICIPANTS": "1.386",
    "BALLOTS": "2",
    "CHARTERS_RECOGNISED": "1",
    "DIALOGUES": "1",
    "OPINIONS_RAISED": "23",
    "RECEPTION_DAYS": "12",
    "PETITIONS_RECEIVED": "11",
    "PETITIONS_RESOLVED": "9",
    "INSPECTIONS": "3",
    "INVESTMENT_SUPERVISIONS": "2",
    "VIOLATIONS_FOUND": "0",
    "ONE_STOP_SATISFACTION": "94,5",
    "COMMITTEE_CONSOLIDATED": "có",
}


def _entry(form: ReportForm) -> dict:
    narrative = {}
    for section in form.sections.all():
        prefix = section.title.split(" ", 1)[0]
        narrative[str(section.pk)] = NARRATIVE.get(prefix, "Đã thực hiện theo kế hoạch.")
    values = {i.pk: FIGURES.get(i.code, "") for i in form.indicators.all()}
    return {"narrative": narrative, "values": values}


def _fill(obligation: Obligation, actor: User) -> Report:
    report = Report.objects.filter(obligation=obligation).first()
    return services.report_save_draft(
        actor=actor,
        obligation=obligation,
        revision=report.revision if report else 0,
        **_entry(obligation.form),
        document={"doc_symbol": f"{obligation.pk % 90 + 10}/BC-UBND"},
    )


def _on(day: datetime.date):
    """Do the steps as if on ``day`` at 09:00 (so the history shows real dates), when time-machine is installed."""
    try:
        import time_machine
    except ImportError:  # a production install without the test tools: the steps happen now
        return contextlib.nullcontext()
    moment = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=timezone.get_current_timezone())
    return time_machine.travel(moment, tick=False)


def demo_start(today: datetime.date) -> datetime.date:
    """The forms are owed from the start of the quarter before last: a short, readable history."""
    quarter_start = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    month = quarter_start.month - 6
    return quarter_start.replace(year=quarter_start.year - (month < 1), month=month + 12 if month < 1 else month)


def _finished(period_type: str, today: datetime.date, since: datetime.date) -> list[tuple[int, int]]:
    """(year, index) of the periods owed since ``since`` that ended before ``today``, oldest first."""
    return [
        (p.year, p.index)
        for year in (today.year - 1, today.year)
        for p in periods.periods_of_year(period_type, year)
        if since <= p.end < today
    ]


def demo_reports_load(*, bac_ninh: Unit, tu_son: Unit, dong_nguyen: Unit, admin: User) -> None:
    quarterly = ReportForm.objects.filter(code="qcdc-quarter").first()
    if quarterly is None or FormAssignment.objects.filter(form=quarterly, root=bac_ninh).exists():
        return
    today = timezone.localdate()
    since = demo_start(today)
    for form in ReportForm.objects.filter(code__in=FORMS):
        generation.form_assign(actor=admin, form=form, root=bac_ninh, kinds=Unit.COMMUNAL_KINDS, starts_on=since)
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["baocao.tuson", "truong.tuson", "canbo.bacninh", "baocao.dongnguyen"]
        )
    }
    reporter, head, staff = users.get("baocao.tuson"), users.get("truong.tuson"), users.get("canbo.bacninh")
    if not (reporter and head and staff):
        return

    def owed(unit, code, when):
        return Obligation.objects.filter(unit=unit, form__code=code, year=when[0], period_index=when[1]).first()

    def accept(obligation):
        with _on(obligation.due_date - datetime.timedelta(days=2)):
            report = _fill(obligation, reporter)
            services.report_request_approval(actor=reporter, report=report)
        with _on(obligation.due_date - datetime.timedelta(days=1)):
            services.report_approve(actor=head, report=report)
        with _on(obligation.due_date + datetime.timedelta(days=3)):
            services.report_accept(actor=staff, report=report, note="Báo cáo đầy đủ, đúng mẫu.")

    # Phường Từ Sơn: everything accepted but the last quarter, returned for a missing figure, and the
    # last month, still a draft.
    quarters, months = _finished("quarter", today, since), _finished("month", today, since)
    for code, done in (
        ("qcdc-month", months[:-1]),
        ("qcdc-quarter", quarters[:-1]),
        ("qcdc-half", _finished("half", today, since)),
    ):
        for when in done:
            obligation = owed(tu_son, code, when)
            if obligation:
                accept(obligation)
    returned = owed(tu_son, "qcdc-quarter", quarters[-1]) if quarters else None
    if returned:
        with _on(returned.due_date - datetime.timedelta(days=1)):
            report = _fill(returned, reporter)
            services.report_request_approval(actor=reporter, report=report)
        with _on(returned.due_date + datetime.timedelta(days=1)):  # the head signed a day late
            services.report_approve(actor=head, report=report)
        with _on(min(today, returned.due_date + datetime.timedelta(days=6))):
            services.report_return(
                actor=staff,
                report=report,
                reason="Đề nghị bổ sung số đơn thư đã giải quyết trong kỳ và làm rõ kết quả giám sát của "
                "Ban Thanh tra nhân dân.",
            )
    draft = owed(tu_son, "qcdc-month", months[-1]) if months else None
    if draft:
        _fill(draft, reporter)
    # Phường Đồng Nguyên and three more communes: the last quarter waits in the committee's inbox.
    others = list(
        Unit.objects.filter(parent=bac_ninh, kind__in=Unit.COMMUNAL_KINDS, closed_on__isnull=True)
        .exclude(pk__in=[tu_son.pk, dong_nguyen.pk])
        .order_by("code")[:3]
    )
    for lateness, unit in enumerate([dong_nguyen, *others]):
        obligation = owed(unit, "qcdc-quarter", quarters[-1]) if quarters else None
        if obligation:
            author = users.get("baocao.dongnguyen") if unit == dong_nguyen else admin
            with _on(min(today, obligation.due_date + datetime.timedelta(days=lateness * 4 - 2))):
                report = _fill(obligation, author or admin)
                services.report_submit(actor=admin, report=report)
