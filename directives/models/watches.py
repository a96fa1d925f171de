from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directives.querysets import WatchQuerySet


class Watch(models.Model):
    """One weak unit a committee keeps an eye on: why, when to look again, what was done, how it ended."""

    class Status(models.TextChoices):
        OPEN = "open", _("Being followed up")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        IMPROVED = "improved", _("Improved")
        PARTLY = "partly", _("Partly improved")
        NOT_IMPROVED = "not_improved", _("Not improved")

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="watches")
    reason = models.TextField(_("why it is watched"))
    review_on = models.DateField(_("review on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    result = models.TextField(_("result"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("put on the list by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("put on the list at"), auto_now_add=True)

    objects = WatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("watched unit")
        verbose_name_plural = _("watch list")
        ordering = ["status", "review_on", "id"]
        constraints = [
            # One open watch per unit: a second concern is a follow-up action or a note on the same watch.
            models.UniqueConstraint(fields=["unit"], condition=Q(status="open"), name="watch_one_open_per_unit"),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="watch_closed_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["status", "review_on"], name="watch_by_review")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.review_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("directives:watch_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class WatchAction(models.Model):
    """One thing the committee did about a watched unit: a task given through the register, a working
    visit or an inspection with what it found."""

    class Kind(models.TextChoices):
        TASK = "task", _("Task given")
        VISIT = "visit", _("Working visit")
        INSPECTION = "inspection", _("Inspection")

    watch = models.ForeignKey(Watch, verbose_name=_("watch"), on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="watch_actions",
    )
    happened_on = models.DateField(_("on"))
    findings = models.TextField(_("findings"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["-happened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="task") | Q(assignment__isnull=False), name="watch_action_task_has_assignment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.happened_on:%d/%m/%Y}"


class WatchEvent(models.Model):
    """One step in a watch's life: put on the list, a follow-up recorded, the review moved, closed."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("put on the watch list")
        ACTION = "action", _("follow-up recorded")
        REVIEW = "review", _("review date changed")
        CLOSED = "closed", _("taken off the watch list")

    watch = models.ForeignKey(Watch, verbose_name=_("watch"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what"), max_length=8, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("watch event")
        verbose_name_plural = _("watch events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["watch", "-created_at"], name="watch_event_by_watch")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%d/%m/%Y %H:%M}"
