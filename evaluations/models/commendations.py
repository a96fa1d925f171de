from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evaluations.querysets import CommendationQuerySet


class Commendation(models.Model):
    """One commendation (*biểu dương, khen thưởng*) by a decision, of a unit or, with ``person``, of one person
    of that unit. ``exemplary`` lists it among the models (*điển hình*) the dashboards publicise."""

    class Form(models.TextChoices):
        PRAISE = "praise", _("Public praise (biểu dương)")
        CERTIFICATE = "certificate", _("Certificate of merit (giấy khen)")
        DIPLOMA = "diploma", _("Diploma of merit (bằng khen)")
        FLAG = "flag", _("Emulation flag (cờ thi đua)")
        OTHER = "other", _("Other award")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="commendations",
        help_text=_("The unit commended, or the unit of the person commended."),
    )  # fmt: skip
    person = models.ForeignKey(
        "units.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="commendations", help_text=_("Leave empty when the unit itself is commended."),
    )  # fmt: skip
    form = models.CharField(_("form"), max_length=12, choices=Form.choices, default=Form.PRAISE)
    decision_symbol = models.CharField(_("decision number and symbol"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    issuer = models.CharField(_("decided by"), max_length=200, help_text=_("E.g. UBND tỉnh Bắc Ninh."))
    reason = models.TextField(_("reason"))
    exemplary = models.BooleanField(_("exemplary model (điển hình)"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-decision_date", "-pk"]
        indexes = [models.Index(fields=["unit", "decision_date"], name="commendation_by_unit")]

    def __str__(self) -> str:
        return f"{self.decision_symbol} · {self.person or self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:commendation_detail", args=[self.pk])

    @property
    def recipient(self) -> str:
        return self.person.full_name if self.person_id else self.unit.name
