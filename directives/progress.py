"""How far the units have got with their tasks, and the periodic reports a directive requires.

Each write is one atomic function that checks the rule (``directives.rules``), changes state and
records who did it and when: a ``DirectiveEvent`` in the directive's history and an ``AuditEvent``.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import rules, uploads
from directives.models import Assignment, Directive, DirectiveEvent, ProgressEvidence, ProgressNote
from reports.generation import form_assign
from reports.models import FormAssignment, ReportForm
from units.models import Unit, User
from units.services import audit_record

MAX_FILES = 10


def _actor(actor):
    return actor if actor is not None and actor.is_authenticated else None


@transaction.atomic
def progress_note_add(*, actor: User, assignment: Assignment, percent: int, note: str, files=()) -> ProgressNote:
    """Record how far a unit has got with its task (0–100 %), what it did, and the files that show it."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("directive__owner_unit", "unit")
        .get(pk=assignment.pk)
    )
    if not rules.may_note_progress(actor, assignment):
        if assignment.status != Assignment.Status.OPEN:
            raise ValidationError(_("Progress is reported on open tasks only."))
        raise PermissionDenied(
            _("Only the people of %(unit)s or those who manage the directive may do this.")
            % {"unit": assignment.unit.name}
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    if percent is None or not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": _("Give a percentage from 0 to 100.")})
    files = list(files)
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("At most %(n)d files at a time.") % {"n": MAX_FILES}})
    checked = [uploads.check(f) for f in files]
    row = ProgressNote.objects.create(assignment=assignment, percent=int(percent), note=note, actor=_actor(actor))
    for c, f in zip(checked, files, strict=True):
        uploads.store(ProgressEvidence, checked=c, file=f, folder="progress", uploaded_by=_actor(actor), note=row)
    before = assignment.progress
    assignment.progress, assignment.progress_at = row.percent, row.created_at
    assignment.save(update_fields=["progress", "progress_at", "updated_at"])
    DirectiveEvent.objects.create(
        directive=assignment.directive,
        assignment=assignment,
        actor=_actor(actor),
        kind=DirectiveEvent.Kind.PROGRESS,
        note=note,
        changes={"progress": [f"{before}%", f"{row.percent}%"], **({"files": ["", str(len(files))]} if files else {})},
    )
    audit_record(
        actor=actor,
        action="assignment.progress",
        obj=assignment,
        unit=assignment.unit,
        summary=_("%(symbol)s: %(unit)s reported %(percent)d%% done")
        % {"symbol": assignment.directive.symbol, "unit": assignment.unit.name, "percent": row.percent},
        data={"percent": row.percent, "files": len(files)},
    )
    return row


@transaction.atomic
def directive_require_report(
    *,
    actor: User,
    directive: Directive,
    form: ReportForm,
    root: Unit,
    kinds: Iterable[str],
    include_root: bool = False,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> tuple[FormAssignment, int]:
    """Make the units of ``kinds`` under ``root`` report periodically on ``form`` for ``directive``, from
    ``starts_on`` (the directive's effect, else today) until ``ends_on`` (the end of its effect, if any).

    The obligations carry the directive, so the reports name it; the reminders treat them as any other.
    """
    directive = Directive.objects.select_related("owner_unit").get(pk=directive.pk)
    if not rules.may_require_report(actor, directive):
        raise PermissionDenied(
            _("Only committee staff or administrators of %(unit)s may do this.") % {"unit": directive.owner_unit.name}
        )
    if directive.status != Directive.Status.IN_FORCE:
        raise ValidationError(_("Only a directive in force can require a report; change its status first."))
    if not form.is_periodic or not form.is_active:
        raise ValidationError({"form": _("Choose a periodic form in use.")})
    starts_on = starts_on or directive.effective_from or timezone.localdate()
    ends_on = ends_on if ends_on is not None else directive.effective_to
    assignment, created = form_assign(
        actor=actor,
        form=form,
        root=root,
        kinds=kinds,
        include_root=include_root,
        starts_on=starts_on,
        ends_on=ends_on,
        directive=directive,
    )
    period = f"{starts_on:%d/%m/%Y} – {ends_on:%d/%m/%Y}" if ends_on else f"{starts_on:%d/%m/%Y} –"
    DirectiveEvent.objects.create(
        directive=directive,
        actor=_actor(actor),
        kind=DirectiveEvent.Kind.REPORT_REQUIRED,
        changes={
            "form": ["", form.name],
            "under": ["", root.name],
            "period": ["", period],
            "obligations": ["", str(created)],
        },
    )
    audit_record(
        actor=actor,
        action="directive.report_required",
        obj=directive,
        unit=directive.owner_unit,
        summary=_("%(symbol)s requires %(form)s from the units under %(unit)s")
        % {"symbol": directive.symbol, "form": form.name, "unit": root.name},
        data={"form": form.code, "obligations": created},
    )
    return assignment, created
