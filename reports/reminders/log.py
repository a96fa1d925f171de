"""What was sent for an obligation, read back from the delivery log: for its page and for the dashboards."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.models import Delivery, ReminderStage
from reports.reminders.recipients import HEAD, PARENT_HEAD, REPORTER, REVIEWER, STANDING

A = ReminderStage.Audience
L = ReminderStage.Ladder
# Notices of a step taken (filed, awaiting signature, accepted) are neither reminders nor escalations.
NOTICES = (L.FILED, L.APPROVAL, L.ACCEPTED)


def role_label(role: str) -> str:
    return {
        REPORTER: _("reporter"),
        HEAD: _("head of unit"),
        PARENT_HEAD: _("head of the unit above"),
        STANDING: _("standing member of the steering committee"),
        REVIEWER: _("committee staff"),
    }.get(role, role)


def stage_label(stage: ReminderStage) -> str:
    if stage.ladder == ReminderStage.Ladder.FILED:
        return _("Committee told of the filing")
    if stage.ladder == ReminderStage.Ladder.RETURNED:
        return _("Escalated to the head of the unit after a return") if stage.is_escalation else _("Told of the return")
    if stage.audience == A.HEAD:
        return _("Escalated to the head of the unit")
    if stage.audience == A.PARENT:
        return _("Escalated to the unit above")
    return _("Reminded")


def stage_message(stage: ReminderStage) -> str:
    """What a stage's message is, for a list of messages (which may not have reached anyone)."""
    if stage.ladder == ReminderStage.Ladder.FILED:
        return _("Notice to the committee of the filing")
    if stage.ladder == ReminderStage.Ladder.RETURNED:
        return (
            _("Escalation to the head of the unit after a return") if stage.is_escalation else _("Notice of the return")
        )
    if stage.audience == A.HEAD:
        return _("Escalation to the head of the unit")
    if stage.audience == A.PARENT:
        return _("Escalation to the unit above")
    return _("Reminder")


@dataclass(frozen=True)
class EscalationReached:
    stage: str
    label: str
    sent_at: object
    recipients: list
    is_escalation: bool

    @property
    def summary(self) -> str:
        """The stage and, for an escalation, whom it reached: the head in office when it was sent, who may not
        be the head accountable on the due date."""
        if self.is_escalation and self.recipients:
            return _("%(stage)s: %(names)s") % {"stage": self.label, "names": ", ".join(self.recipients)}
        return str(self.label)


def escalation_reached(obligation_ids: Iterable[int]) -> dict[int, EscalationReached]:
    """The latest stage sent for each obligation (one query); obligations with nothing sent are absent."""
    rows = (
        Delivery.objects.filter(obligation_id__in=list(obligation_ids), status=Delivery.Status.SENT)
        .exclude(stage__ladder__in=NOTICES)
        .select_related("stage")
        .order_by("obligation_id", "sent_at", "id")
    )
    latest: dict[int, tuple] = {}
    names: dict[tuple, list] = {}
    for d in rows:
        current = latest.get(d.obligation_id)
        if current is None or current[0].pk != d.stage_id or current[1] != d.round:
            latest[d.obligation_id] = (d.stage, d.round, d.sent_at)
        key = (d.obligation_id, d.stage_id, d.round)
        if d.name not in names.setdefault(key, []):
            names[key].append(d.name)
    return {
        ob: EscalationReached(
            stage=stage.code,
            label=stage_label(stage),
            sent_at=sent_at,
            recipients=names[(ob, stage.pk, round_)],
            is_escalation=stage.is_escalation,
        )
        for ob, (stage, round_, sent_at) in latest.items()
    }


@dataclass(frozen=True)
class Escalation:
    name: str
    role: str
    day: object


@dataclass(frozen=True)
class ObligationLog:
    reminders: int  # reminder stages sent (not messages: one stage by e-mail and in the bell counts once)
    escalations: list

    @property
    def any(self) -> bool:
        return bool(self.reminders or self.escalations)


def obligation_log(obligation_id: int) -> ObligationLog:
    """The reminders and escalations sent for one obligation (one query). Rows still waiting to be sent,
    or dropped as no longer needed, are not on it; nor are the notices of a step (filed, awaiting signature,
    accepted)."""
    sent = (
        Delivery.objects.filter(obligation_id=obligation_id, status=Delivery.Status.SENT)
        .exclude(stage__ladder__in=NOTICES)
        .select_related("stage")
        .order_by("sent_at", "id")
    )
    reminders, escalations, seen = set(), [], set()
    for d in sent:
        if not d.stage.is_escalation:
            reminders.add((d.stage_id, d.round))
        elif (d.recipient, d.stage_id, d.round) not in seen:
            seen.add((d.recipient, d.stage_id, d.round))
            escalations.append(Escalation(name=d.name, role=role_label(d.role), day=d.sent_at))
    return ObligationLog(reminders=len(reminders), escalations=escalations)
