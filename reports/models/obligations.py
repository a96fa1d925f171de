from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reports import periods
from reports.querysets import ObligationQuerySet


class Status(models.TextChoices):
    """Where a report stands; an obligation carries its report's status (or "not started")."""

    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting", _("Awaiting the head's approval")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted")


PENDING = (Status.NOT_STARTED, Status.DRAFT, Status.AWAITING_APPROVAL)  # not yet with the committee
IN_REVIEW = (Status.SUBMITTED, Status.RESUBMITTED)
FILED = (Status.SUBMITTED, Status.RESUBMITTED, Status.ACCEPTED)
# Not with the committee now: never filed, or returned for revision and not yet filed again.
NOT_FILED = (*PENDING, Status.RETURNED)


def overdue_q(today, prefix: str = "") -> Q:
    """Overdue: past the due date and not filed now. A report returned and not refiled is overdue again,
    whether it was returned before or after its due date (its first submission still counts as received)."""
    return Q(**{f"{prefix}status__in": NOT_FILED, f"{prefix}due_date__lt": today})


def late_or_returned_q(prefix: str = "") -> Q:
    """Filed late (by first submission) or returned for revision at least once."""
    return Q(**{f"{prefix}on_time": False}) | Q(**{f"{prefix}returned_count__gt": 0})


def counts_in_figures_q(prefix: str = "") -> Q:
    """The obligations whose report's figures are added up: one per unit, form and period.

    A unit may owe a periodic form twice for the same period: its ordinary report and the one a directive
    requires while it runs (``Obligation.directive``). Both cover the same months, so adding both would
    count each meeting twice. The period's figures are those of the ordinary report; a directive's report
    counts only where the unit owes no ordinary one of that form and period, and of several directives'
    the one of the directive created first. Which one counts depends only on which obligations exist, not
    on what was filed, so an unfiled ordinary report leaves the period without figures (as any unfiled
    report does) rather than borrowing the directive's.
    """
    first = Obligation.objects.filter(
        unit_id=OuterRef(f"{prefix}unit_id"),
        form_id=OuterRef(f"{prefix}form_id"),
        period_start=OuterRef(f"{prefix}period_start"),
        assignment__isnull=True,
    ).filter(Q(directive__isnull=True) | Q(directive_id__lt=OuterRef(f"{prefix}directive_id")))
    return Q(**{f"{prefix}directive__isnull": True}) | ~Exists(first)


def is_overdue(obligation, today) -> bool:
    """``overdue_q`` for a row already loaded."""
    return obligation.status in NOT_FILED and obligation.due_date < today


class Obligation(models.Model):
    """One unit's duty to file one report for one period (or for one directive's task) by its due date.

    The timeliness columns are written by the workflow services, so dashboards add them up in SQL:
    ``first_submitted_at`` and ``on_time`` (by first submission), ``accepted_at`` and
    ``accepted_on_time``, ``days_late`` (working days after the due date, by first submission: ``periods.working_days_late``) and
    ``returned_count``.
    """

    Status = Status

    form = models.ForeignKey(
        "reports.ReportForm", verbose_name=_("form"), on_delete=models.PROTECT, related_name="obligations"
    )
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="obligations")
    # The unit's place in Vietnamese order (``Unit.sort_key``), copied so that the dashboards' lists of the
    # oldest overdue and latest late reports, ordered by due date then by unit, read ten rows of an index
    # rather than the thousand of one due date with their units. Written when the obligation is made, and
    # again when the unit is renamed (``generation.obligations_follow_sort_keys``).
    unit_sort_key = models.CharField(_("unit's sort key"), max_length=610, editable=False, default="")
    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("directive task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_obligations",
    )
    directive = models.ForeignKey(
        "directives.Directive",
        verbose_name=_("required by directive"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="periodic_obligations",
        help_text=_("A periodic report a directive asks for, owed beside the unit's ordinary one."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period_index = models.PositiveSmallIntegerField(_("period"), default=0)
    period_start = models.DateField(_("data from"))
    period_end = models.DateField(_("data until"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    on_time = models.BooleanField(_("on time (first submission)"), null=True, blank=True)
    accepted_on_time = models.BooleanField(_("accepted by the due date"), null=True, blank=True)
    days_late = models.PositiveIntegerField(_("working days late (first submission)"), null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "unit", "period_start"],
                condition=Q(assignment__isnull=True, directive__isnull=True),
                name="obligation_once_per_period",
            ),
            models.UniqueConstraint(
                fields=["form", "unit", "period_start", "directive"],
                condition=Q(assignment__isnull=True, directive__isnull=False),
                name="obligation_once_per_directive_period",
            ),
            models.UniqueConstraint(
                fields=["assignment", "form"],
                condition=Q(assignment__isnull=False),
                name="obligation_once_per_assignment",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="obligation_period_ordered"),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "due_date"], name="obligation_by_unit"),
            models.Index(fields=["status", "due_date"], name="obligation_by_status_due"),
            models.Index(fields=["form", "year", "period_index"], name="obligation_by_form_period"),
            # The dashboards' overdue and late lists: national 49 → 2 ms and 57 → 4 ms on two years of all communes.
            models.Index(
                fields=["due_date"], condition=Q(first_submitted_at__isnull=True), name="obligation_unfiled_by_due"
            ),
            # The overdue list (not filed now, oldest first, then by unit).
            models.Index(
                fields=["due_date", "unit_sort_key", "id"],
                condition=Q(status__in=NOT_FILED),
                name="obligation_not_filed_in_order",
            ),
            models.Index(fields=["period_end"], name="obligation_by_period_end"),
            # The late list (latest first, then by unit).
            models.Index(
                fields=["-due_date", "unit_sort_key", "id"],
                condition=late_or_returned_q(),
                name="obligation_late_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} · {self.period_label} · {self.unit}"

    def save(self, *args, **kwargs):
        if not self.unit_sort_key and self.unit_id:
            self.unit_sort_key = self.unit.sort_key
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        form = self.form
        if form.kind == form.Kind.PERIODIC and self.period_index:
            return periods.period_label(form.period_type, self.year, self.period_index)
        return f"{self.period_start:%d/%m/%Y} – {self.period_end:%d/%m/%Y}"

    @property
    def period_label_vi(self) -> str:
        form = self.form
        if form.kind == form.Kind.PERIODIC and self.period_index:
            return periods.period_label_vi(form.period_type, self.year, self.period_index)
        return f"từ ngày {self.period_start:%d/%m/%Y} đến ngày {self.period_end:%d/%m/%Y}"

    @property
    def is_filed(self) -> bool:
        return self.status in FILED

    @property
    def required_by(self):
        """The directive this report answers, whether through a task or as a periodic report it requires."""
        if self.directive_id:
            return self.directive
        return self.assignment.directive if self.assignment_id else None
