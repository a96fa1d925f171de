"""Every write to the register and to assignments: one atomic, keyword-only function each.

Each checks that the actor may do it (committee staff or administrator over the registering unit),
changes state, writes a ``DirectiveEvent`` (the directive's own history) and an ``AuditEvent`` (so the
unit's recent changes show it).
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import uploads
from directives.models import Assignment, Attachment, Directive, DirectiveEvent, DirectiveRelation, DirectiveType
from directives.models.assignments import task_key
from reports.generation import obligations_follow_deadline, obligations_sync_assignments
from units import permissions, scope, tree
from units.models import Unit, User
from units.services import audit_record

DIRECTIVE_FIELDS = (
    "doc_type",
    "symbol",
    "issuer",
    "issued_on",
    "issued_place",
    "abstract",
    "signer",
    "signer_position",
    "confidentiality",
    "urgency",
    "effective_from",
    "effective_to",
    "status",
    "owner_unit",
)
ASSIGNMENT_FIELDS = ("task", "role", "deadline", "report_required", "status")
DERIVED = [
    "symbol_key",
    "symbol_parsed",
    "symbol_number",
    "symbol_type_code",
    "symbol_issuer_code",
    "symbol_year",
    "year",
    "issuer_key",
    "search_key",
]
BATCH = 1000


class DuplicateDirective(ValidationError):
    """The same symbol from the same issuer in the same year is already registered; ``existing`` is that entry."""

    def __init__(self, existing: Directive, *, visible: bool = True):
        # Nothing about an entry the user may not see: not its owner, not its address, not its details.
        self.existing = existing if visible else None
        if not visible:
            message = _(
                "This number and symbol of this issuer and year cannot be entered. Check them, or ask your "
                "committee's staff."
            )
            super().__init__({"symbol": [ValidationError(message, code="duplicate")]})
            return
        message = _("%(symbol)s of %(issuer)s (%(year)s) is already in the register, entered by %(unit)s: %(url)s") % {
            "symbol": existing.symbol,
            "issuer": existing.issuer,
            "year": existing.year,
            "unit": existing.owner_unit.name,
            "url": existing.get_absolute_url(),
        }
        super().__init__({"symbol": [ValidationError(message, code="duplicate")]})


@dataclass(frozen=True)
class BulkResult:
    created: int
    already: int

    @property
    def targets(self) -> int:
        return self.created + self.already


def require_registrar(user) -> None:
    """The refusal of the register's entry form to a user who manages no unit; ``directive_create`` then
    checks the unit chosen to keep the directive."""
    if not permissions.is_manager(user):
        raise PermissionDenied(_("Only committee staff or administrators may enter directives."))


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _display(instance, name: str) -> str:
    """A value as a person reads it in the history: labels for choices, dd/mm/yyyy for dates, names for links."""
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, DirectiveType | Unit):
        return value.name
    return str(value)


def _snapshot(instance, names: Iterable[str]) -> dict[str, str]:
    return {name: _display(instance, name) for name in names}


def _diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {name: [before[name], after[name]] for name in after if before[name] != after[name]}


def _duplicate_of(directive: Directive) -> Directive | None:
    if not (directive.symbol_parsed and directive.year):
        return None
    return (
        Directive.objects.filter(symbol_key=directive.symbol_key, issuer_key=directive.issuer_key, year=directive.year)
        .exclude(pk=directive.pk)
        .select_related("owner_unit")
        .first()
    )


def _duplicate(existing: Directive, actor) -> DuplicateDirective:
    visible = actor is not None and Directive.objects.visible_to(actor).filter(pk=existing.pk).exists()
    return DuplicateDirective(existing, visible=visible)


def _check(directive: Directive, actor) -> None:
    directive.derive()
    directive.full_clean(exclude=DERIVED, validate_constraints=False)
    existing = _duplicate_of(directive)
    if existing is not None:
        raise _duplicate(existing, actor)


def _save(directive: Directive, actor) -> None:
    try:
        with transaction.atomic():
            directive.save()
    except IntegrityError:  # another request registered the same symbol in between
        existing = _duplicate_of(directive)
        if existing is None:
            raise
        raise _duplicate(existing, actor) from None


def _event(*, directive: Directive, actor, kind: str, note: str = "", changes=None, assignment=None) -> DirectiveEvent:
    return DirectiveEvent.objects.create(
        directive=directive, assignment=assignment, actor=_actor(actor), kind=kind, note=note, changes=changes or {}
    )


@transaction.atomic
def directive_create(
    *,
    actor: User,
    owner_unit: Unit,
    doc_type: DirectiveType,
    symbol: str,
    issuer: str,
    abstract: str,
    implements: Directive | None = None,
    **fields,
) -> Directive:
    """Register a directive for ``owner_unit``; refused if its symbol is already registered for the issuer and year."""
    permissions.require_manage(actor, owner_unit)
    directive = Directive(
        owner_unit=owner_unit,
        doc_type=doc_type,
        symbol=symbol,
        issuer=issuer,
        abstract=abstract.strip(),
        created_by=_actor(actor),
        **fields,
    )
    _check(directive, actor)
    _save(directive, actor)
    _event(
        directive=directive,
        actor=actor,
        kind=DirectiveEvent.Kind.CREATED,
        changes={k: ["", v] for k, v in _snapshot(directive, DIRECTIVE_FIELDS).items() if v},
    )
    audit_record(
        actor=actor,
        action="directive.created",
        obj=directive,
        unit=owner_unit,
        summary=_("Directive entered: %(symbol)s") % {"symbol": directive.symbol},
    )
    if implements is not None:
        directive_relate(actor=actor, source=directive, target=implements, kind=DirectiveRelation.Kind.IMPLEMENTS)
    return directive


@transaction.atomic
def directive_update(*, actor: User, directive: Directive, note: str = "", **fields) -> Directive:
    """Change what was registered; every changed field is kept in the history with its old and new value."""
    unknown = set(fields) - set(DIRECTIVE_FIELDS)
    if unknown:
        raise TypeError(f"directive_update() cannot change {sorted(unknown)}")
    directive = (
        Directive.objects.select_for_update(of=("self",)).select_related("doc_type", "owner_unit").get(pk=directive.pk)
    )
    permissions.require_manage(actor, directive.owner_unit)
    new_owner = fields.get("owner_unit")
    if new_owner is not None and new_owner.pk != directive.owner_unit_id:
        permissions.require_manage(actor, new_owner)
    before = _snapshot(directive, DIRECTIVE_FIELDS)
    for name, value in fields.items():
        setattr(directive, name, value)
    _check(directive, actor)
    changes = _diff(before, _snapshot(directive, DIRECTIVE_FIELDS))
    if not changes:
        return directive
    if "issued_on" in changes:
        _check_issue_after_deadlines(directive)
    _save(directive, actor)
    kind = DirectiveEvent.Kind.STATUS if set(changes) == {"status"} else DirectiveEvent.Kind.UPDATED
    _event(directive=directive, actor=actor, kind=kind, note=note, changes=changes)
    audit_record(
        actor=actor,
        action="directive.updated",
        obj=directive,
        unit=directive.owner_unit,
        summary=_("Directive changed: %(symbol)s") % {"symbol": directive.symbol},
        data=changes,
    )
    return directive


def _reaches(start: Directive, goal: Directive, kind: str, limit: int = 50) -> bool:
    """Does ``start`` lead to ``goal`` by following ``kind`` links (one query per level, at most ``limit`` levels)?"""
    frontier, seen = {start.pk}, {start.pk}
    for _level in range(limit):
        if not frontier:
            return False
        nxt = set(
            DirectiveRelation.objects.filter(source_id__in=frontier, kind=kind).values_list("target_id", flat=True)
        )
        if goal.pk in nxt:
            return True
        frontier = nxt - seen
        seen |= nxt
    return False


def _check_issue_after_deadlines(directive: Directive) -> None:
    """A later issue date may not leave a task's deadline before it (as a deadline may not be set before it)."""
    if not directive.issued_on:
        return
    early = (
        Assignment.objects.filter(directive=directive, deadline__lt=directive.issued_on)
        .order_by("deadline")
        .values_list("deadline", flat=True)
        .first()
    )
    if early is not None:
        raise ValidationError(
            {
                "issued_on": _(
                    "The issue date cannot come after the deadline of a task of this directive (%(day)s): change "
                    "that deadline first."
                )
                % {"day": early.strftime("%d/%m/%Y")}
            }
        )


@transaction.atomic
def directive_relate(
    *, actor: User, source: Directive, target: Directive, kind: str, note: str = ""
) -> DirectiveRelation:
    """Record that ``source`` implements, replaces or amends ``target``.

    When it replaces a directive in force that the actor also manages, that one becomes *replaced*.
    """
    permissions.require_manage(actor, source.owner_unit)
    if source.pk == target.pk:
        raise ValidationError(_("A directive cannot be linked to itself."))
    if kind != DirectiveRelation.Kind.AMENDS and _reaches(target, source, kind):
        raise ValidationError(
            _(
                "%(target)s already %(kind)s %(source)s (directly or through others); the link would go round in a circle."
            )
            % {"target": target.symbol, "kind": DirectiveRelation.Kind(kind).label, "source": source.symbol}
        )
    relation, created = DirectiveRelation.objects.get_or_create(
        source=source, target=target, kind=kind, defaults={"created_by": _actor(actor)}
    )
    if not created:
        raise ValidationError(_("This link is already recorded."))
    label = relation.get_kind_display()
    _event(
        directive=source,
        actor=actor,
        kind=DirectiveEvent.Kind.RELATED,
        note=note,
        changes={"relation": ["", f"{label} {target.symbol}"]},
    )
    audit_record(
        actor=actor,
        action="directive.related",
        obj=source,
        unit=source.owner_unit,
        summary=_("%(source)s %(kind)s %(target)s") % {"source": source.symbol, "kind": label, "target": target.symbol},
    )
    if (
        kind == DirectiveRelation.Kind.REPLACES
        and target.status == Directive.Status.IN_FORCE
        and permissions.may_manage(actor, target.owner_unit)
    ):
        directive_update(
            actor=actor,
            directive=target,
            status=Directive.Status.REPLACED,
            note=_("Replaced by %(symbol)s") % {"symbol": source.symbol},
        )
    return relation


@transaction.atomic
def directive_unrelate(*, actor: User, relation: DirectiveRelation, note: str = "") -> None:
    source, target = relation.source, relation.target
    permissions.require_manage(actor, source.owner_unit)
    label = relation.get_kind_display()
    relation.delete()
    _event(
        directive=source,
        actor=actor,
        kind=DirectiveEvent.Kind.UNRELATED,
        note=note,
        changes={"relation": [f"{label} {target.symbol}", ""]},
    )
    audit_record(
        actor=actor,
        action="directive.unrelated",
        obj=source,
        unit=source.owner_unit,
        summary=_("%(source)s no longer %(kind)s %(target)s")
        % {"source": source.symbol, "kind": label, "target": target.symbol},
    )


@transaction.atomic
def attachment_add(*, actor: User, directive: Directive, file) -> Attachment:
    """Attach a file after checking its content (see ``uploads``); it is stored under a generated name."""
    permissions.require_manage(actor, directive.owner_unit)
    checked = uploads.check(file)
    if Attachment.objects.filter(directive=directive, sha256=checked.sha256).exists():
        raise ValidationError(_("“%(name)s” is already attached to this directive.") % {"name": checked.name})
    attachment = uploads.store(
        Attachment, checked=checked, file=file, folder="directives", uploaded_by=_actor(actor), directive=directive
    )
    _event(
        directive=directive,
        actor=actor,
        kind=DirectiveEvent.Kind.ATTACHED,
        changes={"attachment": ["", checked.name]},
    )
    audit_record(
        actor=actor,
        action="directive.attached",
        obj=directive,
        unit=directive.owner_unit,
        summary=_("%(symbol)s: file attached, %(name)s") % {"symbol": directive.symbol, "name": checked.name},
    )
    return attachment


def assignment_targets(
    *,
    actor: User,
    root: Unit | None,
    kinds: Iterable[str] = (),
    include_root: bool = False,
    only_open: bool = True,
    units: Iterable[Unit] = (),
    day: datetime.date | None = None,
):
    """The units a bulk assignment reaches, as one queryset: ``kinds`` under ``root``, plus ``units`` one by one.

    Only units the actor manages are ever included; naming one outside that scope is refused.
    """
    units = list(units)
    for unit in [root, *units]:
        if unit is not None:
            permissions.require_manage(actor, unit)
    kinds = list(kinds)
    wanted = Q(pk__in=[u.pk for u in units])
    if root is not None:
        wanted |= tree.targets_q(root, kinds, include_root)
    qs = Unit.objects.filter(wanted).filter(scope.in_scope_q(actor, "path", permissions.MANAGERS))
    if only_open:
        qs = qs.open_on(day or timezone.localdate())
    return qs


def _check_deadline(directive: Directive, deadline: datetime.date | None) -> None:
    if deadline and directive.issued_on and deadline < directive.issued_on:
        raise ValidationError(
            {
                "deadline": _("The deadline cannot come before the directive was issued (%(day)s).")
                % {"day": directive.issued_on.strftime("%d/%m/%Y")}
            }
        )


@transaction.atomic
def assignment_bulk_create(
    *,
    actor: User,
    directive: Directive,
    task: str,
    role: str = Assignment.Role.LEAD,
    deadline: datetime.date | None = None,
    report_required: bool = True,
    root: Unit | None = None,
    kinds: Iterable[str] = (),
    include_root: bool = False,
    only_open: bool = True,
    units: Iterable[Unit] = (),
    roles: Mapping[int, str] | None = None,
    deadlines: Mapping[int, datetime.date | None] | None = None,
) -> BulkResult:
    """Hand one task to many units in one transaction; units already holding the same task are left as they are.

    ``roles`` and ``deadlines`` (by unit id) give some units another role or deadline than ``role`` and
    ``deadline``: the grid of the assignment page, where one unit leads, others coordinate or monitor.
    One query picks the units (path prefix and kind), one reads who already holds the task, and the rest
    are inserted in batches against the unique constraint (directive, task, unit).
    """
    directive = Directive.objects.select_for_update().get(pk=directive.pk)  # one bulk assignment at a time
    owner = Unit.objects.get(pk=directive.owner_unit_id)
    permissions.require_manage(actor, owner)
    if directive.status != Directive.Status.IN_FORCE:
        raise ValidationError(_("Only a directive in force can be assigned; change its status first."))
    task = (task or "").strip()
    if not task:
        raise ValidationError({"task": _("Describe the task.")})
    _check_deadline(directive, deadline)
    kinds = list(kinds)
    targets = assignment_targets(
        actor=actor, root=root, kinds=kinds, include_root=include_root, only_open=only_open, units=units
    )
    target_ids = list(targets.values_list("pk", flat=True))
    if not target_ids:
        raise ValidationError(
            _("No unit matches this choice. Pick other kinds of unit, or another unit to start from.")
        )
    roles, deadlines = _per_unit(directive, target_ids, roles or {}, deadlines or {})
    key = task_key(task)
    holding = Assignment.objects.filter(directive=directive, task_key=key)
    already = set(holding.values_list("unit_id", flat=True))
    new = [
        Assignment(
            directive=directive,
            unit_id=unit_id,
            task=task,
            task_key=key,
            role=roles.get(unit_id, role),
            deadline=deadlines.get(unit_id, deadline),
            report_required=report_required,
            assigned_by=_actor(actor),
        )
        for unit_id in target_ids
        if unit_id not in already
    ]
    if new:
        Assignment.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    created = holding.count() - len(already) if new else 0
    result = BulkResult(created=created, already=len(target_ids) - created)
    # The units owe the report from now on, not from the next hourly run: same transaction, same few queries.
    reports_opened = obligations_sync_assignments(assignments=holding) if created and report_required else 0
    if created:
        scope_text = root.name if root is not None else ""
        changes = {
            "units": ["", str(created)],
            "role": ["", str(Assignment.Role(role).label)],
            "deadline": ["", deadline.strftime("%d/%m/%Y") if deadline else ""],
            "report_required": ["", _("yes") if report_required else _("no")],
        }
        if scope_text:
            changes["under"] = ["", scope_text]
        if kinds:
            changes["kinds"] = ["", ", ".join(str(Unit.Kind(k).label) for k in kinds)]
        if roles or deadlines:
            given = Counter(a.role for a in new)
            changes["roles"] = [
                "",
                ", ".join(f"{Assignment.Role(r).label}: {given[r]}" for r in Assignment.Role.values if given[r]),
            ]
        if deadlines:
            changes["own_deadlines"] = ["", str(sum(1 for a in new if a.unit_id in deadlines))]
        if result.already:
            changes["already_assigned"] = ["", str(result.already)]
        _event(directive=directive, actor=actor, kind=DirectiveEvent.Kind.ASSIGNED, note=task, changes=changes)
        audit_record(
            actor=actor,
            action="directive.assigned",
            obj=directive,
            unit=owner,
            summary=_("%(symbol)s: a task was assigned to %(count)d units")
            % {"symbol": directive.symbol, "count": created},
            data={"task": task[:200], "units": created, "reports": reports_opened},
        )
    return result


def _per_unit(directive, target_ids, roles, deadlines):
    """The grid's choices, checked: only units the assignment reaches, known roles, deadlines after the issue."""
    targets = set(target_ids)
    stray = (set(roles) | set(deadlines)) - targets
    if stray:
        raise ValidationError(_("A role or deadline was given for a unit this assignment does not reach."))
    known = set(Assignment.Role.values)
    if any(r not in known for r in roles.values()):
        raise ValidationError({"role": _("Choose lead, coordinate or monitor for each unit.")})
    deadlines = {pk: day for pk, day in deadlines.items() if day is not None}
    for day in deadlines.values():
        _check_deadline(directive, day)
    return dict(roles), deadlines


def _locked_assignment(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("directive__owner_unit", "unit")
        .get(pk=assignment.pk)
    )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so that the unit and the history know.")})
    return reason


@transaction.atomic
def assignment_update(*, actor: User, assignment: Assignment, reason: str, **fields) -> Assignment:
    """Change one unit's task, role, deadline, report or status after it was assigned; who, when and why are kept."""
    unknown = set(fields) - set(ASSIGNMENT_FIELDS)
    if unknown:
        raise TypeError(f"assignment_update() cannot change {sorted(unknown)}")
    assignment = _locked_assignment(assignment)
    permissions.require_manage(actor, assignment.directive.owner_unit)
    reason = _require_reason(reason)
    before = _snapshot(assignment, ASSIGNMENT_FIELDS)
    for name, value in fields.items():
        setattr(assignment, name, value.strip() if name == "task" else value)
    if not assignment.task:
        raise ValidationError({"task": _("Describe the task.")})
    if "deadline" in fields:
        _check_deadline(assignment.directive, assignment.deadline)
    changes = _diff(before, _snapshot(assignment, ASSIGNMENT_FIELDS))
    if not changes:
        return assignment
    if (
        "task" in changes
        and Assignment.objects.filter(
            directive=assignment.directive_id, unit=assignment.unit_id, task_key=task_key(assignment.task)
        )
        .exclude(pk=assignment.pk)
        .exists()
    ):
        raise ValidationError({"task": _("This unit already holds a task with this text for this directive.")})
    assignment.full_clean(exclude=["task_key"])
    assignment.save()
    if assignment.report_required and assignment.status == Assignment.Status.OPEN:
        obligations_sync_assignments(assignments=Assignment.objects.filter(pk=assignment.pk))
    if "deadline" in changes:
        obligations_follow_deadline(assignment=assignment)
    cancelled = "status" in changes and assignment.status == Assignment.Status.CANCELLED
    kind = DirectiveEvent.Kind.ASSIGNMENT_CANCELLED if cancelled else DirectiveEvent.Kind.ASSIGNMENT_UPDATED
    _event(
        directive=assignment.directive,
        actor=actor,
        kind=kind,
        note=reason,
        changes=changes,
        assignment=assignment,
    )
    audit_record(
        actor=actor,
        action="assignment.cancelled" if cancelled else "assignment.updated",
        obj=assignment,
        unit=assignment.unit,
        summary=_("%(symbol)s: task of %(unit)s changed (%(reason)s)")
        % {"symbol": assignment.directive.symbol, "unit": assignment.unit.name, "reason": reason[:200]},
        data=changes,
    )
    return assignment


def assignment_cancel(*, actor: User, assignment: Assignment, reason: str) -> Assignment:
    """Withdraw one unit's task. The row stays, marked cancelled, with who, when and why."""
    if assignment.status == Assignment.Status.CANCELLED:
        raise ValidationError(_("This assignment is already cancelled."))
    return assignment_update(actor=actor, assignment=assignment, reason=reason, status=Assignment.Status.CANCELLED)
