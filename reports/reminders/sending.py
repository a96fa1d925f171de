"""Sending deliveries: claim each row, check it is still wanted, send it by its channel, mark it sent.

A row is claimed by a conditional UPDATE (pending -> sending, or a "sending" row whose claim is older
than REMINDERS_CLAIM_TIMEOUT: its worker died) whose row count is checked, so two workers never send
the same row. A worker killed between sending and marking leaves at most that one row to be sent again;
an in-app notification is unique per delivery, so even that one is not doubled in the bell.

An e-mail the mail server did not take is tried again, with growing pauses (REMINDERS_RETRY_FIRST seconds,
doubled each time up to REMINDERS_RETRY_MAX), for as long as it matters: until the report is filed or
REMINDERS_RETRY_DAYS have passed. The pause is a time on the row, not a task waiting in the broker, so it
survives restarts of the worker, the beat and Redis: the beat's sweep queues the row again once it is due.
Nothing is dropped silently: an address the server refuses, a person with neither an address nor an
account, or retries given up leave the row ``failed`` with the reason, on the staff's page of
undeliverable messages, where it can be sent again.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports import periods
from reports.models import Delivery, Notification, ReminderStage, Status
from reports.models.obligations import IN_REVIEW, PENDING
from units.services import head_on

logger = logging.getLogger(__name__)

L = ReminderStage.Ladder
A = ReminderStage.Audience
MAIL_ERRORS = (smtplib.SMTPException, OSError)
F_ = Delivery.Failure


def due_q(now) -> Q:
    """Rows whose pause after a failed attempt is over (or that never failed)."""
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def claim(delivery_id: int) -> bool:
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.REMINDERS_CLAIM_TIMEOUT)
    return bool(
        Delivery.objects.filter(pk=delivery_id)
        .filter(
            (Q(status=Delivery.Status.PENDING) & due_q(now)) | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale)
        )
        .update(status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def retry_delay(attempts: int) -> datetime.timedelta:
    """The pause after the ``attempts``-th failed attempt: growing, and never longer than REMINDERS_RETRY_MAX."""
    seconds = settings.REMINDERS_RETRY_FIRST * 2 ** min(max(0, attempts - 1), 30)
    return datetime.timedelta(seconds=min(seconds, settings.REMINDERS_RETRY_MAX))


def refused_for_good(exc: Exception) -> bool:
    """The server refused the address itself (a 5xx answer to it): trying again would not help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _msg in exc.recipients.values())
    return False


def _failed(delivery: Delivery, exc: Exception) -> str:
    """Record a failed e-mail: undeliverable for good, or pending again after a pause. Returns its failure."""
    now = timezone.now()
    since = delivery.failing_since or now
    fields = {"error": repr(exc)[:2000], "failing_since": since, "enqueued_at": None}
    if refused_for_good(exc):
        failure = F_.BOUNCED
    elif now - delivery.created_at > datetime.timedelta(days=settings.REMINDERS_RETRY_DAYS):
        failure = F_.EXPIRED
    else:
        attempts = delivery.attempts + 1  # the claim counted this one
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.PENDING, next_attempt_at=now + retry_delay(attempts), **fields
        )
        logger.warning("delivery %s failed (attempt %s), tried again later: %s", delivery.pk, attempts, exc)
        return ""
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, failure=failure, **fields)
    logger.warning("delivery %s undeliverable (%s): %s", delivery.pk, failure, exc)
    return failure


def still_wanted(delivery: Delivery) -> bool:
    """Reminders stop once the report is filed; a return's ladder stops once it is filed again; a request
    for signature once the head has acted on it."""
    obligation, stage = delivery.obligation, delivery.stage
    if stage.ladder == L.DUE:
        wanted = obligation.status in PENDING
    elif stage.ladder == L.RETURNED:
        wanted = obligation.status == Status.RETURNED and obligation.returned_count == delivery.round
    elif stage.ladder == L.APPROVAL:
        wanted = obligation.status == Status.AWAITING_APPROVAL
    elif stage.ladder == L.ACCEPTED:
        wanted = obligation.status == Status.ACCEPTED
    else:
        wanted = obligation.status in IN_REVIEW and obligation.returned_count == delivery.round
    if wanted and not stage.is_escalation and delivery.user_id:
        pref = getattr(delivery.user, "reminder_preference", None)
        wanted = not (pref and pref.mute_reminders)
    return wanted


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _closing(stage: ReminderStage, unit_name: str, left: int) -> str:
    """What the reader is asked to do: each rung speaks to its own reader, and late reminders ask for it now."""
    if stage.ladder == L.FILED:
        return _("The report is waiting for the committee's review.")
    if stage.ladder == L.APPROVAL:
        return _(
            "The report is waiting for your approval (signature) before it is submitted: read it, then approve it "
            "or send it back."
        )
    if stage.ladder == L.ACCEPTED:
        return _("The committee accepted the report: nothing more is needed for it.")
    if stage.ladder == L.RETURNED:
        if stage.is_escalation:
            return _(
                "The committee returned the report for revision and it has not been submitted again. As head of "
                "the unit, please see that it is corrected and submitted without delay."
            )
        return _("The committee returned the report for revision: correct it and submit it again.")
    if stage.audience == A.PARENT:
        return _(
            "%(unit)s has not filed this report, and its head has already been told. Please direct the unit to "
            "file it without delay."
        ) % {"unit": unit_name}
    if stage.audience == A.HEAD:
        return _("The report has not been filed. As head of the unit, please see that it is filed without delay.")
    if left < 0:
        return _("The due date has passed: please file the report now.")
    return _("Please file the report by the due date.")


def accountable_head(obligation) -> str:
    """The name of the head in office on the due date: the person an overdue report is attributed to."""
    head = head_on(obligation.unit, obligation.due_date)
    return head.person.full_name if head else ""


def message(delivery: Delivery, today: datetime.date) -> dict:
    """What the delivery says: title, link and the details the e-mail templates lay out.

    An escalation goes to whoever holds the post when it is sent (they can act now), and names as
    accountable the head in office on the due date, who may since have left."""
    obligation, stage = delivery.obligation, delivery.stage
    form, unit = obligation.form, obligation.unit
    left = periods.working_days_left(today, obligation.due_date)
    names = {"form": form.name, "period": obligation.period_label, "unit": unit.name}
    if stage.ladder == L.FILED:
        title = _("Filed for your review: %(unit)s, %(form)s, %(period)s") % names
    elif stage.ladder == L.APPROVAL:
        title = _("Awaiting your signature: %(form)s, %(period)s, %(unit)s") % names
    elif stage.ladder == L.ACCEPTED:
        title = _("Accepted by the committee: %(form)s, %(period)s, %(unit)s") % names
    elif stage.ladder == L.RETURNED:
        if stage.is_escalation:
            title = _("Still not corrected: %(unit)s, %(form)s, %(period)s") % names
        else:
            title = _("Returned for revision: %(form)s, %(period)s, %(unit)s") % names
    elif stage.is_escalation:
        title = _("Overdue: %(unit)s has not filed %(form)s, %(period)s") % names
    else:
        title = _("Reminder: %(form)s, %(period)s, %(unit)s") % names
    if stage.ladder == L.ACCEPTED:
        timing = ""
    elif left > 0:
        timing = _("%(n)d working day(s) left before the due date.") % {"n": left}
    elif left == 0:
        timing = _("Due today.")
    else:
        timing = _("Overdue by %(n)d working day(s).") % {"n": -left}
    accountable = ""
    if stage.is_escalation and stage.ladder != L.FILED:
        head = accountable_head(obligation)
        if head:
            accountable = _("Accountable: %(name)s, head of the unit on the due date.") % {"name": head}
        else:
            accountable = _("No head of the unit was in office on the due date.")
    return {
        "title": title,
        "name": delivery.name,
        "unit": unit.name,
        "form": form.name,
        "period": obligation.period_label,
        "due_date": obligation.due_date,
        "days_left": left,
        "timing": timing,
        "accountable": accountable,
        "closing": _closing(stage, unit.name, left),
        "url": site_url(obligation.get_absolute_url()),
        "is_escalation": stage.is_escalation,
        "ladder": stage.ladder,
    }


def _send_email(delivery: Delivery, content: dict) -> None:
    text = render_to_string("reports/email/reminder.txt", content)
    html = render_to_string("reports/email/reminder.html", content)
    mail = EmailMultiAlternatives(
        subject=f"[QCDC] {content['title']}",
        body=text,
        to=[delivery.email],
        headers={"X-QCDC-Delivery": str(delivery.pk)},
    )
    mail.attach_alternative(html, "text/html")
    mail.send()


def _send_inapp(delivery: Delivery, content: dict) -> None:
    Notification.objects.get_or_create(
        delivery=delivery,
        defaults={
            "user_id": delivery.user_id,
            "title": content["title"][:255],
            "body": render_to_string("reports/email/reminder.txt", {**content, "short": True}).strip(),
            "url": delivery.obligation.get_absolute_url(),
            "is_escalation": delivery.stage.is_escalation,
        },
    )


def deliveries_send(ids: list[int], *, today: datetime.date | None = None) -> dict:
    """Send the deliveries ``ids`` that are still waiting and due; an e-mail the mail server did not take is
    left pending with a pause before the next attempt (the beat queues it again), or marked undeliverable."""
    today = today or timezone.localdate()
    rows = (
        Delivery.objects.filter(pk__in=ids)
        .filter(status__in=(Delivery.Status.PENDING, Delivery.Status.SENDING))
        .select_related("obligation__form", "obligation__unit", "stage", "user__reminder_preference")
        .order_by("id")
    )
    counts = {"sent": 0, "skipped": 0, "failed": 0, "undeliverable": 0, "busy": 0, "deferred": 0}
    server_down_until = None
    with translation.override(settings.LANGUAGE_CODE):
        for delivery in rows:
            if server_down_until and delivery.channel == Delivery.Channel.EMAIL:
                # The server has just failed: the batch's other e-mails wait for the same retry, untried,
                # rather than each waiting out its own timeout.
                counts["deferred"] += (
                    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING)
                    .filter(due_q(timezone.now()))
                    .update(next_attempt_at=server_down_until, enqueued_at=None)
                )
                continue
            if not claim(delivery.pk):
                counts["busy"] += 1  # sent, or being sent, by someone else, or not due yet
                continue
            if not still_wanted(delivery):
                Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SKIPPED)
                counts["skipped"] += 1
                continue
            if delivery.channel == Delivery.Channel.EMAIL and not delivery.email:
                Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, failure=F_.NO_ADDRESS)
                counts["undeliverable"] += 1
                continue
            content = message(delivery, today)
            try:
                if delivery.channel == Delivery.Channel.EMAIL:
                    _send_email(delivery, content)
                else:
                    _send_inapp(delivery, content)
            except (BadHeaderError, ValueError) as exc:
                # This message can never be sent as it is (a CR/LF in a header): failed now, the batch goes on.
                Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error=repr(exc)[:2000])
                counts["failed"] += 1
                logger.warning("delivery %s cannot be sent: %s", delivery.pk, exc)
                continue
            except MAIL_ERRORS as exc:
                if _failed(delivery, exc):
                    counts["undeliverable"] += 1
                else:
                    counts["failed"] += 1
                    server_down_until = Delivery.objects.values_list("next_attempt_at", flat=True).get(pk=delivery.pk)
                continue
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.SENT,
                sent_at=timezone.now(),
                error="",
                failure="",
                failing_since=None,
                next_attempt_at=None,
            )
            counts["sent"] += 1
    return counts
