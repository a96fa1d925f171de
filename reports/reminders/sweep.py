"""The sweep: find the stages that are due, insert their delivery rows (once), and queue them for sending.

Run by the beat every few minutes, by ``send_reminders`` and, for one obligation, after each transition.
Nothing is scheduled ahead of time, so a missed beat heals on the next one. For each (obligation, ladder,
audience) only the latest stage reached is written: a sweep that missed a few days tells people once,
with today's words, rather than replaying every earlier reminder.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from reports.models import Delivery, Obligation, ReminderStage, ReportEvent, ReportForm, Status
from reports.models.obligations import IN_REVIEW, PENDING
from reports.reminders import ladder
from reports.reminders.recipients import Directory

logger = logging.getLogger(__name__)

L = ReminderStage.Ladder
BATCH = 2000
# Obligations due longer ago than this are no longer reminded (their escalations went out long since).
LOOKBACK_DAYS = 60
PUBLISH_CHUNK = 50


@dataclass
class SweepResult:
    obligations: int = 0
    due: int = 0  # messages due: written now or already written by an earlier sweep
    queued: int = 0
    batches: int = 0
    by_ladder: dict = field(default_factory=dict)


def ensure_ladders() -> int:
    """A form without any stage gets the default ladder (new forms; deactivate stages to silence a form)."""
    missing = list(ReportForm.objects.filter(reminder_stages__isnull=True).values_list("pk", flat=True))
    return ladder.install_defaults(ReminderStage, missing) if missing else 0


def _stages() -> dict[tuple[int, str], list[ReminderStage]]:
    by_form: dict[tuple[int, str], list[ReminderStage]] = defaultdict(list)
    for stage in ReminderStage.objects.filter(is_active=True).order_by("offset", "id"):
        by_form[(stage.form_id, stage.ladder)].append(stage)
    return by_form


def _candidates(which: str, today: datetime.date, stages, obligation_ids):
    """The obligations a ladder may concern today, as a queryset of plain values."""
    qs = Obligation.objects.all()
    if obligation_ids is not None:
        qs = qs.filter(pk__in=obligation_ids)
    if which == L.DUE:
        earliest = min((s.offset for group in stages.values() for s in group), default=0)
        latest_due = ladder.stage_day(today, -earliest) + datetime.timedelta(days=7) if earliest < 0 else today
        qs = qs.filter(
            status__in=PENDING, due_date__lte=latest_due, due_date__gte=today - datetime.timedelta(days=LOOKBACK_DAYS)
        )
    elif which == L.RETURNED:
        qs = qs.filter(status=Status.RETURNED)
    else:
        since = timezone.now() - datetime.timedelta(days=LOOKBACK_DAYS)
        qs = qs.filter(status__in=IN_REVIEW, last_submitted_at__gte=since)
    forms = {form_id for form_id, ladder_code in stages if ladder_code == which}
    return qs.filter(form_id__in=forms).values(
        "id", "form_id", "unit_id", "unit__parent_id", "due_date", "returned_count", "last_submitted_at"
    )


def _anchors(which: str, rows: list[dict]) -> dict[int, datetime.date]:
    if which == L.DUE:
        return {r["id"]: r["due_date"] for r in rows}
    if which == L.FILED:
        return {r["id"]: timezone.localdate(r["last_submitted_at"]) for r in rows}
    returned = (
        ReportEvent.objects.filter(report__obligation_id__in=[r["id"] for r in rows], kind=ReportEvent.Kind.RETURNED)
        .values("report__obligation_id")
        .annotate(at=Max("created_at"))
    )
    return {e["report__obligation_id"]: timezone.localdate(e["at"]) for e in returned}


def _reached(group: list[ReminderStage], anchor: datetime.date, today: datetime.date, days: dict):
    """The latest stage of each audience whose day has come: (stage, its day)."""
    latest: dict[str, tuple[ReminderStage, datetime.date]] = {}
    for stage in group:  # ordered by offset
        key = (anchor, stage.offset)
        if key not in days:
            days[key] = ladder.stage_day(anchor, stage.offset)
        if days[key] <= today:
            latest[stage.audience] = (stage, days[key])
    return latest.values()


def _batch_rows(which, rows, stages, today, days) -> list[Delivery]:
    anchors = _anchors(which, rows)
    directory = Directory({r["unit_id"]: r["unit__parent_id"] for r in rows}, today)
    new: list[Delivery] = []
    for r in rows:
        anchor = anchors.get(r["id"])
        if anchor is None:
            continue
        round_ = 0 if which == L.DUE else r["returned_count"]
        for stage, day in _reached(stages[(r["form_id"], which)], anchor, today, days):
            for person in directory.audience(r["unit_id"], stage.audience):
                if person.muted and not stage.is_escalation:
                    continue
                common = {
                    "obligation_id": r["id"],
                    "stage": stage,
                    "round": round_,
                    "recipient": person.key,
                    "person_id": person.person_id,
                    "user_id": person.user_id,
                    "name": person.name[:150],
                    "role": person.role,
                    "due_on": day,
                }
                if person.user_id:
                    new.append(Delivery(channel=Delivery.Channel.INAPP, **common))
                if person.email:
                    new.append(Delivery(channel=Delivery.Channel.EMAIL, email=person.email, **common))
    return new


def sweep(*, today: datetime.date | None = None, obligation_ids=None, publish: bool = True) -> SweepResult:
    """Write the deliveries due ``today`` (for ``obligation_ids`` only, if given) and queue the unsent ones."""
    today = today or timezone.localdate()
    result = SweepResult()
    ensure_ladders()
    stages = _stages()
    days: dict = {}
    for which in (L.DUE, L.RETURNED, L.FILED):
        candidates = _candidates(which, today, stages, obligation_ids).order_by("id")
        last_id, count = 0, 0
        while True:
            rows = list(candidates.filter(id__gt=last_id)[:BATCH])
            if not rows:
                break
            last_id = rows[-1]["id"]
            count += len(rows)
            result.batches += 1
            new = _batch_rows(which, rows, stages, today, days)
            if new:
                # ignore_conflicts: a row already written by an earlier or a parallel sweep stays as it is.
                result.due += len(Delivery.objects.bulk_create(new, ignore_conflicts=True))
        result.by_ladder[which] = count
        result.obligations += count
    if publish:
        result.queued = publish_unsent(obligation_ids=obligation_ids)
    return result


def publish_unsent(*, obligation_ids=None) -> int:
    """Queue the deliveries not yet queued, or queued long ago and still unsent (the broker lost them, or a
    worker died holding them). Queued rows are marked, so a healthy queue is not flooded on every sweep.
    A broker that cannot be reached is logged and left for the next sweep: nothing is lost."""
    from reports.reminders import publish

    now = timezone.now()
    republish = now - datetime.timedelta(seconds=settings.REMINDERS_REPUBLISH_AFTER)
    stale = now - datetime.timedelta(seconds=settings.REMINDERS_CLAIM_TIMEOUT)
    unsent = Delivery.objects.filter(
        Q(status=Delivery.Status.PENDING, enqueued_at__isnull=True)
        | Q(status=Delivery.Status.PENDING, enqueued_at__lt=republish)
        | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale)
    )
    if obligation_ids is not None:
        unsent = unsent.filter(obligation_id__in=obligation_ids)
    ids = list(unsent.order_by("id").values_list("id", flat=True))
    queued = 0
    for start in range(0, len(ids), PUBLISH_CHUNK):
        chunk = ids[start : start + PUBLISH_CHUNK]
        if not publish.send_deliveries(chunk):
            break
        Delivery.objects.filter(pk__in=chunk).update(enqueued_at=timezone.now())
        queued += len(chunk)
    return queued
