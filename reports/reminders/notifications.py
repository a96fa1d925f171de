"""Writes about a user's own notifications and reminder preference: atomic, audited like every change."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Notification, ReminderPreference
from units.services import audit_record


def unread_count(user) -> int:
    return Notification.objects.visible_to(user).unread().count()


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> bool:
    return bool(
        Notification.objects.visible_to(user).unread().filter(pk=notification.pk).update(read_at=timezone.now())
    )


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user, mute_reminders: bool) -> ReminderPreference:
    """Turn the user's non-escalation reminders off or on; recorded with who and when."""
    pref, _created = ReminderPreference.objects.update_or_create(user=user, defaults={"mute_reminders": mute_reminders})
    audit_record(
        actor=user,
        action="reminders.muted" if mute_reminders else "reminders.unmuted",
        obj=user,
        unit=None,
        summary=_("Reminders turned off (escalations still sent)") if mute_reminders else _("Reminders turned on"),
    )
    return pref
