"""Sending deliveries: claim each row, check it is still wanted, send it by its channel, mark it sent.

A row is claimed by a conditional UPDATE (pending -> sending, or a "sending" row whose claim is older
than REMINDERS_CLAIM_TIMEOUT: its worker died) whose row count is checked, so two workers never send
the same row. A worker killed between sending and marking leaves at most that one row to be sent again;
an in-app notification is unique per delivery, so even that one is not doubled in the bell.
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

logger = logging.getLogger(__name__)

L = ReminderStage.Ladder
MAX_ATTEMPTS = 8
MAIL_ERRORS = (smtplib.SMTPException, OSError)


class MailUnavailable(Exception):
    """Some e-mails could not be handed to the mail server; their rows are pending again (retry later)."""


def claim(delivery_id: int) -> bool:
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.REMINDERS_CLAIM_TIMEOUT)
    return bool(
        Delivery.objects.filter(pk=delivery_id)
        .filter(Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale))
        .update(status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def still_wanted(delivery: Delivery) -> bool:
    """Reminders stop once the report is filed; a return's ladder stops once it is filed again."""
    obligation, stage = delivery.obligation, delivery.stage
    if stage.ladder == L.DUE:
        wanted = obligation.status in PENDING
    elif stage.ladder == L.RETURNED:
        wanted = obligation.status == Status.RETURNED and obligation.returned_count == delivery.round
    else:
        wanted = obligation.status in IN_REVIEW and obligation.returned_count == delivery.round
    if wanted and not stage.is_escalation and delivery.user_id:
        pref = getattr(delivery.user, "reminder_preference", None)
        wanted = not (pref and pref.mute_reminders)
    return wanted


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def message(delivery: Delivery, today: datetime.date) -> dict:
    """What the delivery says: title, link and the details the e-mail templates lay out."""
    obligation, stage = delivery.obligation, delivery.stage
    form, unit = obligation.form, obligation.unit
    left = periods.working_days_between(today, obligation.due_date)
    names = {"form": form.name, "period": obligation.period_label, "unit": unit.name}
    if stage.ladder == L.FILED:
        title = _("Filed for your review: %(unit)s, %(form)s, %(period)s") % names
    elif stage.ladder == L.RETURNED:
        if stage.is_escalation:
            title = _("Still not corrected: %(unit)s, %(form)s, %(period)s") % names
        else:
            title = _("Returned for revision: %(form)s, %(period)s, %(unit)s") % names
    elif stage.is_escalation:
        title = _("Overdue: %(unit)s has not filed %(form)s, %(period)s") % names
    else:
        title = _("Reminder: %(form)s, %(period)s, %(unit)s") % names
    if left > 0:
        timing = _("%(n)d working day(s) left before the due date.") % {"n": left}
    elif left == 0:
        timing = _("Due today.")
    else:
        timing = _("Overdue by %(n)d working day(s).") % {"n": -left}
    return {
        "title": title,
        "name": delivery.name,
        "unit": unit.name,
        "form": form.name,
        "period": obligation.period_label,
        "due_date": obligation.due_date,
        "days_left": left,
        "timing": timing,
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
    """Send the deliveries ``ids`` that are still waiting; raise MailUnavailable if the mail server failed."""
    today = today or timezone.localdate()
    rows = (
        Delivery.objects.filter(pk__in=ids)
        .filter(status__in=(Delivery.Status.PENDING, Delivery.Status.SENDING))
        .select_related("obligation__form", "obligation__unit", "stage", "user__reminder_preference")
        .order_by("id")
    )
    counts = {"sent": 0, "skipped": 0, "failed": 0, "busy": 0}
    mail_failed = False
    with translation.override(settings.LANGUAGE_CODE):
        for delivery in rows:
            if not claim(delivery.pk):
                counts["busy"] += 1  # sent, or being sent, by someone else
                continue
            if not still_wanted(delivery):
                Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SKIPPED)
                counts["skipped"] += 1
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
                attempts = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk)
                status = Delivery.Status.FAILED if attempts >= MAX_ATTEMPTS else Delivery.Status.PENDING
                Delivery.objects.filter(pk=delivery.pk).update(status=status, error=repr(exc)[:2000])
                counts["failed"] += 1
                mail_failed = mail_failed or status == Delivery.Status.PENDING
                logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, attempts, exc)
                continue
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.SENT, sent_at=timezone.now(), error=""
            )
            counts["sent"] += 1
    if mail_failed:
        raise MailUnavailable(counts)
    return counts
