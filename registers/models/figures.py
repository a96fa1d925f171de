"""Report figures that follow from the registers: a binding per indicator, and a reporter's override."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorBinding(models.Model):
    """One indicator of a report form filled from a register: its records of the report's period in the
    unit's subtree, counted, summed over a field, or the share of them meeting a condition.

    ``filters`` narrows the records (field → value, among the register's declared filters), e.g.
    ``{"method": "ballot"}``; the measure ``share`` counts the records that meet ``condition`` among them.
    """

    class Measure(models.TextChoices):
        COUNT = "count", _("Number of records")
        SUM = "sum", _("Sum of a field")
        SHARE = "share", _("Share of records meeting a condition (%)")

    indicator = models.OneToOneField(
        "reports.Indicator", verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="binding"
    )
    register = models.CharField(_("register"), max_length=30)
    measure = models.CharField(_("measure"), max_length=6, choices=Measure.choices, default=Measure.COUNT)
    field = models.CharField(_("field summed"), max_length=40, blank=True)
    filters = models.JSONField(_("only records with"), default=dict, blank=True)
    condition = models.JSONField(_("condition (share)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("indicator bound to a register")
        verbose_name_plural = _("indicators bound to registers")

    def __str__(self) -> str:
        return f"{self.indicator.code} ← {self.register}"

    def clean(self):
        from registers.selectors import check_binding

        check_binding(self)


class FigureOverride(models.Model):
    """A reporter's figure that differs from the registers, with the reason the reviewer reads."""

    report = models.ForeignKey(
        "reports.Report", verbose_name=_("report"), on_delete=models.CASCADE, related_name="figure_overrides"
    )
    indicator = models.ForeignKey(
        "reports.Indicator", verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        verbose_name = _("figure differing from the registers")
        verbose_name_plural = _("figures differing from the registers")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="figure_override_once")]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.reason[:60]}"
