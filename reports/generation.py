"""Creating obligations: which unit owes which report for which period, by when.

Every function is idempotent: rows go in with ``bulk_create(ignore_conflicts=True)`` against the
unique constraints (form, unit, period start) and (directive task, form), so running one twice, or
two at once, creates each obligation once.

Units that open, close or merge mid-period: **a unit owes a period's report if it is open on the
period's last day** (opened on or before it, closed after it). A ward merged away on 01/07 owes June
and not July; its successor, open on 31/07, owes July: each month is owed once. A unit opened on
10/05 owes May. When a unit's dates change so that it no longer owes a period (it closes or merges,
or its opening date moves), its reports for those periods not yet filed are removed in the same
transaction, with their drafts and reminders, and an audit row lists them (``obligations_follow_unit``);
the reports it filed stay, and roll up into its successor with the rest of its history.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports import periods
from reports.models import Delivery, FormAssignment, Obligation, Report, ReportAttachment, ReportForm
from reports.tallies import tallies_refresh
from units import permissions, tree
from units.models import Unit, User
from units.services import audit_record

BATCH = 1000
LOOKAHEAD_DAYS = 31
DEFAULT_THEMATIC_CODE = "qcdc-thematic"


@dataclass(frozen=True)
class _Candidate:
    pk: int
    opened_on: datetime.date | None
    closed_on: datetime.date | None
    sort_key: str

    def owes(self, end: datetime.date) -> bool:
        """Open on ``end``, the period's last day (the rule of the module's docstring)."""
        return (self.opened_on is None or self.opened_on <= end) and (self.closed_on is None or self.closed_on > end)


_CANDIDATE_FIELDS = ("pk", "opened_on", "closed_on", "sort_key")


def _candidates(assignment: FormAssignment) -> list[_Candidate]:
    rows = Unit.objects.filter(tree.targets_q(assignment.root, assignment.kinds, assignment.include_root))
    return [_Candidate(*row) for row in rows.values_list(*_CANDIDATE_FIELDS)]


def obligations_generate(
    *, form: ReportForm, year: int, until: datetime.date | None = None, assignments: list | None = None
) -> int:
    """Create the missing obligations of a periodic form for the periods of ``year`` (those starting by
    ``until``, if given). Returns how many were created.

    The assignments a directive made (its periodic report) are owed apart from the form's ordinary ones:
    each directive's obligations carry it, so a unit may owe both in the same quarter.
    """
    if not form.is_periodic or not form.period_type:
        return 0
    if assignments is None:
        assignments = list(FormAssignment.objects.filter(form=form).select_related("root"))
    by_directive: dict[int | None, list] = {}
    for assignment in assignments:
        by_directive.setdefault(assignment.directive_id, []).append(assignment)
    return sum(
        _generate(form=form, year=year, until=until, assignments=group, directive_id=directive_id)
        for directive_id, group in by_directive.items()
    )


def _generate(*, form: ReportForm, year: int, until: datetime.date | None, assignments: list, directive_id) -> int:
    wanted = [
        p for p in periods.periods_of_year(form.period_type, year, form.cutoff_day) if until is None or p.start <= until
    ]
    candidates = {a.pk: _candidates(a) for a in assignments}
    existing = Obligation.objects.filter(
        form=form, assignment__isnull=True, directive_id=directive_id, period_start__in=[p.start for p in wanted]
    )
    owed = set(existing.values_list("unit_id", "period_start"))
    sort_keys = {c.pk: c.sort_key for found in candidates.values() for c in found}
    rows = []
    for period in wanted:
        due = periods.due_date(period.end, form.due_working_days)
        unit_ids = set()
        for assignment in assignments:
            if assignment.in_force_during(period.start, period.end):
                unit_ids.update(c.pk for c in candidates[assignment.pk] if c.owes(period.end))
        rows.extend(
            Obligation(
                form=form,
                unit_id=unit_id,
                unit_sort_key=sort_keys[unit_id],
                directive_id=directive_id,
                year=period.year,
                period_index=period.index,
                period_start=period.start,
                period_end=period.end,
                due_date=due,
            )
            for unit_id in sorted(unit_ids)
            if (unit_id, period.start) not in owed
        )
    if not rows:
        return 0
    # The constraint still decides: a generator running at the same time may have inserted some since.
    with transaction.atomic():
        Obligation.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        tallies_refresh(form_ids=[form.pk], period_ends={r.period_end for r in rows})
    return existing.count() - len(owed)


def obligations_open_upcoming(*, today: datetime.date | None = None, ahead_days: int = LOOKAHEAD_DAYS) -> int:
    """Open every period of every assigned periodic form that starts within ``ahead_days`` (and any
    earlier one of this year or last that is missing). Run by a periodic task and by the command."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=ahead_days)
    # Due dates are written once: read the swapped days afresh rather than a copy up to a minute old.
    periods.calendar_changed()
    created = 0
    forms = ReportForm.objects.active().filter(kind=ReportForm.Kind.PERIODIC, assignments__isnull=False).distinct()
    for form in forms:
        assignments = list(FormAssignment.objects.filter(form=form).select_related("root"))
        for year in range(today.year - 1, horizon.year + 1):
            created += obligations_generate(form=form, year=year, until=horizon, assignments=assignments)
    return created + obligations_sync_assignments(today=today)


def obligations_follow_deadline(*, assignment) -> int:
    """A task's deadline changed: its report, while nothing has been filed yet, is now due on the new one.

    A report already filed keeps the due date its timeliness was judged against. Without a deadline the
    report is due the form's number of working days after the task began, as when it was first opened.
    """
    moved = 0
    for obligation in Obligation.objects.filter(assignment=assignment, first_submitted_at__isnull=True).select_related(
        "form"
    ):
        due = assignment.deadline or periods.add_working_days(obligation.period_start, obligation.form.due_working_days)
        end = max(obligation.period_start, assignment.deadline or obligation.period_start)
        if (obligation.due_date, obligation.period_end) != (due, end):
            obligation.due_date, obligation.period_end, obligation.year = due, end, end.year
            obligation.save(update_fields=["due_date", "period_end", "year"])
            tallies_refresh(unit_ids=[obligation.unit_id], form_ids=[obligation.form_id])
            moved += 1
    return moved


def obligations_sync_assignments(*, today: datetime.date | None = None, assignments=None) -> int:
    """One obligation for each open directive task that requires a report and has none yet.

    The report is filed on the directive's own thematic form when it has one, otherwise on the
    general thematic form shipped with QCDC. It is due on the task's deadline (without one, the
    form's number of working days after the task was given).

    ``assignments`` (a queryset of ``Assignment``) narrows the work to those tasks: the directives'
    services pass the tasks they have just given, in their own transaction, so that the unit owes its
    report at once rather than at the next hourly run. The cost is the same few queries whether one
    unit got the task or all 3,321 communes did.
    """
    from directives.models import Assignment

    pending = (
        (Assignment.objects.all() if assignments is None else assignments)
        .filter(report_required=True, status=Assignment.Status.OPEN)
        .exclude(Exists(Obligation.objects.filter(assignment=OuterRef("pk"))))
        .values_list("pk", "directive_id", "unit_id", "deadline", "created_at", "unit__sort_key")
    )
    pending = list(pending)
    if not pending:
        return 0
    thematic = ReportForm.objects.active().filter(kind=ReportForm.Kind.THEMATIC)
    by_directive = {
        f.directive_id: f
        for f in thematic.filter(directive_id__in={row[1] for row in pending}).order_by("-pk")
        if f.directive_id
    }
    default = thematic.filter(code=DEFAULT_THEMATIC_CODE).first()
    rows = []
    for pk, directive_id, unit_id, deadline, created_at, sort_key in pending:
        form = by_directive.get(directive_id, default)
        if form is None:
            continue
        start = timezone.localdate(created_at)
        due = deadline or periods.add_working_days(start, form.due_working_days)
        end = max(start, deadline or start)
        rows.append(
            Obligation(
                form=form,
                unit_id=unit_id,
                unit_sort_key=sort_key,
                assignment_id=pk,
                year=end.year,
                period_index=0,
                period_start=start,
                period_end=end,
                due_date=due,
            )
        )
    if not rows:
        return 0
    before = Obligation.objects.filter(assignment_id__in=[r.assignment_id for r in rows]).count()
    with transaction.atomic():
        Obligation.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        tallies_refresh(unit_ids={r.unit_id for r in rows}, form_ids={r.form_id for r in rows})
    return Obligation.objects.filter(assignment_id__in=[r.assignment_id for r in rows]).count() - before


@transaction.atomic
def form_assign(
    *,
    actor: User,
    form: ReportForm,
    root: Unit,
    kinds: Iterable[str],
    include_root: bool = False,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    directive=None,
) -> tuple[FormAssignment, int]:
    """Make every unit of ``kinds`` under ``root`` owe a periodic form from ``starts_on``; the periods
    already begun are opened at once. Assigning the same form under the same unit again updates it.

    With ``directive``, the report is the one that directive requires (the caller has checked that the
    actor manages it): its obligations carry the directive and come beside the ordinary ones."""
    permissions.require_manage(actor, root)
    if not form.is_periodic:
        raise ValidationError(_("Only a periodic form is assigned this way; request the others."))
    kinds = sorted(set(kinds))
    if not kinds and not include_root:
        raise ValidationError({"kinds": _("Pick at least one kind of unit, or the unit itself.")})
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end cannot come before the start.")})
    assignment, _created = FormAssignment.objects.update_or_create(
        form=form,
        root=root,
        directive=directive,
        defaults={
            "kinds": kinds,
            "include_root": include_root,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "created_by": actor if actor.is_authenticated else None,
        },
    )
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=LOOKAHEAD_DAYS)
    periods.calendar_changed()  # due dates are written once: from the swapped days as they are now
    created = 0
    for year in range(min(starts_on.year, today.year), horizon.year + 1):
        created += obligations_generate(form=form, year=year, until=horizon, assignments=[assignment])
    units = Unit.objects.filter(tree.targets_q(root, kinds, include_root)).count()
    audit_record(
        actor=actor,
        action="report_form.assigned",
        obj=form,
        unit=root,
        summary=_("%(form)s is owed by %(count)d units under %(unit)s")
        % {"form": form.name, "count": units, "unit": root.name},
        data={
            "kinds": kinds,
            "include_root": include_root,
            "obligations": created,
            **({"directive": directive.symbol} if directive is not None else {}),
        },
    )
    return assignment, created


@transaction.atomic
def obligations_request(
    *,
    actor: User,
    form: ReportForm,
    root: Unit,
    kinds: Iterable[str],
    include_root: bool = False,
    period_start: datetime.date,
    period_end: datetime.date,
    due_date: datetime.date,
) -> int:
    """Ask units for a one-off (ad hoc or thematic) report on ``form`` covering the given dates."""
    permissions.require_manage(actor, root)
    if form.is_periodic:
        raise ValidationError(_("A periodic form is assigned, not requested."))
    if period_end < period_start:
        raise ValidationError({"period_end": _("The end cannot come before the start.")})
    if due_date < period_end:
        raise ValidationError({"due_date": _("The report cannot be due before the period ends.")})
    kinds = list(kinds)
    if not kinds and not include_root:
        raise ValidationError({"kinds": _("Pick at least one kind of unit, or the unit itself.")})
    units = [
        c
        for c in (
            _Candidate(*row)
            for row in Unit.objects.filter(tree.targets_q(root, kinds, include_root)).values_list(*_CANDIDATE_FIELDS)
        )
        if c.owes(period_end)
    ]
    rows = [
        Obligation(
            form=form,
            unit_id=unit.pk,
            unit_sort_key=unit.sort_key,
            year=period_end.year,
            period_index=0,
            period_start=period_start,
            period_end=period_end,
            due_date=due_date,
        )
        for unit in units
    ]
    existing = Obligation.objects.filter(
        form=form, assignment__isnull=True, directive__isnull=True, period_start=period_start
    )
    before = existing.count()
    Obligation.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    tallies_refresh(form_ids=[form.pk], period_ends=[period_end])
    created = existing.count() - before
    audit_record(
        actor=actor,
        action="report_form.requested",
        obj=form,
        unit=root,
        summary=_("%(form)s requested from %(count)d units under %(unit)s")
        % {"form": form.name, "count": created, "unit": root.name},
    )
    return created


def _not_owed_q() -> Q:
    """Obligations of periods whose last day the unit is not open on."""
    closed = Q(unit__closed_on__isnull=False, unit__closed_on__lte=F("period_end"))
    not_yet_open = Q(unit__opened_on__isnull=False, unit__opened_on__gt=F("period_end"))
    return closed | not_yet_open


def obligations_follow_unit(*, actor: User | None, unit_ids: Iterable[int]) -> int:
    """The units' opening or closing dates changed: remove their reports not yet filed for the periods they
    no longer owe (with drafts and reminders), one audit row per unit listing them. Returns how many.

    Call it in the transaction that changes the dates. The reports of a directive's task are left to the
    directive's own services (the task is reassigned or withdrawn there). The same few queries whatever
    the number of units, so an import closing a thousand former wards costs no more than one merger.
    """
    stale = (
        Obligation.objects.filter(
            _not_owed_q(), unit_id__in=list(unit_ids), first_submitted_at__isnull=True, assignment__isnull=True
        )
        .select_related("form", "unit")
        .order_by("unit_id", "period_end", "form_id")
    )
    rows = list(stale.select_for_update(of=("self",)))
    if not rows:
        return 0
    pks = [o.pk for o in rows]
    drafts = set(Report.objects.filter(obligation_id__in=pks).values_list("obligation_id", flat=True))
    Delivery.objects.filter(obligation_id__in=pks).delete()
    ReportAttachment.objects.filter(report__obligation_id__in=pks).delete()
    Report.objects.filter(obligation_id__in=pks).delete()
    Obligation.objects.filter(pk__in=pks).delete()
    tallies_refresh(unit_ids={o.unit_id for o in rows})
    by_unit: dict[int, list[Obligation]] = {}
    for o in rows:
        by_unit.setdefault(o.unit_id, []).append(o)
    for owed in by_unit.values():
        unit = owed[0].unit
        audit_record(
            actor=actor,
            action="obligations.released",
            obj=unit,
            unit=unit,
            summary=ngettext(
                "%(unit)s no longer owes %(count)d report not yet filed: it is not open on its period's last day",
                "%(unit)s no longer owes %(count)d reports not yet filed: it is not open on their periods' last day",
                len(owed),
            )
            % {"unit": unit.name, "count": len(owed)},
            data={
                "opened_on": unit.opened_on.isoformat() if unit.opened_on else None,
                "closed_on": unit.closed_on.isoformat() if unit.closed_on else None,
                "obligations": [
                    {
                        "id": o.pk,
                        "form": o.form.code,
                        "period_end": o.period_end.isoformat(),
                        "due_date": o.due_date.isoformat(),
                        "had_draft": o.pk in drafts,
                    }
                    for o in owed
                ],
            },
        )
    return len(rows)


def obligations_follow_sort_keys(*, unit_ids: Iterable[int] | None = None, **_signal) -> int:
    """Copy the units' sort keys onto their obligations where they differ (``Obligation.unit_sort_key``),
    for ``unit_ids`` (every unit if None): one UPDATE per batch of units. Run when units are renamed
    (``units.signals.sort_keys_changed``) and by ``rebuild_figures``."""
    key = Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("sort_key")[:1])
    if unit_ids is None:
        return Obligation.objects.exclude(unit_sort_key=key).update(unit_sort_key=key)
    ids = list(unit_ids)
    return sum(
        Obligation.objects.filter(unit_id__in=ids[start : start + BATCH])
        .exclude(unit_sort_key=key)
        .update(unit_sort_key=key)
        for start in range(0, len(ids), BATCH)
    )
