"""Demo reports for Bắc Ninh: the QCDC forms owed by every commune and ward for the past year, a few
reports at each step of the workflow written through the services as people would, and a year of
history for the wards that were Từ Sơn (on time, late, returned once or twice, missing), so that the
leadership dashboard has something to say.

The forms and the service-made reports are loaded once (when the quarterly form is already assigned
under Bắc Ninh they are left alone); the history fills only the obligations nobody has touched, with
the same outcome each time (seeded by the obligation), so loading again changes nothing.
"""

import contextlib
import datetime
import random
from decimal import Decimal

from django.utils import timezone

from demo.units import EMAIL_DOMAIN, LEGACY_TU_SON, PASSWORD
from reports import generation, periods, services
from reports.documents import signing
from reports.models import FormAssignment, Indicator, Obligation, Report, ReportEvent, ReportForm, ReportValue, Status
from units.models import Headship, RoleGrant, Unit, UnitSuccession, User
from units.services import person_update, role_grant
from units.text import search_key

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


def _fill(obligation: Obligation, actor: User, issuing_body: str = "committee") -> Report:
    report = Report.objects.filter(obligation=obligation).first()
    number = f"{obligation.pk % 90 + 10}{signing.body(issuing_body).symbol}"
    return services.report_save_draft(
        actor=actor,
        obligation=obligation,
        revision=report.revision if report else 0,
        **_entry(obligation.form),
        document={"issuing_body": issuing_body, "doc_symbol": number},
    )


def _body_signed_by(user: User, unit: Unit) -> str:
    """The issuing body whose documents ``user`` signs: the Party committee for its secretary."""
    post = Headship.objects.filter(unit=unit, person__user=user, ended_on__isnull=True).order_by("is_deputy").first()
    return "party" if post is not None and post.function == Headship.Function.PARTY else "committee"


def _chairman_login(unit: Unit, admin: User) -> User | None:
    """A head login for the chairman of ``unit``'s People's Committee (chutich.<place>), who signs its
    UBND reports; None if the post is vacant."""
    post = signing.expected_signer(unit, "committee", timezone.localdate())
    if post is None:
        return None
    person = post.person
    if person.user_id:
        return person.user
    username = "chutich." + search_key(services.place_of(unit)).replace(" ", "")
    user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@{EMAIL_DOMAIN}"})
    if created:
        user.set_password(PASSWORD)
        user.save()
    person_update(actor=admin, person=person, user=user, email=user.email)
    role_grant(actor=admin, user=user, role=RoleGrant.Role.HEAD, unit=unit)
    return user


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


def history_start(today: datetime.date) -> datetime.date:
    """The forms are owed for a year: from the first day of this month last year."""
    return datetime.date(today.year - 1, today.month, 1)


def demo_reports_load(*, bac_ninh: Unit, tu_son: Unit, dong_nguyen: Unit, admin: User) -> None:
    quarterly = ReportForm.objects.filter(code="qcdc-quarter").first()
    if quarterly is None:
        return
    if not FormAssignment.objects.filter(form=quarterly, root=bac_ninh).exists():
        _workflow_reports(bac_ninh=bac_ninh, tu_son=tu_son, dong_nguyen=dong_nguyen, admin=admin)
    history_load(tu_son=tu_son, admin=admin)


def _workflow_reports(*, bac_ninh: Unit, tu_son: Unit, dong_nguyen: Unit, admin: User) -> None:
    today = timezone.localdate()
    since = demo_start(today)
    for form in ReportForm.objects.filter(code__in=FORMS):
        generation.form_assign(
            actor=admin, form=form, root=bac_ninh, kinds=Unit.COMMUNAL_KINDS, starts_on=history_start(today)
        )
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

    body = _body_signed_by(head, tu_son)  # truong.tuson signs for the body he heads, not another's

    def accept(obligation):
        with _on(obligation.due_date - datetime.timedelta(days=2)):
            report = _fill(obligation, reporter, body)
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
            report = _fill(returned, reporter, body)
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
        _fill(draft, reporter, body)
    # Phường Đồng Nguyên and three more communes: the last quarter waits in the committee's inbox.
    others = list(
        Unit.objects.filter(parent=bac_ninh, kind__in=Unit.COMMUNAL_KINDS, closed_on__isnull=True)
        .exclude(pk__in=[tu_son.pk, dong_nguyen.pk])
        .order_by("code")[:3]
    )
    for lateness, unit in enumerate([dong_nguyen, *others]):
        obligation = owed(unit, "qcdc-quarter", quarters[-1]) if quarters else None
        signer = _chairman_login(unit, admin) if obligation else None
        if signer:  # the People's Committee's report, approved by its chairman
            author = users.get("baocao.dongnguyen") if unit == dong_nguyen else admin
            with _on(min(today, obligation.due_date + datetime.timedelta(days=lateness * 4 - 2))):
                report = _fill(obligation, author or admin)
                services.report_request_approval(actor=admin, report=report)
                services.report_approve(actor=signer, report=report)


# A year of history for the wards that were Từ Sơn -------------------------------------------------------

RETURN_REASONS = [
    "Đề nghị bổ sung số liệu về tiếp công dân và giải quyết đơn thư trong kỳ.",
    "Đề nghị làm rõ kết quả giám sát của Ban Thanh tra nhân dân; số liệu chưa khớp với báo cáo kỳ trước.",
]


def _outcome(rng: random.Random, weak: bool) -> tuple[str, int]:
    """(what happened, days late or returns): a weaker ward is late and misses more often."""
    roll = rng.random() + (0.3 if weak else 0)
    if roll < 0.55:
        return "on_time", 0
    if roll < 0.72:
        return "late", rng.randint(1, 12)
    if roll < 0.82:
        return "returned", 1
    if roll < 0.88:
        return "returned", 2
    return "missing", 0


def _moment(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def _values_for(report: Report, indicators: list[Indicator], rng: random.Random) -> list[ReportValue]:
    rows = []
    for indicator in indicators:
        typed = FIGURES.get(indicator.code, "")
        if not typed:
            continue
        if indicator.value_type == Indicator.ValueType.BOOLEAN:
            rows.append(ReportValue(report=report, indicator=indicator, raw=typed, value_decimal=Decimal(1)))
            continue
        base = Decimal(typed.replace(".", "").replace(",", "."))
        number = (base * Decimal(rng.uniform(0.6, 1.4))).quantize(Decimal("0.1" if "," in typed else "1"))
        if indicator.value_type == Indicator.ValueType.PERCENT:
            number = min(number, Decimal(100))
        rows.append(ReportValue(report=report, indicator=indicator, raw=str(number), value_decimal=number))
    return rows


def history_load(*, tu_son: Unit, admin: User, today: datetime.date | None = None) -> int:
    """File, late or not, return or leave missing every untouched obligation of the wards that were Từ Sơn
    (and of the other communes of Bắc Ninh) that fell due in the past year, writing the columns and history rows the workflow services write.
    In bulk (a few queries), idempotent. Returns how many obligations it filled."""
    today = today or timezone.localdate()
    former_tu_son = set(
        UnitSuccession.objects.filter(
            predecessor__parent__code_scheme=Unit.CodeScheme.LEGACY, predecessor__parent__code=LEGACY_TU_SON
        ).values_list("successor_id", flat=True)
    )
    # The wards that were Từ Sơn, and (so that the province's dashboard compares like with like) every
    # other commune and ward of the province, a few of which struggle.
    wards = set(
        Unit.objects.filter(
            parent_id=tu_son.parent_id, kind__in=Unit.COMMUNAL_KINDS, closed_on__isnull=True
        ).values_list("pk", flat=True)
    ) | {tu_son.pk}
    untouched = list(
        Obligation.objects.filter(
            unit_id__in=wards,
            form__code__in=FORMS,
            status=Status.NOT_STARTED,
            due_date__lt=today - datetime.timedelta(days=1),
            due_date__gte=history_start(today),
            report__isnull=True,
        ).select_related("form", "unit")
    )
    if not untouched:
        return 0
    weak = {pk for pk in wards if pk % 9 == 0 and pk not in former_tu_son}  # so the ranking has a bottom
    indicators = {}
    for indicator in Indicator.objects.filter(form__code__in=FORMS).order_by("position"):
        indicators.setdefault(indicator.form_id, []).append(indicator)
    narratives = {form.pk: _entry_narrative(form) for form in {o.form for o in untouched}}
    filed, reports = [], []
    for o in untouched:
        rng = random.Random(f"qcdc-demo-history:{o.unit_id}:{o.form_id}:{o.period_start}")
        what, n = _outcome(rng, o.unit_id in weak)
        if what == "missing" and o.unit_id == tu_son.pk:
            what = "late"  # Phường Từ Sơn, the article's ward, files everything; some of it late
            n = rng.randint(2, 6)
        if what == "missing":
            continue
        first = o.due_date + datetime.timedelta(days=n if what == "late" else -rng.randint(0, 4))
        # The committee reads a report within a few days of receiving it, and again after each correction.
        returns = n if what == "returned" else 0
        accepted = first + datetime.timedelta(days=rng.randint(1, 5) + 3 * returns)
        if accepted >= today:
            accepted = None
        o.first_submitted_at = o.last_submitted_at = _moment(first)
        o.on_time = first <= o.due_date
        o.days_late = periods.working_days_late(o.due_date, first)
        o.returned_count = n if what == "returned" else 0
        if o.returned_count:
            o.last_submitted_at = _moment(first + datetime.timedelta(days=3 * n))
        o.accepted_at = _moment(accepted, 15) if accepted else None
        o.accepted_on_time = accepted <= o.due_date if accepted else None
        o.status = Status.ACCEPTED if accepted else (Status.RESUBMITTED if o.returned_count else Status.SUBMITTED)
        filed.append(o)
        reports.append(
            Report(
                obligation=o,
                status=o.status,
                revision=1 + o.returned_count,
                narrative=narratives[o.form_id],
                doc_symbol=f"{o.pk % 90 + 10}/BC-UBND",
                doc_place="Từ Sơn",
                doc_date=first,
                issuer=f"ỦY BAN NHÂN DÂN\n{o.unit.name.upper()}",
                signer_title="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
                created_by=admin,
                updated_by=admin,
                submitted_at=o.last_submitted_at,
            )
        )
    Obligation.objects.bulk_update(
        filed,
        [
            "status",
            "first_submitted_at",
            "last_submitted_at",
            "accepted_at",
            "on_time",
            "accepted_on_time",
            "days_late",
            "returned_count",
        ],
        batch_size=500,
    )
    Report.objects.bulk_create(reports, batch_size=500)
    values, events = [], []
    for report in reports:
        o = report.obligation
        rng = random.Random(f"qcdc-demo-values:{o.pk}")
        values.extend(_values_for(report, indicators.get(o.form_id, []), rng))
        events.extend(_events(report, o))
    ReportValue.objects.bulk_create(values, batch_size=1000)
    created = ReportEvent.objects.bulk_create(events, batch_size=1000)
    # created_at is set on insert (auto_now_add): put each step back on its day.
    for event in created:
        event.created_at = event._when
    ReportEvent.objects.bulk_update(created, ["created_at"], batch_size=1000)
    return len(filed)


def _entry_narrative(form: ReportForm) -> dict:
    return {
        str(s.pk): NARRATIVE.get(s.title.split(" ", 1)[0], "Đã thực hiện theo kế hoạch.") for s in form.sections.all()
    }


def _events(report: Report, o: Obligation) -> list[ReportEvent]:
    first = o.first_submitted_at
    steps = [(ReportEvent.Kind.SUBMITTED, Status.DRAFT, Status.SUBMITTED, "", first)]
    for n in range(o.returned_count):
        returned_at = first + datetime.timedelta(days=3 * n + 1)
        steps.append((ReportEvent.Kind.RETURNED, Status.SUBMITTED, Status.RETURNED, RETURN_REASONS[n % 2], returned_at))
        steps.append(
            (
                ReportEvent.Kind.RESUBMITTED,
                Status.RETURNED,
                Status.RESUBMITTED,
                "",
                returned_at + datetime.timedelta(days=2),
            )
        )
    if o.accepted_at:
        steps.append((ReportEvent.Kind.ACCEPTED, steps[-1][2], Status.ACCEPTED, "Báo cáo đầy đủ.", o.accepted_at))
    events = []
    for kind, before, after, note, when in steps:
        event = ReportEvent(report=report, kind=kind, from_status=before, to_status=after, note=note)
        event._when = when
        events.append(event)
    return events
