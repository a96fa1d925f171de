"""The weekly digest: each leadership user is told of the overdue reports of the units in their scope, and
of the watched units whose review falls due by the end of the week.

One row per (user, week, channel), unique, claimed before sending like the deliveries: a second beat or a
retried task sends nothing twice. An e-mail the mail server did not take is tried again by the beat's
sweep (``digest_retry``) with the deliveries' growing pauses, for as long as its week lasts: the pause is
kept on the row, so no restart loses it; the next Monday's digest supersedes it.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.models import Delivery, DigestDelivery, Notification, Obligation
from reports.models.obligations import overdue_q
from reports.reminders.sending import MAIL_ERRORS, retry_delay, site_url
from units import scope
from units.models import RoleGrant, User

TOP = 20


def overdue_units(user, today: datetime.date) -> list[dict]:
    """Units in the user's leadership scope with overdue reports: name, how many, the oldest due date."""
    q = scope.in_scope_q(user, "unit__path", roles=[RoleGrant.Role.LEADER])
    if q is None:
        return []
    return list(
        Obligation.objects.filter(q, overdue_q(today))
        .values("unit_id", "unit__name")
        .annotate(count=Count("id"), oldest=Min("due_date"))
        .order_by("oldest", "unit__sort_key")
    )


def watches_due(user, today: datetime.date) -> list:
    """Open watches of units in the user's leadership scope to review by the end of this week, the oldest first."""
    from directives.models import Watch

    q = scope.in_scope_q(user, "unit__path", roles=[RoleGrant.Role.LEADER])
    if q is None:
        return []
    sunday = today + datetime.timedelta(days=6 - today.weekday())
    return list(
        Watch.objects.filter(q).due_for_review(sunday).select_related("unit").order_by("review_on", "unit__name", "pk")
    )


def digest_send(*, today: datetime.date | None = None) -> dict:
    """Write and send this week's digest of every leader with overdue reports in their scope."""
    today = today or timezone.localdate()
    week = today - datetime.timedelta(days=today.weekday())
    counts = {"sent": 0, "nothing": 0, "failed": 0}
    with translation.override(settings.LANGUAGE_CODE):
        for user in _leaders():
            _send_user(user, week, today, counts, create=True)
    return counts


def digest_retry(*, today: datetime.date | None = None) -> dict:
    """Send again this week's digests whose pause after a failure is over; older weeks' are superseded."""
    today = today or timezone.localdate()
    week = today - datetime.timedelta(days=today.weekday())
    now = timezone.now()
    pending = DigestDelivery.objects.filter(status=Delivery.Status.PENDING)
    pending.filter(week__lt=week).update(status=Delivery.Status.SKIPPED)
    due = pending.filter(week=week).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    counts = {"sent": 0, "nothing": 0, "failed": 0}
    user_ids = set(due.values_list("user_id", flat=True))
    if user_ids:
        with translation.override(settings.LANGUAGE_CODE):
            for user in _leaders().filter(pk__in=user_ids):
                _send_user(user, week, today, counts, create=False)
    return counts


def _leaders():
    return (
        User.objects.filter(is_active=True, role_grants__role=RoleGrant.Role.LEADER)
        .distinct()
        .select_related("person")
        .order_by("pk")
    )


def _send_user(user, week: datetime.date, today: datetime.date, counts: dict, *, create: bool) -> None:
    units = overdue_units(user, today)
    watches = watches_due(user, today)
    if not units and not watches:
        counts["nothing"] += 1
        return
    total = sum(u["count"] for u in units)
    email = (user.person.email if getattr(user, "person", None) else "") or user.email
    if create:
        channels = ["inapp"] + (["email"] if email else [])
        DigestDelivery.objects.bulk_create(
            [DigestDelivery(user=user, week=week, channel=c, overdue=total) for c in channels],
            ignore_conflicts=True,
        )
    if units:
        title = _("Weekly digest: %(n)d overdue report(s) in your units") % {"n": total}
    else:
        title = _("Weekly digest: %(n)d watched unit(s) due for review") % {"n": len(watches)}
    context = {
        "title": title,
        "units": units[:TOP],
        "more": max(0, len(units) - TOP),
        "watches": [_watch_row(w) for w in watches[:TOP]],
        "more_watches": max(0, len(watches) - TOP),
        "week": week,
        "name": user.display_name,
        "url": site_url(reverse("reports:my_reports")),
    }
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    for row in DigestDelivery.objects.filter(due, user=user, week=week, status="pending"):
        if not DigestDelivery.objects.filter(pk=row.pk, status="pending").update(
            status="sending", attempts=row.attempts + 1
        ):
            continue
        try:
            if row.channel == "email":
                text = render_to_string("reports/email/digest.txt", context)
                mail = EmailMultiAlternatives(subject=f"[QCDC] {title}", body=text, to=[email])
                mail.attach_alternative(render_to_string("reports/email/digest.html", context), "text/html")
                mail.send()
            else:
                Notification.objects.get_or_create(
                    digest=row,
                    defaults={
                        "user": user,
                        "title": title,
                        "body": text_of(units, watches),
                        "url": reverse("reports:my_reports"),
                    },
                )
        except MAIL_ERRORS as exc:
            DigestDelivery.objects.filter(pk=row.pk).update(
                status="pending", error=repr(exc)[:2000], next_attempt_at=now + retry_delay(row.attempts + 1)
            )
            counts["failed"] += 1
            continue
        DigestDelivery.objects.filter(pk=row.pk).update(status="sent", sent_at=timezone.now(), error="")
        counts["sent"] += 1


def _watch_row(watch) -> dict:
    return {
        "unit": watch.unit.name,
        "review_on": watch.review_on,
        "reason": watch.reason[:200],
        "url": site_url(watch.get_absolute_url()),
    }


def text_of(units: list[dict], watches: list = ()) -> str:
    lines = [f"{u['unit__name']}: {u['count']}" for u in units[:TOP]]
    if len(units) > TOP:
        lines.append(_("and %(n)d more unit(s)") % {"n": len(units) - TOP})
    if watches:
        lines.append(_("Watched units due for review:"))
        lines.extend(
            _("%(unit)s: review on %(day)s") % {"unit": w.unit.name, "day": f"{w.review_on:%d/%m/%Y}"}
            for w in watches[:TOP]
        )
        if len(watches) > TOP:
            lines.append(_("and %(n)d more watched unit(s)") % {"n": len(watches) - TOP})
    return "\n".join(lines)
