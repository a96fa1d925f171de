import hashlib

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directives.querysets import AssignmentQuerySet


def task_key(task: str) -> str:
    """The identity of a task text: the same words, whatever the spacing or case, are the same task."""
    return hashlib.sha256(" ".join(task.split()).casefold().encode()).hexdigest()


class Assignment(models.Model):
    """One task of a directive handed to one unit, with its role, deadline and whether a report is due."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead (chủ trì)")
        COORDINATE = "coordinate", _("Coordinate (phối hợp)")
        MONITOR = "monitor", _("Monitor (theo dõi)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    directive = models.ForeignKey(
        "directives.Directive", verbose_name=_("directive"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="directive_assignments"
    )
    task = models.TextField(_("task"))
    task_key = models.CharField(max_length=64, editable=False)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    report_required = models.BooleanField(_("report required"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # The latest progress note's percentage, kept on the row so that a directive's page shows every
    # unit's progress without reading the notes.
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_at = models.DateTimeField(_("progress reported at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-deadline", "-id"]
        constraints = [
            # (directive, unit) first: the same index serves "this directive's tasks of these units".
            models.UniqueConstraint(fields=["directive", "unit", "task_key"], name="assignment_once_per_unit"),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "deadline"], name="assignment_by_unit"),
            models.Index(fields=["directive", "status"], name="assignment_by_directive"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.task[:60]}"

    def save(self, *args, **kwargs):
        self.task = self.task.strip()
        self.task_key = task_key(self.task)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directives:assignment_detail", args=[self.pk])
