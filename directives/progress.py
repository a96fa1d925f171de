"""How far the units have got with their tasks.

Each write is one atomic function that checks the rule (``units.permissions``), changes state and
records who did it and when: a ``DirectiveEvent`` in the directive's history and an ``AuditEvent``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from directives import uploads
from directives.models import Assignment, DirectiveEvent, ProgressEvidence, ProgressNote
from units import permissions
from units.models import User
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
    if not permissions.may_note_progress(actor, assignment):
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
