"""The six registers, each described once: its model, the fields of its form, list and workbook, what it
is filtered by, and how a workbook cell names a linked row. Views, workbooks, the API and the figures
read these descriptions, so every register gets the same pages from the same code."""

from dataclasses import dataclass, field

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from registers import models as m


@dataclass(frozen=True)
class Register:
    slug: str
    model: type
    title: object  # lazy text: the register's name as a heading
    add_label: object  # the button that enters a row
    fields: tuple[str, ...]  # the form's fields after unit, date and subject, in order
    group_field: str  # what the list is filtered by besides unit, period and words
    columns: tuple[str, ...]  # shown in the list after date and subject
    date_label: object = _("Date")
    subject_label: object = _("Subject")
    subject_help: object = ""
    help: object = ""
    # Fields a figure may sum, and fields it may be narrowed by (besides group_field).
    sums: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    share_conditions: dict = field(default_factory=dict)
    select_related: tuple[str, ...] = ()

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    def field_label(self, name: str) -> str:
        if name == "date":
            return str(self.date_label)
        if name == "subject":
            return str(self.subject_label)
        return capfirst(str(self.model._meta.get_field(name).verbose_name))

    @property
    def all_fields(self) -> tuple[str, ...]:
        return ("date", "subject", *self.fields)

    @property
    def filterable(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.group_field, *self.filters)))


REGISTERS: dict[str, Register] = {}


def _add(register: Register) -> Register:
    REGISTERS[register.slug] = register
    return register


DISCLOSURES = _add(
    Register(
        slug=m.Disclosure.REGISTER,
        model=m.Disclosure,
        title=_("Public disclosures"),
        add_label=_("Record a disclosure"),
        fields=("group", "form", "days_posted", "note"),
        group_field="group",
        columns=("group", "form"),
        date_label=_("Date posted"),
        subject_label=_("Item disclosed"),
        subject_help=_("E.g. Dự toán ngân sách xã năm 2026."),
        help=_(
            "What the unit made public under Law 10/2022/QH15, chapter II: attach the document or a photo of it posted."
        ),
        sums=("days_posted",),
        filters=("form",),
    )
)
DECISIONS = _add(
    Register(
        slug=m.CommunityDecision.REGISTER,
        model=m.CommunityDecision,
        title=_("Community meetings and household ballots"),
        add_label=_("Record a decision"),
        fields=(
            "matter_kind",
            "method",
            "households_total",
            "households_present",
            "households_agreeing",
            "participants",
            "note",
        ),
        group_field="method",
        columns=("method", "carried"),
        date_label=_("Date of the meeting or ballot"),
        subject_label=_("Matter decided"),
        subject_help=_("E.g. Đóng góp xây dựng nhà văn hóa thôn."),
        help=_(
            "Whether the decision carries is computed from the households: more than the kind's threshold (half by default) must agree."
        ),
        sums=("households_total", "households_present", "households_agreeing", "participants"),
        filters=("matter_kind", "carried"),
        share_conditions={"carried": True},
        select_related=("matter_kind",),
    )
)
CHARTERS = _add(
    Register(
        slug=m.VillageCharter.REGISTER,
        model=m.VillageCharter,
        title=_("Village charters"),
        add_label=_("Record a charter"),
        fields=("kind", "decision_symbol", "recognised_on", "note"),
        group_field="kind",
        columns=("kind", "recognised_on"),
        date_label=_("Date adopted"),
        subject_label=_("Name of the charter"),
        help=_("Hương ước, quy ước adopted by the community and the decision recognising them."),
        filters=("recognised_on__isnull",),
    )
)
CONSULTATIONS = _add(
    Register(
        slug=m.Consultation.REGISTER,
        model=m.Consultation,
        title=_("Consultations"),
        add_label=_("Record a consultation"),
        fields=("ends_on", "channel", "opinions_received", "answer", "answered_on", "note"),
        group_field="channel",
        columns=("channel", "opinions_received"),
        date_label=_("From"),
        subject_label=_("Draft consulted on"),
        help=_(
            "Drafts residents gave opinions on before the authority decided, and its answer (tiếp thu, giải trình)."
        ),
        sums=("opinions_received",),
    )
)
SUPERVISIONS = _add(
    Register(
        slug=m.Supervision.REGISTER,
        model=m.Supervision,
        title=_("Inspection and supervision"),
        add_label=_("Record a supervision"),
        fields=("board", "body", "findings", "violations_found", "note"),
        group_field="board",
        columns=("board", "violations_found"),
        subject_label=_("Project or matter"),
        help=_(
            "Activities of the People's Inspection Board and the Community Investment Supervision Boards, with their recommendations and what became of them."
        ),
        sums=("violations_found",),
        select_related=("body",),
    )
)
CONFERENCES = _add(
    Register(
        slug=m.Conference.REGISTER,
        model=m.Conference,
        title=_("Dissemination and training conferences"),
        add_label=_("Record a conference"),
        fields=(
            "kind",
            "directive",
            "party_cells_total",
            "party_cells_reached",
            "government_attendees",
            "front_attendees",
            "resident_attendees",
            "note",
        ),
        group_field="kind",
        columns=("directive", "party_cells_reached"),
        subject_label=_("Conference"),
        subject_help=_("E.g. Hội nghị quán triệt Kết luận 120-KL/TW."),
        help=_("Conferences held on a directive and who attended, by group; attach the attendance sheet."),
        sums=(
            "party_cells_total",
            "party_cells_reached",
            "government_attendees",
            "front_attendees",
            "resident_attendees",
        ),
        filters=("directive",),
        select_related=("directive__doc_type",),
    )
)
RECEPTIONS = _add(
    Register(
        slug=m.CitizenReception.REGISTER,
        model=m.CitizenReception,
        title=_("Heads receiving citizens"),
        add_label=_("Record a reception day"),
        fields=("headship", "people_received", "resolution", "matters_resolved", "note"),
        group_field="headship__function",
        columns=("head_name", "people_received"),
        date_label=_("Day of reception"),
        subject_label=_("Matters raised"),
        help=_(
            "One row per day a head received citizens; the required frequency per kind of head is set by the committee staff."
        ),
        sums=("people_received", "matters_resolved"),
        select_related=("headship",),
    )
)


def get(slug: str) -> Register:
    from django.http import Http404

    try:
        return REGISTERS[slug]
    except KeyError:
        raise Http404 from None
