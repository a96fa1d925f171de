"""Every write to a report: one atomic, keyword-only function each.

A transition locks the report row (``SELECT … FOR UPDATE``), checks who may do it and from which
state, moves the report and its obligation, updates the obligation's timeliness columns, writes a
``ReportEvent`` (the report's history) and an ``AuditEvent`` (the unit's recent changes), and hands
``events.after_transition`` to ``transaction.on_commit``. Twenty people pressing Submit at once make
one transition: the others find the report already submitted and are told so.

Drafts use optimistic locking instead: a save names the ``revision`` it was made from and is applied
by ``UPDATE … WHERE revision = %s``; a save made from an older copy raises ``EditConflict`` carrying
the newer text, and nothing is overwritten.
"""

import datetime
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import uploads
from reports import access, periods, validation
from reports.documents import signing
from reports.models import (
    Indicator,
    Obligation,
    Report,
    ReportAttachment,
    ReportEvent,
    ReportForm,
    ReportValue,
    ReportVersion,
    Status,
)
from reports.models.reports import EDITABLE
from reports.reminders import events
from units.models import Unit, User
from units.services import audit_record
from units.text import clean_text

DOCUMENT_FIELDS = ("doc_symbol", "doc_place", "doc_date", "issuer", "signer_title", "signer_name", "recipients")
# What the unit types; the signer follows the issuing body and, once approved, the approval.
TYPED_DOCUMENT_FIELDS = ("issuing_body", "doc_symbol", "doc_place", "doc_date", "issuer", "recipients")


class EditConflict(Exception):
    """The draft was saved by someone else since this copy was loaded; ``report`` is their version."""

    def __init__(self, report: Report):
        super().__init__(f"report {report.pk} is at revision {report.revision}")
        self.report = report


def _actor(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


_PLACE_PREFIXES = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Xã", "Tỉnh", "Huyện", "Quận", "Thôn")


def place_of(unit: Unit) -> str:
    """The place name printed on documents: "Phường Từ Sơn" -> "Từ Sơn"."""
    name = unit.name.strip()
    for prefix in (unit.type_name, *_PLACE_PREFIXES):
        if prefix and name.casefold().startswith(prefix.casefold() + " "):
            return name[len(prefix) :].strip()
    return name


def document_defaults(obligation: Obligation, day: datetime.date, issuing_body: str | None = None) -> dict:
    """What a new report's document details start as: the form's usual issuing body (or ``issuing_body``),
    its header and symbol, and the signer it would have on ``day``; the unit changes them before signing."""
    unit, form = obligation.unit, obligation.form
    issuing_body = issuing_body or signing.body_for_header(form.header, unit)
    parent = Unit.objects.filter(pk=unit.parent_id).only("name").first()
    recipients = [f"- Ban Chỉ đạo QCDC {parent.name}" if parent else "- Cấp trên", "- Lưu: VT."]
    located = parent if parent is not None and unit.kind in Unit.ORGANISATION_KINDS else unit  # an agency's town
    return {
        **signing.document_defaults(unit, issuing_body, day),
        "doc_place": place_of(located),
        "recipients": ";\n".join(recipients),
    }


def _expected_signature(report: Report) -> dict:
    """The signature block a draft shows: whoever holds the issuing body's post on the document's day."""
    day = report.doc_date or timezone.localdate()
    unit = report.obligation.unit
    title, name = signing.signature(report.issuing_body, signing.expected_signer(unit, report.issuing_body, day))
    return {"signer_title": title, "signer_name": name}


def _form_parts(form: ReportForm):
    return list(form.sections.all()), list(form.indicators.all()), list(form.rules.all())


# Drafts ---------------------------------------------------------------------------------------------


def _report_for(obligation: Obligation, actor: User) -> tuple[Report, bool]:
    defaults = {"created_by": _actor(actor), "updated_by": _actor(actor)}
    defaults.update(document_defaults(obligation, timezone.localdate()))
    return Report.objects.get_or_create(obligation=obligation, defaults=defaults)


@transaction.atomic
def report_save_draft(
    *,
    actor: User,
    obligation: Obligation,
    revision: int,
    narrative: dict[str, str] | None = None,
    values: dict[int, str] | None = None,
    document: dict | None = None,
) -> Report:
    """Save what was typed, valid or not; the report is created on its first save.

    ``narrative`` maps section ids (as strings) to text, ``values`` indicator ids to what was typed;
    sections and figures left out keep what they had. Raises ``EditConflict`` when ``revision`` is not
    the report's current one, ``ValidationError`` when the report is no longer editable.
    """
    obligation = Obligation.objects.select_related("form", "unit").get(pk=obligation.pk)
    if not access.may_edit(actor, obligation.unit):
        raise PermissionDenied(_("Only the unit's reporter or head may write its report."))
    report, created = _report_for(obligation, actor)
    if created and revision != 0:
        # Nothing to conflict with: the copy this save claims to come from never existed.
        raise ValidationError({"revision": [_("A report not yet started is saved from revision 0.")]})
    sections, indicators, _rules = _form_parts(obligation.form)
    text = dict(report.narrative)
    for section in sections:
        key = str(section.pk)
        if narrative is not None and key in narrative:
            text[key] = clean_text(narrative[key] or "")  # NFC, no control characters, "\n" line breaks
            too_long = validation.narrative_length_error(text[key])
            if too_long:
                raise ValidationError({section.field_name: [too_long]})
    changes = {"narrative": text, "updated_by": _actor(actor), "updated_at": timezone.now()}
    for name, value in (document or {}).items():
        if name in TYPED_DOCUMENT_FIELDS:
            changes[name] = value if name == "doc_date" else (value or "").strip()
    body = changes.pop("issuing_body", "") or report.issuing_body
    if body not in Report.IssuingBody.values:
        raise ValidationError({"issuing_body": _("Choose the body that issues the report.")})
    if body != report.issuing_body:  # another body: its own header and symbol, unless typed in this same save
        for name, value in signing.document_defaults(obligation.unit, body, timezone.localdate()).items():
            if name in ("issuer", "doc_symbol") and changes.get(name) in ("", None, getattr(report, name)):
                changes[name] = value
    changes["issuing_body"] = report.issuing_body = body
    report.doc_date = changes.get("doc_date", report.doc_date)
    report.obligation = obligation
    changes.update(_expected_signature(report))
    saved = Report.objects.filter(pk=report.pk, revision=revision, status__in=EDITABLE).update(
        revision=F("revision") + 1, **changes
    )
    if not saved:
        current = Report.objects.select_related("updated_by__person").get(pk=report.pk)
        if current.status not in EDITABLE:
            raise ValidationError(
                _("This report is %(status)s and can no longer be changed.")
                % {"status": current.get_status_display().lower()},
                code="not_editable",
            )
        raise EditConflict(current)
    if values:
        _save_values(report, [i for i in indicators if i.pk in values], values)
    if obligation.status == Status.NOT_STARTED:
        Obligation.objects.filter(pk=obligation.pk).update(status=Status.DRAFT)
    if created:
        ReportEvent.objects.create(report=report, actor=_actor(actor), kind=ReportEvent.Kind.CREATED, to_status="draft")
    return Report.objects.select_related("obligation__form", "obligation__unit").get(pk=report.pk)


def _save_values(report: Report, indicators: list[Indicator], values: dict[int, str]) -> None:
    existing = {v.indicator_id: v for v in ReportValue.objects.filter(report=report)}
    new, changed = [], []
    for indicator in indicators:
        raw = (values.get(indicator.pk) or "").strip()[: validation.MAX_TEXT]
        parsed = validation.parse_value(indicator, raw)
        if indicator.value_type == Indicator.ValueType.BOOLEAN and parsed.decimal is not None:
            raw = "yes" if parsed.decimal else "no"  # "có", "x", "1"… are stored as the form's own choice
        number = None if parsed.error else parsed.decimal
        row = existing.get(indicator.pk)
        if row is None:
            new.append(
                ReportValue(report=report, indicator=indicator, raw=raw, value_decimal=number, value_text=parsed.text)
            )
        elif (row.raw, row.value_decimal, row.value_text) != (raw, number, parsed.text):
            row.raw, row.value_decimal, row.value_text = raw, number, parsed.text
            changed.append(row)
    if new:
        ReportValue.objects.bulk_create(new)
    if changed:
        ReportValue.objects.bulk_update(changed, ["raw", "value_decimal", "value_text"])


def report_problems(report: Report) -> dict[str, list[str]]:
    """What stops this report from being submitted, keyed by field name (empty when it is complete)."""
    sections, indicators, rules = _form_parts(report.obligation.form)
    raws = dict(ReportValue.objects.filter(report=report).values_list("indicator_id", "raw"))
    return validation.validate(
        sections=sections, indicators=indicators, rules=rules, narrative=report.narrative, raws=raws
    )


def _require_complete(report: Report) -> None:
    problems = report_problems(report)
    if problems:
        raise ValidationError(problems)


# Transitions ----------------------------------------------------------------------------------------


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self", "obligation"))
        .select_related("obligation__form", "obligation__unit")
        .get(pk=report.pk)
    )


def _require_state(report: Report, states, message: str) -> None:
    if report.status not in states:
        now = _("It is now: %(status)s.") % {"status": report.get_status_display().lower()}
        raise ValidationError(
            f"{message} {now}",
            code="wrong_state",
        )


def _require_note(note: str, field: str, message: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({field: message})
    return note


def needs_approval(report: Report) -> bool:
    """Must the head approve this submission? Per form; after a return only if the form says so."""
    form = report.obligation.form
    if not form.requires_approval:
        return False
    return report.obligation.returned_count == 0 or form.reapproval_required


def _transition(
    report: Report,
    *,
    actor: User | None,
    to: str,
    kind: str,
    note: str = "",
    version: ReportVersion | None = None,
    obligation_fields: tuple[str, ...] = (),
) -> Report:
    obligation = report.obligation
    before = report.status
    report.status = to
    report.save(update_fields=["status", "approved_by", "approved_at", "submitted_at"])  # updated_at: last text saved
    obligation.status = to
    obligation.save(update_fields=["status", *obligation_fields])
    ReportEvent.objects.create(
        report=report, actor=_actor(actor), kind=kind, from_status=before, to_status=to, note=note, version=version
    )
    audit_record(
        actor=actor,
        action=f"report.{kind}",
        obj=report,
        unit=obligation.unit,
        summary=_("%(form)s, %(period)s: %(what)s")
        % {"form": obligation.form.name, "period": obligation.period_label, "what": ReportEvent.Kind(kind).label},
        data={"note": note[:500]} if note else None,
    )
    transaction.on_commit(
        functools.partial(events.after_transition, report_id=report.pk, obligation_id=obligation.pk, kind=kind)
    )
    return report


def _snapshot(report: Report, actor: User | None, status: str, *, approved: bool) -> ReportVersion:
    form = report.obligation.form
    sections, indicators, _rules = _form_parts(form)
    values = {v.indicator_id: v for v in ReportValue.objects.filter(report=report)}
    content = {
        "narrative": [{"id": s.pk, "title": s.title, "text": report.narrative.get(str(s.pk), "")} for s in sections],
        "values": [
            {
                "id": i.pk,
                "code": i.code,
                "label": i.label,
                "unit": i.unit,
                "value_type": i.value_type,
                "raw": values[i.pk].raw if i.pk in values else "",
                "number": str(values[i.pk].value_decimal)
                if i.pk in values and values[i.pk].value_decimal is not None
                else None,
            }
            for i in indicators
        ],
        "document": {
            "issuing_body": report.issuing_body,
            **{
                name: (getattr(report, name).isoformat() if getattr(report, name) else None)
                if name == "doc_date"
                else getattr(report, name)
                for name in DOCUMENT_FIELDS
            },
        },
        "attachments": [
            {"id": a.pk, "name": a.original_name, "size": a.size}
            for a in report.attachments.filter(removed_at__isnull=True)
        ],
    }
    number = ReportVersion.objects.filter(report=report).count() + 1
    return ReportVersion.objects.create(
        report=report,
        number=number,
        status=status,
        snapshot=content,
        created_by=_actor(actor),
        approved_by=_actor(actor) if approved else None,
        approved_at=report.approved_at if approved else None,
    )


def _file(report: Report, *, actor: User, kind: str, approved: bool, note: str = "") -> Report:
    """The report leaves the unit: a version is kept and the obligation's timeliness is written."""
    now = timezone.now()
    today = timezone.localdate(now)
    obligation = report.obligation
    to = Status.RESUBMITTED if obligation.first_submitted_at else Status.SUBMITTED
    if kind == ReportEvent.Kind.SUBMITTED and to == Status.RESUBMITTED:
        kind = ReportEvent.Kind.RESUBMITTED
    if not report.doc_date:
        report.doc_date = today
    if approved:  # the signature printed is the approver's own post, on the day they approved
        tenure = signing.tenure_of(actor, obligation.unit, report.issuing_body, today)
        report.signer_title, report.signer_name = signing.signature(report.issuing_body, tenure)
        report.approved_by, report.approved_at = _actor(actor), now
    else:  # a resubmission the form lets go up unsigned: no approval is claimed for it
        report.approved_by = report.approved_at = None
    report.save(update_fields=["doc_date", "signer_title", "signer_name"])
    report.submitted_at = now
    version = _snapshot(report, actor, to, approved=approved)
    fields = ["last_submitted_at"]
    obligation.last_submitted_at = now
    if obligation.first_submitted_at is None:
        obligation.first_submitted_at = now
        obligation.on_time = today <= obligation.due_date
        obligation.days_late = periods.working_days_late(obligation.due_date, today)
        fields += ["first_submitted_at", "on_time", "days_late"]
    return _transition(
        report, actor=actor, to=to, kind=kind, note=note, version=version, obligation_fields=tuple(fields)
    )


@transaction.atomic
def report_request_approval(*, actor: User, report: Report, note: str = "") -> Report:
    """The reporter sends a complete draft to the head of unit."""
    report = _locked(report)
    if not access.may_edit(actor, report.obligation.unit):
        raise PermissionDenied(_("Only the unit's reporter or head may send its report."))
    _require_state(report, EDITABLE, _("Only a draft or a returned report can be sent to the head."))
    if not needs_approval(report):
        raise ValidationError(_("This report needs no approval: submit it."), code="no_approval")
    _require_complete(report)
    return _transition(
        report, actor=actor, to=Status.AWAITING_APPROVAL, kind=ReportEvent.Kind.APPROVAL_REQUESTED, note=note
    )


@transaction.atomic
def report_send_back(*, actor: User, report: Report, note: str) -> Report:
    """The head sends the report back to the reporter without approving it; the reason is required."""
    report = _locked(report)
    if not access.may_approve(actor, report.obligation.unit, report):
        raise PermissionDenied(_("Only the head who signs the report may send it back."))
    _require_state(report, [Status.AWAITING_APPROVAL], _("Only a report awaiting approval can be sent back."))
    note = _require_note(note, "note", _("Tell the reporter what to change."))
    to = Status.RETURNED if report.obligation.returned_count else Status.DRAFT
    return _transition(report, actor=actor, to=to, kind=ReportEvent.Kind.SENT_BACK, note=note)


@transaction.atomic
def report_approve(*, actor: User, report: Report, note: str = "") -> Report:
    """The head approves (signs) the report awaiting approval; it is submitted at once."""
    report = _locked(report)
    if not access.may_approve(actor, report.obligation.unit, report):
        raise PermissionDenied(
            _("Only the holder of the post that signs this report, in office today, may approve it.")
        )
    _require_state(report, [Status.AWAITING_APPROVAL], _("Only a report awaiting approval can be approved."))
    _require_complete(report)
    return _file(report, actor=actor, kind=ReportEvent.Kind.APPROVED, approved=True, note=note.strip())


@transaction.atomic
def report_submit(*, actor: User, report: Report, note: str = "") -> Report:
    """Submit a draft or a corrected report to the committee. Where the head must approve, only the head may."""
    report = _locked(report)
    unit = report.obligation.unit
    if not access.may_edit(actor, unit):
        raise PermissionDenied(_("Only the unit's reporter or head may submit its report."))
    _require_state(report, EDITABLE, _("Only a draft or a returned report can be submitted."))
    approval = needs_approval(report)
    if approval and not access.may_approve(actor, unit, report):
        raise ValidationError(
            _("The head of the unit must approve this report: send it to the head."), code="needs_approval"
        )
    _require_complete(report)
    kind = ReportEvent.Kind.APPROVED if approval else ReportEvent.Kind.SUBMITTED
    return _file(report, actor=actor, kind=kind, approved=approval, note=note.strip())


@transaction.atomic
def report_return(*, actor: User, report: Report, reason: str) -> Report:
    """The committee sends a submitted report back for revision; the reason is required and kept."""
    report = _locked(report)
    if not access.may_review(actor, report.obligation.unit):
        raise PermissionDenied(_("Only committee staff above the unit may return its report."))
    _require_state(report, (Status.SUBMITTED, Status.RESUBMITTED), _("Only a submitted report can be returned."))
    reason = _require_note(reason, "reason", _("Say what must be corrected or added."))
    report.obligation.returned_count = F("returned_count") + 1
    _transition(
        report,
        actor=actor,
        to=Status.RETURNED,
        kind=ReportEvent.Kind.RETURNED,
        note=reason,
        version=report.versions.order_by("-number").first(),
        obligation_fields=("returned_count",),
    )
    report.obligation.refresh_from_db(fields=["returned_count"])
    return report


@transaction.atomic
def report_accept(*, actor: User, report: Report, note: str = "") -> Report:
    """The committee accepts a submitted report; it is final."""
    report = _locked(report)
    if not access.may_review(actor, report.obligation.unit):
        raise PermissionDenied(_("Only committee staff above the unit may accept its report."))
    _require_state(report, (Status.SUBMITTED, Status.RESUBMITTED), _("Only a submitted report can be accepted."))
    now = timezone.now()
    obligation = report.obligation
    obligation.accepted_at = now
    obligation.accepted_on_time = timezone.localdate(now) <= obligation.due_date
    return _transition(
        report,
        actor=actor,
        to=Status.ACCEPTED,
        kind=ReportEvent.Kind.ACCEPTED,
        note=note.strip(),
        version=report.versions.order_by("-number").first(),
        obligation_fields=("accepted_at", "accepted_on_time"),
    )


# Attachments ----------------------------------------------------------------------------------------


@transaction.atomic
def report_attachment_add(*, actor: User, report: Report, file) -> ReportAttachment:
    """Attach a file to a draft or returned report, checked by content as a directive's files are."""
    report = _locked(report)
    if not access.may_edit(actor, report.obligation.unit):
        raise PermissionDenied(_("Only the unit's reporter or head may attach files to its report."))
    _require_state(report, EDITABLE, _("Files can be attached only while the report is being written."))
    checked = uploads.check(file)
    if report.attachments.filter(sha256=checked.sha256, removed_at__isnull=True).exists():
        raise ValidationError(_("“%(name)s” is already attached to this report.") % {"name": checked.name})
    attachment = uploads.store(
        ReportAttachment, checked=checked, file=file, folder="reports", uploaded_by=_actor(actor), report=report
    )
    ReportEvent.objects.create(report=report, actor=_actor(actor), kind=ReportEvent.Kind.ATTACHED, note=checked.name)
    return attachment


@transaction.atomic
def report_attachment_remove(*, actor: User, attachment: ReportAttachment) -> None:
    """Take a file off a report being written. The file stays stored: an earlier version may list it."""
    report = _locked(attachment.report)
    if not access.may_edit(actor, report.obligation.unit):
        raise PermissionDenied(_("Only the unit's reporter or head may remove its files."))
    _require_state(report, EDITABLE, _("Files can be removed only while the report is being written."))
    updated = ReportAttachment.objects.filter(pk=attachment.pk, report=report, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    if updated:
        ReportEvent.objects.create(
            report=report, actor=_actor(actor), kind=ReportEvent.Kind.DETACHED, note=attachment.original_name
        )
