from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directives.models.directives import StoredFile
from directives.querysets import ProgressQuerySet


class ProgressNote(models.Model):
    """One report of how far a unit has got with one task: a percentage, what was done, and its evidence."""

    assignment = models.ForeignKey(
        "directives.Assignment", verbose_name=_("task"), on_delete=models.PROTECT, related_name="progress_notes"
    )
    percent = models.PositiveSmallIntegerField(_("done (%)"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("what was done"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="progress_note_percent")]
        indexes = [models.Index(fields=["assignment", "-created_at"], name="progress_by_assignment")]

    def __str__(self) -> str:
        return f"{self.percent}% · {self.created_at:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("directives:assignment_detail", args=[self.assignment_id])


class ProgressEvidence(StoredFile):
    """One file backing a progress note (minutes, photos, a signed report), checked like every upload."""

    note = models.ForeignKey(
        ProgressNote, verbose_name=_("progress note"), on_delete=models.PROTECT, related_name="files"
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["note", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("directives:evidence_download", args=[self.pk])
