"""Every write to criteria sets, evaluations and commendations: one atomic function each, checking the rule
(``evaluations.rules``), recording the step with who and when (``EvaluationEvent``, and the shared audit)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from evaluations import kinds, rules, shipped
from evaluations.models import (
    ClassificationLevel,
    Commendation,
    CriteriaSet,
    Criterion,
    Evaluation,
    EvaluationEvent,
    Score,
)
from units.models import Headship, Person, Unit, User
from units.services import audit_record

S = Evaluation.Status
E = EvaluationEvent.Kind


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _event(evaluation: Evaluation, actor, kind: str, note: str = "", data: dict | None = None) -> EvaluationEvent:
    return EvaluationEvent.objects.create(
        evaluation=evaluation, actor=actor if actor and actor.is_authenticated else None, kind=kind, note=note,
        data=data or {},
    )  # fmt: skip


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so that the unit and the history know.")})
    return reason


def _points(value, criterion: Criterion, field: str = "points") -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        points = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise ValidationError({field: _("Enter a number of points.")}) from None
    if points < 0 or points > criterion.max_points:
        raise ValidationError(
            {
                field: _("%(title)s: between 0 and %(max)s points.")
                % {"title": criterion.title, "max": criterion.max_points}
            }
        )
    return points


# Criteria sets ---------------------------------------------------------------------------------------------


@transaction.atomic
def criteria_set_create(*, actor: User, unit: Unit, year: int, subject: str) -> CriteriaSet:
    """A year's criteria for the units (or heads) under ``unit``, starting from the shipped default."""
    _require(
        rules.may_configure(actor, unit), _("Only committee staff or administrators of this unit may configure it.")
    )
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    if CriteriaSet.objects.filter(unit=unit, year=year, subject=subject).exists():
        raise ValidationError(_("This unit already has criteria for that year."))
    criteria_set = CriteriaSet.objects.create(
        unit=unit, year=year, subject=subject, name=shipped.set_name(subject, year, unit),
        unit_kinds=shipped.UNIT_KINDS, created_by=actor,
    )  # fmt: skip
    Criterion.objects.bulk_create(
        Criterion(criteria_set=criteria_set, position=i, title=t, kind=k, max_points=p, guidance=g)
        for i, (t, k, p, g) in enumerate(shipped.criteria(subject), start=1)
    )
    ClassificationLevel.objects.bulk_create(
        ClassificationLevel(criteria_set=criteria_set, position=i, name=n, min_points=m)
        for i, (n, m) in enumerate(shipped.LEVELS, start=1)
    )
    audit_record(
        actor=actor, action="criteria_set.created", obj=criteria_set, unit=unit,
        summary=_("Evaluation criteria configured: %s") % criteria_set.name,
    )  # fmt: skip
    return criteria_set


def _started(criteria_set: CriteriaSet) -> bool:
    return criteria_set.evaluations.exclude(status=S.DRAFT).exists()


@transaction.atomic
def criteria_set_update(
    *, actor: User, criteria_set: CriteriaSet, name: str, header: str, criteria: list[dict], levels: list[dict]
) -> CriteriaSet:
    """Replace the criteria and levels. ``criteria``: dicts of id (None for a new one), title, kind, max_points,
    guidance, delete; ``levels``: id, name, min_points, delete. Closed once an evaluation left its unit."""
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    _require(rules.may_configure(actor, criteria_set.unit), _("Only the committee may change these criteria."))
    if _started(criteria_set):
        raise ValidationError(_("Evaluations have been submitted under these criteria: they can no longer change."))
    known = {c.pk: c for c in criteria_set.criteria.all()}
    kept = 0
    for position, row in enumerate(criteria, start=1):
        criterion = known.get(row.get("id")) if row.get("id") else None
        if row.get("delete"):
            if criterion is not None:
                criterion.scores.all().delete()  # draft scores only: nothing has been submitted
                criterion.delete()
            continue
        if not (row.get("title") or "").strip():
            continue
        criterion = criterion or Criterion(criteria_set=criteria_set)
        criterion.position, criterion.title = position, row["title"].strip()
        criterion.kind = row.get("kind") or kinds.ENTERED
        criterion.max_points, criterion.guidance = row["max_points"], row.get("guidance", "")
        criterion.full_clean()
        criterion.save()
        kept += 1
    if not kept:
        raise ValidationError(_("Keep at least one criterion."))
    known_levels = {lv.pk: lv for lv in criteria_set.levels.all()}
    for position, row in enumerate(levels, start=1):
        level = known_levels.get(row.get("id")) if row.get("id") else None
        if row.get("delete"):
            if level is not None:
                level.delete()
            continue
        if not (row.get("name") or "").strip():
            continue
        level = level or ClassificationLevel(criteria_set=criteria_set)
        level.position, level.name, level.min_points = position, row["name"].strip(), row["min_points"] or 0
        level.save()
    if not criteria_set.levels.exists():
        raise ValidationError(_("Keep at least one classification level."))
    criteria_set.name, criteria_set.header = name.strip() or criteria_set.name, header
    criteria_set.save(update_fields=["name", "header", "updated_at"])
    audit_record(
        actor=actor, action="criteria_set.updated", obj=criteria_set, unit=criteria_set.unit,
        summary=_("Evaluation criteria changed: %s") % criteria_set.name,
    )  # fmt: skip
    return criteria_set


def targets(criteria_set: CriteriaSet) -> list[tuple[Unit, Person | None]]:
    """Who the set evaluates: the units of its kinds open during the year in its subtree (below its own unit),
    or the accountable heads of those units whose tenures fall in the year, one row per (unit, person)."""
    start, end = datetime.date(criteria_set.year, 1, 1), datetime.date(criteria_set.year, 12, 31)
    units = (
        Unit.objects.subtree(criteria_set.unit, include_self=False)
        .filter(kind__in=criteria_set.unit_kinds)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=end), Q(closed_on__isnull=True) | Q(closed_on__gt=start))
        .order_by("path")
    )
    if not criteria_set.is_heads:
        return [(u, None) for u in units]
    heads = (
        Headship.objects.filter(unit__in=units, is_principal=True, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("unit", "person")
        .order_by("unit__path", "started_on")
    )
    seen, result = set(), []
    for h in heads:
        if (h.unit_id, h.person_id) not in seen:
            seen.add((h.unit_id, h.person_id))
            result.append((h.unit, h.person))
    return result


@transaction.atomic
def evaluations_open(*, actor: User, criteria_set: CriteriaSet) -> int:
    """Open an evaluation for every unit (or head) the set covers that has none yet: how many were opened."""
    _require(rules.may_configure(actor, criteria_set.unit), _("Only the committee may open the evaluations."))
    have = set(criteria_set.evaluations.values_list("unit_id", "person_id"))
    new = [
        Evaluation(criteria_set=criteria_set, unit=u, person=p)
        for u, p in targets(criteria_set)
        if (u.pk, p.pk if p else None) not in have
    ]
    created = Evaluation.objects.bulk_create(new)  # PostgreSQL and SQLite return the new ids
    EvaluationEvent.objects.bulk_create(
        EvaluationEvent(evaluation=e, actor=actor, kind=E.OPENED, note=criteria_set.name) for e in created
    )
    if created:
        audit_record(
            actor=actor, action="evaluations.opened", obj=criteria_set, unit=criteria_set.unit,
            summary=_("%(n)s evaluations opened: %(set)s") % {"n": len(created), "set": criteria_set.name},
        )  # fmt: skip
    return len(created)


# Evaluations -----------------------------------------------------------------------------------------------


def evidence(evaluation: Evaluation, today: datetime.date | None = None, user=None) -> dict[int, kinds.Evidence]:
    """criterion id -> the evidence computed now, for the computed criteria of the evaluation's set (with links
    that ``user`` may open)."""
    subject = kinds.Subject(
        unit=evaluation.unit, year=evaluation.criteria_set.year, today=today or timezone.localdate(),
        person=evaluation.person, user=user,
    )  # fmt: skip
    found = {}
    for criterion in evaluation.criteria_set.criteria.all():
        kind = criterion.kind_info
        if kind.computed:
            found[criterion.pk] = kind.compute(subject)
    return found


def suggested_points(criterion: Criterion, found: kinds.Evidence | None) -> Decimal | None:
    if found is None or found.fraction is None:
        return None
    return (criterion.max_points * Decimal(repr(found.fraction))).quantize(Decimal("0.01"))


def _locked(evaluation: Evaluation) -> Evaluation:
    evaluation = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("criteria_set__unit", "unit", "person")
        .get(pk=evaluation.pk)
    )
    if evaluation.is_locked:
        raise ValidationError(_("This evaluation has been decided: it is locked."))
    return evaluation


def _total(evaluation: Evaluation, field: str) -> Decimal | None:
    values = [getattr(s, field) for s in evaluation.scores.all()]
    values = [v for v in values if v is not None]
    return sum(values, Decimal(0)) if values else None


@transaction.atomic
def evaluation_save(*, actor: User, evaluation: Evaluation, scores: dict[int, dict], summary: str) -> Evaluation:
    """The unit's points and explanation per criterion (``scores``: criterion id -> points, explanation)."""
    evaluation = _locked(evaluation)
    _require(
        rules.may_prepare(actor, evaluation), _("Only the unit may fill in its self-assessment, while in progress.")
    )
    criteria = {c.pk: c for c in evaluation.criteria_set.criteria.all()}
    existing = {s.criterion_id: s for s in evaluation.scores.all()}
    for criterion_id, row in scores.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            continue
        score = existing.get(criterion.pk) or Score(evaluation=evaluation, criterion=criterion)
        score.self_points = _points(row.get("points"), criterion, f"points_{criterion.pk}")
        score.explanation = (row.get("explanation") or "").strip()
        score.save()
    evaluation.summary = (summary or "").strip()
    evaluation.self_total = _total(evaluation, "self_points")
    evaluation.save(update_fields=["summary", "self_total", "updated_at"])
    _event(evaluation, actor, E.SAVED, data={"self_total": str(evaluation.self_total)})
    return evaluation


@transaction.atomic
def evaluation_submit(*, actor: User, evaluation: Evaluation, today: datetime.date | None = None) -> Evaluation:
    """Send the self-assessment on: a unit's to its head, a head's to the committee. The computed evidence is
    kept as it stands now, in Vietnamese, so the committee and the sheet read what the unit saw."""
    evaluation = _locked(evaluation)
    _require(rules.may_prepare(actor, evaluation), _("Only the unit may submit its self-assessment."))
    criteria = list(evaluation.criteria_set.criteria.all())
    scores = {s.criterion_id: s for s in evaluation.scores.all()}
    missing = [c.title for c in criteria if scores.get(c.pk) is None or scores[c.pk].self_points is None]
    if missing:
        raise ValidationError(_("Score every criterion first: %s.") % "; ".join(missing))
    with translation.override("vi"):  # kept in the language of the record and of the sheet
        found = evidence(evaluation, today)
    for c in criteria:
        score = scores[c.pk]
        if c.pk in found:
            score.evidence_value, score.evidence_text = found[c.pk].value, found[c.pk].text[:500]
            score.save(update_fields=["evidence_value", "evidence_text"])
    evaluation.status = S.SUBMITTED if evaluation.is_head else S.AWAITING_APPROVAL
    evaluation.save(update_fields=["status", "updated_at"])
    _event(
        evaluation,
        actor,
        E.SUBMITTED if not evaluation.is_head else E.APPROVED,
        data={"self_total": str(evaluation.self_total)},
    )
    return evaluation


@transaction.atomic
def evaluation_approve(*, actor: User, evaluation: Evaluation) -> Evaluation:
    evaluation = _locked(evaluation)
    _require(rules.may_approve(actor, evaluation), _("Only the unit's head in office may approve it."))
    evaluation.status, evaluation.approved_by, evaluation.approved_at = S.SUBMITTED, actor, timezone.now()
    evaluation.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _event(evaluation, actor, E.APPROVED)
    return evaluation


@transaction.atomic
def evaluation_return(*, actor: User, evaluation: Evaluation, reason: str) -> Evaluation:
    """Back to the unit for revision, by its head or by the committee, with the reason."""
    evaluation = _locked(evaluation)
    _require(rules.may_return(actor, evaluation), _("You may not return this evaluation now."))
    reason = _reason(reason)
    evaluation.status, evaluation.approved_by, evaluation.approved_at = S.DRAFT, None, None
    evaluation.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    _event(evaluation, actor, E.RETURNED, note=reason)
    return evaluation


@transaction.atomic
def evaluation_adjust(*, actor: User, evaluation: Evaluation, criterion: Criterion, points, reason: str) -> Score:
    """The committee's points for one criterion, with the reason; the unit's own points stay beside them."""
    evaluation = _locked(evaluation)
    _require(rules.may_review(actor, evaluation), _("Only the committee may change the points, while it reviews."))
    if criterion.criteria_set_id != evaluation.criteria_set_id:
        raise ValidationError(_("This criterion is not one of this evaluation's."))
    reason = _reason(reason)
    score, _created = Score.objects.get_or_create(evaluation=evaluation, criterion=criterion)
    before = score.points
    score.final_points = _points(points, criterion)
    score.adjust_reason = reason
    score.save(update_fields=["final_points", "adjust_reason"])
    evaluation.final_total = sum((s.points or Decimal(0) for s in evaluation.scores.all()), Decimal(0))
    evaluation.save(update_fields=["final_total", "updated_at"])
    _event(
        evaluation, actor, E.ADJUSTED, note=reason,
        data={"criterion": criterion.title, "from": str(before), "to": str(score.final_points)},
    )  # fmt: skip
    return score


def suggested_level(evaluation: Evaluation, total) -> ClassificationLevel | None:
    levels = sorted(evaluation.criteria_set.levels.all(), key=lambda lv: -lv.min_points)
    if total is None:
        return None
    return next((lv for lv in levels if total >= lv.min_points), levels[-1] if levels else None)


@transaction.atomic
def evaluation_decide(
    *, actor: User, evaluation: Evaluation, level: ClassificationLevel, symbol: str, date: datetime.date, note: str = ""
) -> Evaluation:
    """The committee's classification, by its decision's number and date. Locks the evaluation."""
    evaluation = _locked(evaluation)
    _require(rules.may_review(actor, evaluation), _("Only the committee may decide, once the unit has submitted."))
    if level.criteria_set_id != evaluation.criteria_set_id:
        raise ValidationError({"level": _("Choose one of this set's classifications.")})
    symbol = (symbol or "").strip()
    if not symbol or date is None:
        raise ValidationError(_("Give the decision's number and symbol and its date."))
    evaluation.final_total = sum((s.points or Decimal(0) for s in evaluation.scores.all()), Decimal(0))
    evaluation.level, evaluation.decision_symbol, evaluation.decision_date = level, symbol, date
    evaluation.status, evaluation.decided_by, evaluation.decided_at = S.DECIDED, actor, timezone.now()
    evaluation.save()
    _event(
        evaluation, actor, E.DECIDED, note=note.strip(),
        data={"level": level.name, "symbol": symbol, "date": date.isoformat(), "total": str(evaluation.final_total)},
    )  # fmt: skip
    audit_record(
        actor=actor, action="evaluation.decided", obj=evaluation, unit=evaluation.unit,
        summary=_("%(who)s, %(year)s: %(level)s (%(symbol)s)")
        % {"who": evaluation.person or evaluation.unit, "year": evaluation.criteria_set.year, "level": level.name,
           "symbol": symbol},
    )  # fmt: skip
    return evaluation


# Commendations ---------------------------------------------------------------------------------------------

COMMENDATION_FIELDS = ("unit", "person", "form", "decision_symbol", "decision_date", "issuer", "reason", "exemplary")


def _check_person(unit: Unit, person: Person | None) -> None:
    """A person commended belongs to the unit: works there, or has headed it."""
    if person is None or person.unit_id == unit.pk or Headship.objects.filter(unit=unit, person=person).exists():
        return
    raise ValidationError({"person": _("This person neither works at nor heads this unit.")})


@transaction.atomic
def commendation_create(*, actor: User, unit: Unit, **fields) -> Commendation:
    _require(rules.may_commend(actor, unit), _("Only committee staff or administrators over this unit may record it."))
    fields = {k: v for k, v in fields.items() if k in COMMENDATION_FIELDS}
    _check_person(unit, fields.get("person"))
    commendation = Commendation(unit=unit, recorded_by=actor, **fields)
    commendation.full_clean()
    commendation.save()
    audit_record(
        actor=actor, action="commendation.created", obj=commendation, unit=unit,
        summary=_("Commendation recorded: %(symbol)s, %(who)s")
        % {"symbol": commendation.decision_symbol, "who": commendation.recipient},
    )  # fmt: skip
    return commendation


@transaction.atomic
def commendation_update(*, actor: User, commendation: Commendation, **fields) -> Commendation:
    commendation = Commendation.objects.select_for_update().get(pk=commendation.pk)
    unit = fields.get("unit", commendation.unit)
    _require(
        rules.may_commend(actor, commendation.unit) and rules.may_commend(actor, unit),
        _("Only committee staff or administrators over this unit may change it."),
    )
    changes = {}
    for name in COMMENDATION_FIELDS:
        if name in fields and getattr(commendation, name) != fields[name]:
            changes[name] = [str(getattr(commendation, name) or ""), str(fields[name] or "")]
            setattr(commendation, name, fields[name])
    if not changes:
        return commendation
    _check_person(commendation.unit, commendation.person)
    commendation.full_clean()
    commendation.save()
    audit_record(
        actor=actor, action="commendation.updated", obj=commendation, unit=commendation.unit,
        summary=_("Commendation changed: %s") % commendation.decision_symbol, data=changes,
    )  # fmt: skip
    return commendation
