"""Every write to the registers: one atomic, keyword-only function each.

Each checks the rule (``registers.rules``), validates the row as its form does, saves it with who did
it, and writes an ``AuditEvent`` into the unit's history with the fields that changed.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from directives import uploads
from registers import rules
from registers.models import CommunityDecision, Recommendation, RecordAttachment, Supervision
from registers.registry import Register
from units.models import Unit, User
from units.services import audit_record


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _require_entry(actor, unit: Unit) -> None:
    if not rules.may_enter(actor, unit):
        raise PermissionDenied(
            _("Only the reporters, the head or the committee staff of %(unit)s may do this.") % {"unit": unit}
        )


def display(record, name: str) -> str:
    """A value as a person reads it: labels for choices, dd/mm/yyyy for dates, yes/no, names for links."""
    field = record._meta.get_field(name)
    value = getattr(record, name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(record, f"get_{name}_display")())
    if name == "carried":
        return _("Carries") if value else _("Does not carry")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def _snapshot(record, names: Iterable[str]) -> dict[str, str]:
    return {name: display(record, name) for name in names}


def _check(record) -> None:
    record.full_clean(exclude=["search_key", "entered_by", "updated_by"])


def _prepare(record) -> None:
    """What follows from other fields: a decision's threshold comes from its kind of matter."""
    if isinstance(record, CommunityDecision) and record.matter_kind_id:
        record.threshold_percent = record.matter_kind.threshold_percent


@transaction.atomic
def record_create(*, actor: User, register: Register, unit: Unit, files=(), **fields):
    """Enter a row in ``register`` for ``unit``, with its files (each checked by content)."""
    _require_entry(actor, unit)
    record = register.model(unit=unit, entered_by=_actor(actor), updated_by=_actor(actor), **fields)
    _prepare(record)
    _check(record)
    record.save()
    audit_record(
        actor=actor,
        action=f"register.{register.slug}.created",
        obj=record,
        unit=unit,
        summary=_("%(register)s: entered “%(subject)s”")
        % {"register": register.verbose_name, "subject": record.subject},
        data={k: ["", v] for k, v in _snapshot(record, register.all_fields).items() if v},
    )
    for file in files:
        attachment_add(actor=actor, register=register, record=record, file=file)
    return record


@transaction.atomic
def record_update(*, actor: User, register: Register, record, files=(), **fields):
    """Change a row; the fields that changed are kept in the audit with their old and new values."""
    record = register.model.objects.select_for_update().select_related("unit").get(pk=record.pk)
    _require_entry(actor, record.unit)
    unknown = set(fields) - {"unit", *register.all_fields}
    if unknown:
        raise TypeError(f"record_update() cannot change {sorted(unknown)}")
    if "unit" in fields and fields["unit"].pk != record.unit_id:
        _require_entry(actor, fields["unit"])
    names = ("unit", *register.all_fields)
    before = _snapshot(record, names)
    kind_before = getattr(record, "matter_kind_id", None)
    for name, value in fields.items():
        setattr(record, name, value)
    if getattr(record, "matter_kind_id", None) != kind_before:
        _prepare(record)
    _check(record)
    after = _snapshot(record, names)
    changes = {name: [before[name], after[name]] for name in names if before[name] != after[name]}
    if changes:
        record.updated_by = _actor(actor)
        record.save()
        if "unit" in changes:
            RecordAttachment.objects.filter(register=register.slug, record_id=record.pk).update(unit=record.unit)
        audit_record(
            actor=actor,
            action=f"register.{register.slug}.updated",
            obj=record,
            unit=record.unit,
            summary=_("%(register)s: changed “%(subject)s”")
            % {"register": register.verbose_name, "subject": record.subject},
            data=changes,
        )
    for file in files:
        attachment_add(actor=actor, register=register, record=record, file=file)
    return record


def attachment_add(*, actor: User, register: Register, record, file) -> RecordAttachment:
    """Attach a file after checking its content (``directives.uploads``); stored under a generated name."""
    _require_entry(actor, record.unit)
    checked = uploads.check(file)
    if RecordAttachment.objects.filter(register=register.slug, record_id=record.pk, sha256=checked.sha256).exists():
        raise ValidationError(_("“%(name)s” is already attached to this record.") % {"name": checked.name})
    attachment = uploads.store(
        RecordAttachment,
        checked=checked,
        file=file,
        folder="registers",
        uploaded_by=_actor(actor),
        register=register.slug,
        record_id=record.pk,
        unit=record.unit,
    )
    audit_record(
        actor=actor,
        action=f"register.{register.slug}.attached",
        obj=record,
        unit=record.unit,
        summary=_("%(subject)s: file attached, %(name)s") % {"subject": record.subject, "name": checked.name},
    )
    return attachment


@transaction.atomic
def recommendations_save(*, actor: User, supervision: Supervision, rows: list[dict]) -> None:
    """Replace what the recommendations of a supervision say: ``rows`` of text, resolution, resolved_on
    (with ``id`` for an existing one, ``delete`` to remove it); each change is audited."""
    _require_entry(actor, supervision.unit)
    existing = {r.pk: r for r in supervision.recommendations.all()}
    changes = []
    for row in rows:
        rec = existing.get(row.get("id")) if row.get("id") else None
        if row.get("delete"):
            if rec is not None:
                changes.append(["-", rec.text[:200]])
                rec.delete()
            continue
        if not row.get("text"):
            continue
        if rec is None:
            rec = Recommendation(supervision=supervision)
        before = (rec.text, rec.resolution, rec.resolved_on)
        rec.text, rec.resolution, rec.resolved_on = row["text"], row.get("resolution", ""), row.get("resolved_on")
        if (rec.text, rec.resolution, rec.resolved_on) != before:
            rec.full_clean(exclude=["supervision"])
            rec.save()
            changes.append([rec.text[:200], rec.resolution[:200], display(rec, "resolved_on")])
    if changes:
        audit_record(
            actor=actor,
            action="register.supervisions.recommendations",
            obj=supervision,
            unit=supervision.unit,
            summary=_("%(subject)s: recommendations updated") % {"subject": supervision.subject},
            data={"recommendations": changes},
        )


@transaction.atomic
def records_import(*, actor: User, register: Register, unit: Unit, rows: list[dict]) -> int:
    """Save rows already checked by the workbook reader, all or none, with one audit row for the file.

    ``rows`` are field dicts with their ``unit``; every unit must be one the actor may enter rows for.
    """
    _require_entry(actor, unit)
    records = []
    for fields in rows:
        _require_entry(actor, fields["unit"])
        record = register.model(entered_by=_actor(actor), updated_by=_actor(actor), **fields)
        _prepare(record)
        _check(record)
        record.save()
        records.append(record)
    audit_record(
        actor=actor,
        action=f"register.{register.slug}.imported",
        obj=unit,
        unit=unit,
        summary=_("%(register)s: %(n)d rows imported from Excel")
        % {"register": register.verbose_name, "n": len(records)},
        data={"ids": [r.pk for r in records][:1000], "count": len(records)},
    )
    return len(records)
