from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evaluations.querysets import CriteriaSetQuerySet


class Subject(models.TextChoices):
    UNIT = "unit", _("Units (collectives)")
    HEAD = "head", _("Heads of unit")


class CriteriaSet(models.Model):
    """The criteria and points one committee evaluates by, for one year and one kind of subject.

    ``unit`` is the committee's unit (a province): the units evaluated are the open units of ``unit_kinds``
    in its subtree, and, for heads, the accountable heads of those units during the year.
    """

    Subject = Subject

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("committee's unit"), on_delete=models.PROTECT, related_name="criteria_sets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(_("evaluated"), max_length=4, choices=Subject.choices, default=Subject.UNIT)
    name = models.CharField(_("name"), max_length=255)
    unit_kinds = models.JSONField(_("kinds of unit evaluated"), default=list)
    header = models.CharField(
        _("document header"),
        max_length=10,
        choices=[("party", _("Party (Đảng Cộng sản Việt Nam)")), ("state", _("State (Cộng hòa XHCN Việt Nam)"))],
        default="state",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("configured by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-year", "unit__name", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "subject"], name="criteria_set_once_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="criteria_set_year_plausible"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluations:set_detail", args=[self.pk])

    @property
    def is_heads(self) -> bool:
        return self.subject == Subject.HEAD

    @property
    def max_total(self):
        return sum(c.max_points for c in self.criteria.all())


class Criterion(models.Model):
    """One line of a criteria set: what is judged, how many points at most, and whether QCDC computes the
    evidence (``kind``, from ``evaluations.kinds``) or the unit enters it."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("criterion"), max_length=300)
    guidance = models.TextField(_("how it is scored"), blank=True)
    kind = models.CharField(_("evidence"), max_length=40, default="entered")
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_points_positive")]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_info(self):
        from evaluations import kinds

        return kinds.get(self.kind)


class ClassificationLevel(models.Model):
    """One level of a set's classification, best first; ``min_points`` suggests it, the committee decides."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="levels"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("classification"), max_length=150)
    min_points = models.DecimalField(_("from (points)"), max_digits=6, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("classification level")
        verbose_name_plural = _("classification levels")
        ordering = ["criteria_set", "position", "pk"]

    def __str__(self) -> str:
        return self.name
