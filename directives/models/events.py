from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectiveEvent(models.Model):
    """One change to a directive or to one of its assignments: who did what, when, and why.

    Assigning one task to thousands of units is one event with the count; changing or cancelling a
    single assignment is an event that points at it.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("entered")
        UPDATED = "updated", _("changed")
        STATUS = "status", _("status changed")
        RELATED = "related", _("linked")
        UNRELATED = "unrelated", _("unlinked")
        ATTACHED = "attached", _("file attached")
        ASSIGNED = "assigned", _("task assigned")
        ASSIGNMENT_UPDATED = "assignment_updated", _("assignment changed")
        ASSIGNMENT_CANCELLED = "assignment_cancelled", _("assignment cancelled")
        PROGRESS = "progress", _("progress reported")
        REPORT_REQUIRED = "report_required", _("periodic report required")

    directive = models.ForeignKey(
        "directives.Directive", verbose_name=_("directive"), on_delete=models.PROTECT, related_name="events"
    )
    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("directive event")
        verbose_name_plural = _("directive events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["directive", "-created_at"], name="directive_event_by_directive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%d/%m/%Y %H:%M}"
