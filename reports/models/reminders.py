"""Reminders and escalations: the ladder of each form, the log of every message and the in-app notifications.

The database is the queue: a sweep inserts one ``Delivery`` per (obligation, stage, round, recipient,
channel), unique, so a second sweep or a retried task sends nothing twice; a sender claims a row with a
conditional UPDATE before sending it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.querysets import NotificationQuerySet


class ReminderStage(models.Model):
    """One step of a form's reminder ladder: who is told, how many working days from the ladder's anchor day.

    The *due* ladder counts from the due date (negative: before it); the *returned* ladder from the day
    the committee returned the report; the *filed* ladder from the day it was filed; the *approval*
    ladder from the day it was sent to the head for signature; the *accepted* ladder from the day the
    committee accepted it.
    """

    class Ladder(models.TextChoices):
        DUE = "due", _("Before and after the due date")
        RETURNED = "returned", _("After the report is returned")
        FILED = "filed", _("When the report is filed")
        APPROVAL = "approval", _("When the report awaits the head's signature")
        ACCEPTED = "accepted", _("When the report is accepted")

    class Audience(models.TextChoices):
        REPORTERS = "reporters", _("The unit's reporters")
        HEAD = "head", _("The head of the unit")
        SIGNERS = "signers", _("The head of the body that issues the report, who signs it")
        PARENT = "parent", _("The head of the unit above and the standing member of the steering committee")
        REVIEWERS = "reviewers", _("Committee staff of the unit above")

    form = models.ForeignKey(
        "reports.ReportForm", verbose_name=_("form"), on_delete=models.CASCADE, related_name="reminder_stages"
    )
    ladder = models.CharField(_("ladder"), max_length=10, choices=Ladder.choices, default=Ladder.DUE)
    code = models.SlugField(_("code"), max_length=30)
    offset = models.SmallIntegerField(
        _("working days"), help_text=_("Relative to the ladder's day: -3 is three working days before the due date.")
    )
    audience = models.CharField(_("who is told"), max_length=10, choices=Audience.choices)
    is_escalation = models.BooleanField(
        _("escalation"), default=False, help_text=_("Escalations reach everyone: they cannot be turned off.")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("reminder stage")
        verbose_name_plural = _("reminder stages")
        ordering = ["form", "ladder", "offset", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="reminder_stage_code_per_form")]

    def __str__(self) -> str:
        return f"{self.code} ({self.offset:+d})"


class Delivery(models.Model):
    """One message of one stage to one person through one channel, for one obligation: the log and the queue.

    ``round`` tells apart the ladders of successive returns (0 for the due ladder). ``recipient`` is
    ``u<user id>`` for people with an account and ``p<person id>`` for the others.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("undeliverable")
        SKIPPED = "skipped", _("no longer needed")

    class Failure(models.TextChoices):
        """Why a message is undeliverable: the staff's page lists these, with a button to send again."""

        BOUNCED = "bounced", _("the mail server refused the address")
        NO_ADDRESS = "no_address", _("no e-mail address and no account")
        EXPIRED = "expired", _("the mail server kept failing; retries stopped")

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        INAPP = "inapp", _("in the application")

    # No index of its own: ``delivery_once`` starts with the obligation and serves every lookup by it.
    obligation = models.ForeignKey(
        "reports.Obligation",
        verbose_name=_("obligation"),
        on_delete=models.PROTECT,
        related_name="deliveries",
        db_index=False,
    )
    # Protected by Django, not by a database constraint, whose check on every row written cost the first
    # sweep more than a second: a stage is never deleted on its own (the admin only deactivates it), and
    # with its form only, which cannot go while it has obligations, the only rows deliveries are written for.
    stage = models.ForeignKey(
        ReminderStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    recipient = models.CharField(_("recipient key"), max_length=24)
    person = models.ForeignKey(
        "units.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("as"), max_length=20)
    email = models.EmailField(_("e-mail"), blank=True)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    due_on = models.DateField(_("stage day"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt not before"), null=True, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    failure = models.CharField(_("why undeliverable"), max_length=10, choices=Failure.choices, blank=True)
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        ordering = ["obligation", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "stage", "round", "recipient", "channel"], name="delivery_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "enqueued_at"],
                name="delivery_unsent",
                condition=Q(status__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id} · {self.stage_id} · {self.recipient} · {self.channel}"


class MailOutage(models.Model):
    """A stretch of time during which the mail server failed every e-mail: the administrators are told once."""

    began_at = models.DateTimeField(_("failing since"))
    told_at = models.DateTimeField(_("administrators told at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # True while it lasts, NULL once over: unique, so two beats never open (and announce) the same outage twice.
    is_open = models.BooleanField(_("still going on"), null=True, default=True, unique=True)

    class Meta:
        verbose_name = _("mail outage")
        verbose_name_plural = _("mail outages")
        ordering = ["-began_at"]

    def __str__(self) -> str:
        return f"{self.began_at:%Y-%m-%d %H:%M}"


class DigestDelivery(models.Model):
    """The weekly digest of overdue units sent to one leadership user for one week (its Monday)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField(_("week of"))
    channel = models.CharField(_("channel"), max_length=5, choices=Delivery.Channel.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Delivery.Status.choices, default=Delivery.Status.PENDING
    )
    overdue = models.PositiveIntegerField(_("overdue reports"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt not before"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        ordering = ["-week", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "week", "channel"], name="digest_once_a_week")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.week}"


class Notification(models.Model):
    """One message in a user's bell: made once per in-app delivery (``delivery`` is unique)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    delivery = models.OneToOneField(
        Delivery, verbose_name=_("delivery"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    digest = models.OneToOneField(
        DigestDelivery, verbose_name=_("digest"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_escalation = models.BooleanField(_("escalation"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class ReminderPreference(models.Model):
    """A user's choice about reminders. Escalations are always sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="reminder_preference"
    )
    mute_reminders = models.BooleanField(
        _("no reminders for me"),
        default=False,
        help_text=_("Reminders before and on the due date are not sent to you. Escalations still are."),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.mute_reminders}"
