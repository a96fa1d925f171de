"""Telling the administrators when the mail server has been failing for a while (and when it works again).

Checked by the beat after each sweep, from the delivery rows alone: e-mails waiting to be tried again
since longer than REMINDERS_OUTAGE_ALERT_AFTER, and none sent in that time. One ``MailOutage`` row per
outage (unique while open), so the administrators are told once, however many beats run the check.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.models import Delivery, MailOutage, Notification
from reports.reminders.sending import MAIL_ERRORS, site_url
from units.models import RoleGrant, User

logger = logging.getLogger(__name__)


def administrators():
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(role_grants__role=RoleGrant.Role.ADMIN))
        .distinct()
        .order_by("pk")
    )


def _tell(title: str, body: str) -> int:
    """A bell message to every administrator, and an e-mail too if the server takes it (it may well not)."""
    url = reverse("reports:undeliverable")
    admins = list(administrators())
    Notification.objects.bulk_create([Notification(user=u, title=title[:255], body=body, url=url) for u in admins])
    addresses = [u.email for u in admins if u.email]
    if addresses:
        try:
            send_mail(f"[QCDC] {title}", f"{body}\n\n{site_url(url)}", None, addresses)
        except MAIL_ERRORS as exc:
            logger.warning("could not e-mail the administrators about the mail server: %s", exc)
    return len(admins)


def outage_check(*, now: datetime.datetime | None = None) -> MailOutage | None:
    """Open (and announce) or close the current mail outage; return the open one, if any."""
    now = now or timezone.now()
    window = now - datetime.timedelta(seconds=settings.REMINDERS_OUTAGE_ALERT_AFTER)
    emails = Delivery.objects.filter(channel=Delivery.Channel.EMAIL)
    waiting = emails.filter(status__in=(Delivery.Status.PENDING, Delivery.Status.SENDING), failing_since__isnull=False)
    oldest = waiting.aggregate(oldest=Min("failing_since"))["oldest"]
    failing = oldest is not None and oldest <= window and not emails.filter(sent_at__gte=window).exists()
    current = MailOutage.objects.filter(is_open=True).first()
    with translation.override(settings.LANGUAGE_CODE):
        if failing and current is None:
            try:
                with transaction.atomic():
                    current = MailOutage.objects.create(began_at=oldest, told_at=now)
            except IntegrityError:  # another beat opened it at the same moment, and told them
                return MailOutage.objects.filter(is_open=True).first()
            since = timezone.localtime(oldest)
            _tell(
                _("E-mail has been failing since %(time)s") % {"time": since.strftime("%H:%M %d/%m/%Y")},
                _(
                    "The mail server has not taken any e-mail since then. %(n)d e-mail(s) are waiting and will "
                    "be tried again automatically; check the mail server and the EMAIL_URL setting."
                )
                % {"n": waiting.count()},
            )
        elif current is not None and emails.filter(sent_at__gte=current.told_at or current.began_at).exists():
            if MailOutage.objects.filter(pk=current.pk, is_open=True).update(is_open=None, ended_at=now):
                _tell(
                    _("E-mail is being delivered again"),
                    _("The mail server takes e-mails again; those that were waiting are being sent."),
                )
            current = None
    return current
