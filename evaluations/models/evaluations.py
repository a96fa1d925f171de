from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evaluations.querysets import EvaluationQuerySet


class Status(models.TextChoices):
    DRAFT = "draft", _("Self-assessment in progress")
    AWAITING_APPROVAL = "awaiting", _("Awaiting the head's approval")
    SUBMITTED = "submitted", _("With the committee")
    DECIDED = "decided", _("Decided")


class Evaluation(models.Model):
    """One unit's (or, with ``person``, one head's) evaluation for the year of its criteria set.

    A head's evaluation covers that person's accountable tenures at ``unit`` falling in the year: two heads in
    one year each have their own row and are judged on the reports that fell due during their own tenure.
    Once decided it is locked: the services refuse every change.
    """

    Status = Status

    criteria_set = models.ForeignKey(
        "evaluations.CriteriaSet", verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="evaluations"
    )
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="evaluations")
    person = models.ForeignKey(
        "units.Person",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("self-assessment"), blank=True)
    self_total = models.DecimalField(_("self-assessed points"), max_digits=7, decimal_places=2, null=True, blank=True)
    final_total = models.DecimalField(_("points decided"), max_digits=7, decimal_places=2, null=True, blank=True)
    level = models.ForeignKey(
        "evaluations.ClassificationLevel",
        verbose_name=_("classification"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_symbol = models.CharField(_("decision number and symbol"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-criteria_set__year", "unit__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "unit"], condition=Q(person__isnull=True), name="evaluation_once_per_unit"
            ),
            models.UniqueConstraint(
                fields=["criteria_set", "unit", "person"],
                condition=Q(person__isnull=False),
                name="evaluation_once_per_head",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | (Q(level__isnull=False) & Q(decision_date__isnull=False)),
                name="evaluation_decided_has_level",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="evaluation_by_unit")]

    def __str__(self) -> str:
        who = f"{self.person} · {self.unit}" if self.person_id else str(self.unit)
        return f"{who} · {self.criteria_set.year}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:evaluation_detail", args=[self.pk])

    @property
    def is_head(self) -> bool:
        return self.person_id is not None

    @property
    def is_locked(self) -> bool:
        return self.status == Status.DECIDED

    @property
    def total(self):
        """The points that rank it: the committee's once reviewed, else the unit's own."""
        return self.final_total if self.final_total is not None else self.self_total


class Score(models.Model):
    """One criterion of one evaluation: the evidence as it stood when submitted, the unit's points and
    explanation, and the committee's points with the reason when it changed them."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        "evaluations.Criterion", verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    evidence_value = models.FloatField(_("evidence (figure)"), null=True, blank=True)
    evidence_text = models.CharField(_("evidence"), max_length=500, blank=True)
    self_points = models.DecimalField(_("self-assessed points"), max_digits=6, decimal_places=2, null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    final_points = models.DecimalField(_("points decided"), max_digits=6, decimal_places=2, null=True, blank=True)
    adjust_reason = models.TextField(_("reason for the change"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["evaluation", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(
                condition=(Q(self_points__isnull=True) | Q(self_points__gte=0))
                & (Q(final_points__isnull=True) | Q(final_points__gte=0)),
                name="score_points_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.criterion}"

    @property
    def points(self):
        return self.final_points if self.final_points is not None else self.self_points


class EvaluationEvent(models.Model):
    """One step of an evaluation: who did what, when, and why."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("opened")
        SAVED = "saved", _("self-assessment saved")
        SUBMITTED = "submitted", _("submitted for the head's approval")
        APPROVED = "approved", _("approved by the head, sent to the committee")
        RETURNED = "returned", _("returned for revision")
        ADJUSTED = "adjusted", _("points changed by the committee")
        DECIDED = "decided", _("classification decided")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("step"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation event")
        verbose_name_plural = _("evaluation events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.get_kind_display()}"
