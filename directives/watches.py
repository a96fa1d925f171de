"""The watch list of weak units: put a unit on it, record what the committee did, move the review, close it.

Each write is one atomic function that checks the rule (``units.permissions``), changes state and
writes a ``WatchEvent`` (the watch's own history) and an ``AuditEvent`` (the unit's recent changes).
A follow-up task is given through the register (``services.assignment_bulk_create``), so it is an
ordinary task of the unit, with its report, reminders and progress notes.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import services
from directives.models import Assignment, Directive, Watch, WatchAction, WatchEvent
from directives.models.assignments import task_key
from units import permissions
from units.models import Unit, User
from units.services import audit_record


def _actor(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _require(actor, watch: Watch) -> None:
    if not watch.is_open:
        raise ValidationError(_("This watch is closed."))
    if not permissions.may_follow_up(actor, watch):
        raise PermissionDenied(
            _("Only committee staff or administrators above %(unit)s may do this.") % {"unit": watch.unit.name}
        )


def _locked(watch: Watch) -> Watch:
    return Watch.objects.select_for_update(of=("self",)).select_related("unit").get(pk=watch.pk)


def _event(watch: Watch, actor, kind: str, note: str = "", changes=None) -> WatchEvent:
    return WatchEvent.objects.create(watch=watch, actor=_actor(actor), kind=kind, note=note, changes=changes or {})


def _check_review(review_on: datetime.date | None) -> datetime.date:
    if review_on is None:
        raise ValidationError({"review_on": _("Give the date of the next review.")})
    if review_on < timezone.localdate():
        raise ValidationError({"review_on": _("The review date cannot be in the past.")})
    return review_on


@transaction.atomic
def watch_open(*, actor: User, unit: Unit, reason: str, review_on: datetime.date) -> Watch:
    """Put ``unit`` on the watch list; refused if it is already being followed up."""
    if not permissions.may_watch(actor, unit):
        raise PermissionDenied(
            _("Only committee staff or administrators above %(unit)s may do this.") % {"unit": unit.name}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the unit is watched.")})
    _check_review(review_on)
    if Watch.objects.filter(unit=unit, status=Watch.Status.OPEN).exists():
        raise ValidationError(_("%(unit)s is already on the watch list.") % {"unit": unit.name})
    try:
        with transaction.atomic():
            watch = Watch.objects.create(unit=unit, reason=reason, review_on=review_on, opened_by=_actor(actor))
    except IntegrityError:  # another request put it on the list in between
        raise ValidationError(_("%(unit)s is already on the watch list.") % {"unit": unit.name}) from None
    _event(watch, actor, WatchEvent.Kind.OPENED, note=reason, changes={"review_on": ["", f"{review_on:%d/%m/%Y}"]})
    audit_record(
        actor=actor,
        action="watch.opened",
        obj=watch,
        unit=unit,
        summary=_("%(unit)s put on the watch list until the review of %(day)s")
        % {"unit": unit.name, "day": f"{review_on:%d/%m/%Y}"},
    )
    return watch


@transaction.atomic
def watch_give_task(
    *, actor: User, watch: Watch, directive: Directive, task: str, deadline: datetime.date, report_required: bool = True
) -> WatchAction:
    """Give the watched unit a follow-up task of ``directive`` through the register and link it to the watch."""
    watch = _locked(watch)
    _require(actor, watch)
    result = services.assignment_bulk_create(
        actor=actor,
        directive=directive,
        task=task,
        deadline=deadline,
        report_required=report_required,
        units=[watch.unit],
        only_open=False,
    )
    assignment = Assignment.objects.get(directive=directive, unit=watch.unit, task_key=task_key(task.strip()))
    if not result.created and WatchAction.objects.filter(watch=watch, assignment=assignment).exists():
        raise ValidationError(_("This task is already linked to the watch."))
    action = WatchAction.objects.create(
        watch=watch,
        kind=WatchAction.Kind.TASK,
        assignment=assignment,
        happened_on=timezone.localdate(),
        findings="",
        actor=_actor(actor),
    )
    _event(
        watch,
        actor,
        WatchEvent.Kind.ACTION,
        note=assignment.task,
        changes={"action": ["", str(WatchAction.Kind.TASK.label)], "directive": ["", directive.symbol]},
    )
    audit_record(
        actor=actor,
        action="watch.task",
        obj=watch,
        unit=watch.unit,
        summary=_("Follow-up task for %(unit)s under %(symbol)s")
        % {"unit": watch.unit.name, "symbol": directive.symbol},
    )
    return action


@transaction.atomic
def watch_record_visit(
    *, actor: User, watch: Watch, kind: str, happened_on: datetime.date, findings: str
) -> WatchAction:
    """Record a working visit or an inspection of the watched unit and what it found."""
    watch = _locked(watch)
    _require(actor, watch)
    if kind not in (WatchAction.Kind.VISIT, WatchAction.Kind.INSPECTION):
        raise ValidationError({"kind": _("Choose a working visit or an inspection.")})
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError({"findings": _("Write down what was found.")})
    if happened_on is None or happened_on > timezone.localdate():
        raise ValidationError({"happened_on": _("Give the day it took place (not in the future).")})
    action = WatchAction.objects.create(
        watch=watch, kind=kind, happened_on=happened_on, findings=findings, actor=_actor(actor)
    )
    label = str(WatchAction.Kind(kind).label)
    _event(
        watch,
        actor,
        WatchEvent.Kind.ACTION,
        note=findings,
        changes={"action": ["", label], "on": ["", f"{happened_on:%d/%m/%Y}"]},
    )
    audit_record(
        actor=actor,
        action=f"watch.{kind}",
        obj=watch,
        unit=watch.unit,
        summary=_("%(kind)s of %(unit)s on %(day)s")
        % {"kind": label, "unit": watch.unit.name, "day": f"{happened_on:%d/%m/%Y}"},
    )
    return action


@transaction.atomic
def watch_move_review(*, actor: User, watch: Watch, review_on: datetime.date, note: str) -> Watch:
    """Set another review date, with why."""
    watch = _locked(watch)
    _require(actor, watch)
    _check_review(review_on)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why, so that the history knows.")})
    before = watch.review_on
    if before == review_on:
        return watch
    watch.review_on = review_on
    watch.save(update_fields=["review_on"])
    _event(
        watch,
        actor,
        WatchEvent.Kind.REVIEW,
        note=note,
        changes={"review_on": [f"{before:%d/%m/%Y}", f"{review_on:%d/%m/%Y}"]},
    )
    audit_record(
        actor=actor,
        action="watch.review",
        obj=watch,
        unit=watch.unit,
        summary=_("Review of %(unit)s moved to %(day)s") % {"unit": watch.unit.name, "day": f"{review_on:%d/%m/%Y}"},
    )
    return watch


@transaction.atomic
def watch_close(*, actor: User, watch: Watch, outcome: str, result: str) -> Watch:
    """Take the unit off the watch list with the outcome and what came of the follow-up."""
    watch = _locked(watch)
    _require(actor, watch)
    if outcome not in Watch.Outcome.values:
        raise ValidationError({"outcome": _("Choose how it ended.")})
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": _("Write down the result of the follow-up.")})
    watch.status, watch.outcome, watch.result = Watch.Status.CLOSED, outcome, result
    watch.closed_by, watch.closed_at = _actor(actor), timezone.now()
    watch.save(update_fields=["status", "outcome", "result", "closed_by", "closed_at"])
    label = str(Watch.Outcome(outcome).label)
    _event(watch, actor, WatchEvent.Kind.CLOSED, note=result, changes={"outcome": ["", label]})
    audit_record(
        actor=actor,
        action="watch.closed",
        obj=watch,
        unit=watch.unit,
        summary=_("%(unit)s taken off the watch list: %(outcome)s") % {"unit": watch.unit.name, "outcome": label},
    )
    return watch
