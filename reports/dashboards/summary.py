"""The dashboard's summary as a document the committee issues (a PDF and a .docx).

Before printing, staff confirm on a small form who issues it (one of the unit's bodies, by default its steering
committee, under its full name), the number and symbol, the place and date, the signer (one of the body's members
in office, by default its head, with the authority of their role), the recipients and the header (Party, by
default: a steering committee is set up by the Party committee, so its documents follow Guideline 36-HD/VPTW).
The document states the figures of the period in official wording, names the units needing attention and the
oldest overdue reports, and lists every unit with its figures in an annex (*Phụ lục*). Its words are Vietnamese
whatever the reader's language: they are written here, not translated.
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from reports import periods
from reports.documents.pdf import symbol_text, text_lines
from reports.models import ReportForm
from reports.numbers import average, number, percent
from reports.selectors.filters import SELF
from reports.services import place_of
from units.forms import DayField
from units.models import Body, BodyMembership, Unit
from units.querysets import in_office_q
from units.text import sort_key

OVERDUE_NAMED = 10  # the oldest overdue reports named in the text; their number is given in full
ATTENTION = 5  # the units with the lowest on-time rates named in the text; the annex has every unit

AUTHORITY = {True: ("T/M", "K/T", "T/L"), False: ("TM.", "KT.", "TL.")}  # Party (Guideline 36), State (Decree 30)
BODY_TITLE = {
    Body.Kind.STEERING_COMMITTEE: "BAN CHỈ ĐẠO",
    Body.Kind.INSPECTION_BOARD: "BAN THANH TRA NHÂN DÂN",
    Body.Kind.INVESTMENT_SUPERVISION: "BAN GIÁM SÁT ĐẦU TƯ CỦA CỘNG ĐỒNG",
}
ROLE_TITLE = {
    BodyMembership.Role.HEAD: "TRƯỞNG BAN",
    BodyMembership.Role.STANDING_DEPUTY: "PHÓ TRƯỞNG BAN THƯỜNG TRỰC",
    BodyMembership.Role.DEPUTY: "PHÓ TRƯỞNG BAN",
    BodyMembership.Role.MEMBER: "THÀNH VIÊN",
    BodyMembership.Role.SECRETARY: "THƯ KÝ",
}
DEFAULT_RECIPIENTS = (
    "- Thường trực cấp ủy (để báo cáo);\n- Các thành viên Ban Chỉ đạo;\n- Các đơn vị trực thuộc;\n- Lưu: VT."
)


def signer_title(membership: BodyMembership, *, party: bool) -> str:
    """The authority and position over the signature: "T/M BAN CHỈ ĐẠO / TRƯỞNG BAN" for the head, "K/T TRƯỞNG BAN /
    PHÓ TRƯỞNG BAN" for a deputy, "T/L TRƯỞNG BAN / THÀNH VIÊN" otherwise (TM., KT., TL. on a State document)."""
    on_behalf, for_head, by_order = AUTHORITY[party]
    role = membership.role
    body = BODY_TITLE.get(membership.body.kind, membership.body.name.upper())
    if role == BodyMembership.Role.HEAD:
        return f"{on_behalf} {body}\n{ROLE_TITLE[role]}"
    if role in (BodyMembership.Role.STANDING_DEPUTY, BodyMembership.Role.DEPUTY):
        return f"{for_head} TRƯỞNG BAN\n{ROLE_TITLE[role]}"
    return f"{by_order} TRƯỞNG BAN\n{ROLE_TITLE[role]}"


def parent_body(unit: Unit, *, party: bool) -> str:
    """The body above the unit's committee: its Party committee (Party) or its People's Committee (State)."""
    if not party:
        return f"ỦY BAN NHÂN DÂN {unit.name.upper()}"
    if unit.kind == Unit.Kind.NATION:
        return "BAN CHẤP HÀNH TRUNG ƯƠNG"
    if unit.kind == Unit.Kind.PROVINCE:
        return f"TỈNH ỦY {place_of(unit).upper()}"
    if unit.kind == Unit.Kind.CITY:
        return f"THÀNH ỦY {place_of(unit).upper()}"
    if unit.kind in Unit.COMMUNAL_KINDS:
        return f"ĐẢNG ỦY {unit.name.upper()}"
    return f"ĐẢNG BỘ {unit.name.upper()}"


class SignerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.person.full_name} · {obj.get_role_display()} · {obj.body.name}"


class SummaryDocumentForm(forms.Form):
    """What the committee confirms before the summary is printed; every field starts filled in."""

    header = forms.ChoiceField(label=_("Document header"), choices=ReportForm.Header.choices)
    parent = forms.CharField(
        label=_("Body above (printed upright over the issuing body)"), max_length=200, required=False
    )
    body = forms.ModelChoiceField(label=_("Issuing body"), queryset=Body.objects.none(), empty_label=None)
    symbol = forms.CharField(
        label=_("Number and symbol"), max_length=60, required=False, help_text=_("E.g. 12-BC/BCĐ.")
    )
    place = forms.CharField(label=_("Place"), max_length=100)
    date = DayField(label=_("Document date"))
    signer = SignerChoice(label=_("Signed by"), queryset=BodyMembership.objects.none(), empty_label=None)
    signer_title = forms.CharField(
        label=_("Authority and position over the signature"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Leave empty to print the signer's role, e.g. T/M BAN CHỈ ĐẠO / TRƯỞNG BAN."),
    )
    recipients = forms.CharField(label=_("Recipients (Nơi nhận)"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, data, *, unit: Unit, today: datetime.date):
        super().__init__(data)
        bodies = Body.objects.filter(unit=unit).exclude(dissolved_on__lte=today).order_by("kind", "name")
        bodies = sorted(bodies, key=lambda b: b.kind != Body.Kind.STEERING_COMMITTEE)
        self.fields["body"].queryset = Body.objects.filter(pk__in=[b.pk for b in bodies])
        self.fields["body"].choices = [(b.pk, b.name) for b in bodies]
        self.fields["signer"].queryset = BodyMembership.objects.filter(
            in_office_q(today), body__in=[b.pk for b in bodies]
        ).select_related("person", "body")
        members = list(
            self.fields["signer"].queryset.order_by(
                "body__kind", "body__name", BodyMembership.role_order(), "person__full_name"
            )
        )
        self.fields["signer"].choices = [(m.pk, self.fields["signer"].label_from_instance(m)) for m in members]
        self.no_body = not bodies
        body = bodies[0] if bodies else None
        head = next((m for m in members if m.body_id == getattr(body, "pk", None)), None)
        self.initial = {
            "header": ReportForm.Header.PARTY,
            "parent": parent_body(unit, party=True),
            "body": body.pk if body else None,
            "symbol": "-BC/BCĐ",
            "place": place_of(unit),
            "date": today,
            "signer": head.pk if head else None,
            "signer_title": signer_title(head, party=True) if head else "",
            "recipients": DEFAULT_RECIPIENTS,
        }

    def clean(self):
        data = super().clean()
        body, signer = data.get("body"), data.get("signer")
        if body and signer and signer.body_id != body.pk:
            self.add_error("signer", _("The signer must be a member of the issuing body."))
        return data


def period_phrase(start: datetime.date, end: datetime.date) -> str:
    """The period in official wording: "năm 2026", "6 tháng đầu năm 2026", "từ tháng 01 đến tháng 11 năm 2026"."""
    if start.year == end.year:
        year = f"năm {start.year}"
        if (start.month, end.month) == (1, 12):
            return year
        if (start.month, end.month) == (1, 6):
            return f"6 tháng đầu {year}"
        if start.month == end.month:
            return f"tháng {start.month:02d} {year}"
        return f"từ tháng {start.month:02d} đến tháng {end.month:02d} {year}"
    return f"từ tháng {start.month:02d} năm {start.year} đến tháng {end.month:02d} năm {end.year}"


def _in_text(name: str) -> str:
    """ "Tỉnh Bắc Ninh" within a sentence: "tỉnh Bắc Ninh"."""
    first, _sep, rest = name.partition(" ")
    return f"{first.lower()} {rest}" if rest and first.istitle() else name


def _row_name(row, unit) -> str:
    return f"{unit.name} (báo cáo của chính đơn vị)" if row.bucket == SELF else row.name


def _as_confirmed(typed: str, proposals: set[str], proposal: str) -> str:
    """What the form proposed follows the header and signer finally chosen; what staff typed stays as typed.

    The form opens with the Party header's body above and the committee head's authority; switching to the
    State header or to a deputy without retyping them must not print "T/M" on a State document."""
    typed = "\n".join(text_lines(typed))  # a textarea posts "\r\n"
    return proposal if not typed or typed in {"\n".join(text_lines(p)) for p in proposals} else typed


def summary_context(data: dict, choice: dict) -> dict:
    """The document's context from the dashboard's figures (``data``: ``dashboard_pages.summary_data``) and what
    was confirmed on the form (``choice``: its cleaned data)."""
    flt, unit, h = data["flt"], data["flt"].unit, data["headline"]
    party = choice["header"] == ReportForm.Header.PARTY
    signer = choice["signer"]
    body = choice["body"]
    symbol = symbol_text(choice["symbol"], party=party)
    day = choice["date"]
    period = period_phrase(flt.start, flt.end)
    rows = [r for r in data["rows"] if r.figures.expected]
    annex = sorted(rows, key=lambda r: (r.bucket != SELF, sort_key(r.name), r.name))
    attention = sorted(
        (r for r in rows if r.bucket != SELF and (r.figures.on_time_rate or 0) < 100),
        key=lambda r: (r.figures.on_time_rate or 0, -r.figures.overdue, sort_key(r.name)),
    )[:ATTENTION]
    complete = sum(1 for r in rows if r.figures.on_time == r.figures.expected)
    overdue = data["overdue"][:OVERDUE_NAMED]
    symbol_typed = choice["symbol"].strip() or "…"
    return {
        "party": party,
        "parent_lines": text_lines(
            _as_confirmed(choice["parent"], {parent_body(unit, party=not party)}, parent_body(unit, party=party))
        ),
        "issuer_lines": [body.name.upper()],
        "symbol_line": symbol,
        "date_line": periods.document_date_vi(choice["place"], day),
        "subtitle": f"Kết quả thực hiện chế độ báo cáo về Quy chế dân chủ ở cơ sở {period} trên địa bàn {_in_text(unit.name)}",
        "intro": (
            f"Thực hiện chế độ báo cáo về xây dựng và thực hiện Quy chế dân chủ ở cơ sở, {body.name} báo cáo kết quả "
            f"thực hiện của các đơn vị {period} (các kỳ báo cáo kết thúc từ ngày {flt.start:%d/%m/%Y} đến ngày "
            f"{flt.end:%d/%m/%Y}, số liệu tính đến ngày {flt.today:%d/%m/%Y}) như sau:"
        ),
        "headline": [
            ("Số báo cáo phải nộp (đã đến hạn)", number(h.expected)),
            ("Số báo cáo đã nhận (tỷ lệ báo cáo)", f"{number(h.received)} ({percent(h.reporting_rate)})"),
            ("Đã nộp (không tính báo cáo đang bị trả lại)", f"{number(h.filed)} ({percent(h.filed_rate)})"),
            ("Đạt yêu cầu (đã được chấp nhận)", f"{number(h.accepted)} ({percent(h.accepted_rate)})"),
            (
                "Nộp đúng hạn, tính theo lần nộp đầu (trên số phải nộp)",
                f"{number(h.on_time)} ({percent(h.on_time_rate)})",
            ),
            (
                "Được chấp nhận trong hạn (trên số phải nộp)",
                f"{number(h.accepted_on_time)} ({percent(h.accepted_on_time_rate)})",
            ),
            ("Nộp chậm; số ngày làm việc chậm trung bình", f"{number(h.late)}; {average(h.average_days_late)}"),
            ("Bị trả lại để bổ sung (số báo cáo; số lượt)", f"{number(h.returned)}; {number(h.returns)}"),
            ("Quá hạn chưa nộp (kể cả báo cáo bị trả lại chưa nộp lại)", number(h.overdue)),
        ],
        "note": (
            "Tỷ lệ tính trên số báo cáo phải nộp đã đến hạn; đơn vị chỉ tính trong các kỳ còn hoạt động; "
            "đơn vị cũ đã sáp nhập tính vào đơn vị kế thừa."
        ),
        "units_text": (
            f"Có {number(len(rows))} đơn vị phải nộp báo cáo trong kỳ; "
            + (
                f"{number(complete)} đơn vị nộp đầy đủ, đúng hạn."
                if complete
                else "chưa có đơn vị nào nộp đầy đủ, đúng hạn."
            )
            + " Kết quả của từng đơn vị tại Phụ lục kèm theo."
        ),
        "attention": [
            (
                _row_name(r, unit),
                number(r.figures.expected),
                number(r.figures.on_time),
                percent(r.figures.on_time_rate),
                number(r.figures.overdue),
            )
            for r in attention
        ],  # fmt: skip
        "overdue_total": number(h.overdue),
        "overdue": [
            (o.unit.name, o.period_label_vi, f"{o.due_date:%d/%m/%Y}", o.head.person.full_name if o.head else "—")
            for o in overdue
        ],
        "overdue_more": max(0, h.overdue - len(overdue)),
        "signer_lines": text_lines(
            _as_confirmed(
                choice["signer_title"],
                {signer_title(m, party=p) for m in body.memberships.select_related("body") for p in (True, False)},
                signer_title(signer, party=party),
            )
        ),
        "signer_name": signer.person.full_name,
        "recipients": text_lines(choice["recipients"]),
        "annex_title": "Kết quả thực hiện chế độ báo cáo của các đơn vị",
        # A symbol without its number ("-BC/BCĐ") leaves room to write the number in, as the header's does.
        "annex_reference": f"(Kèm theo Báo cáo số {'      ' if symbol_typed[0] in '/-' else ''}{symbol_typed}"
        f" ngày {day:%d/%m/%Y} của {body.name})",
        "annex_headers": [
            "TT",
            "Đơn vị",
            "Phải nộp",
            "Đã nhận",
            "Tỷ lệ báo cáo",
            "Đúng hạn",
            "Tỷ lệ đúng hạn",
            "Quá hạn",
        ],
        "annex": [
            (
                _row_name(r, unit),
                number(r.figures.expected),
                number(r.figures.received),
                percent(r.figures.reporting_rate),
                number(r.figures.on_time),
                percent(r.figures.on_time_rate),
                number(r.figures.overdue),
            )
            for r in annex
        ],
        "annex_total": (
            number(h.expected),
            number(h.received),
            percent(h.reporting_rate),
            number(h.on_time),
            percent(h.on_time_rate),
            number(h.overdue),
        ),
    }
