from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports import periods
from reports.querysets import ReportFormQuerySet


class ReportForm(models.Model):
    """One kind of report units file: its periods, when it is due, its narrative sections and its figures."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic")
        THEMATIC = "thematic", _("Thematic (for a directive)")
        AD_HOC = "ad_hoc", _("Ad hoc")

    class PeriodType(models.TextChoices):
        MONTH = periods.MONTH, _("Month")
        QUARTER = periods.QUARTER, _("Quarter")
        HALF = periods.HALF, _("6 months")
        NINE_MONTHS = periods.NINE_MONTHS, _("9 months")
        YEAR = periods.YEAR, _("Year")

    class Header(models.TextChoices):
        STATE = "state", _("State body (Cộng hòa xã hội chủ nghĩa Việt Nam)")
        PARTY = "party", _("Party body (Đảng Cộng sản Việt Nam)")

    code = models.SlugField(
        _("code"), max_length=40, unique=True, allow_unicode=False, help_text=_("Short and unique, e.g. qcdc-quarter.")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERIODIC)
    period_type = models.CharField(
        _("period"), max_length=12, choices=PeriodType.choices, blank=True, help_text=_("Periodic forms only.")
    )
    cutoff_day = models.PositiveSmallIntegerField(
        _("data cut-off day"),
        default=0,
        validators=[MaxValueValidator(periods.MAX_CUTOFF_DAY)],
        help_text=_(
            "0: calendar periods. N: each period ends on day N of its last month and starts the day after "
            "day N of the month before (14: from the 15th of the previous month to the 14th)."
        ),
    )
    due_working_days = models.PositiveSmallIntegerField(
        _("due, in working days after the period"),
        default=5,
        help_text=_("Working days exclude weekends and Vietnamese public holidays, Tết included."),
    )
    requires_approval = models.BooleanField(
        _("the head approves before submission"),
        default=True,
        help_text=_("The reporter sends the report to the head of unit, who approves (signs) and submits it."),
    )
    reapproval_required = models.BooleanField(
        _("a returned report is approved again"),
        default=True,
        help_text=_(
            "On: a corrected report goes to the head again before it is resubmitted. "
            "Off: after a return, the reporter submits the corrected report directly."
        ),
    )
    title = models.CharField(
        _("document title"),
        max_length=255,
        help_text=_("Printed after BÁO CÁO, e.g. Kết quả thực hiện Quy chế dân chủ ở cơ sở."),
    )
    header = models.CharField(
        _("usual issuing body"),
        max_length=5,
        choices=Header.choices,
        default=Header.STATE,
        help_text=_("What a new report starts with; each report chooses its issuing body, which sets its header."),
    )
    directive = models.ForeignKey(
        "directives.Directive",
        verbose_name=_("directive"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_forms",
        help_text=_("Thematic forms: the directive whose tasks are reported with this form."),
    )
    owner_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("defined by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_forms",
        help_text=_("Empty for the forms shipped with QCDC, which administrators maintain."),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReportFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="periodic") | ~Q(period_type=""), name="report_form_periodic_has_period"
            ),
            models.CheckConstraint(condition=Q(cutoff_day__lte=28), name="report_form_cutoff_day"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """A new form comes with the default reminder ladder, however it is created (the form page, the
        admin, the shipped set): its first filing or deadline is never left without a notice. The ladder
        is then edited in the admin; deactivating stages, not deleting them, silences a form."""
        creating = self._state.adding
        super().save(*args, **kwargs)
        if creating:
            from reports import shipped
            from reports.models.reminders import ReminderStage

            shipped.install_defaults(ReminderStage, [self.pk])

    def get_absolute_url(self) -> str:
        return reverse("reports:form_detail", args=[self.pk])

    def clean(self):
        if self.kind == self.Kind.PERIODIC and not self.period_type:
            raise ValidationError({"period_type": _("A periodic form needs a period.")})

    @property
    def is_periodic(self) -> bool:
        return self.kind == self.Kind.PERIODIC


class FormSection(models.Model):
    """One narrative section of a form, e.g. "I. Leadership and direction"."""

    form = models.ForeignKey(ReportForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("order"), default=10)
    title = models.CharField(pgettext_lazy("heading of a report section", "title"), max_length=255)
    guidance = models.TextField(_("what to write"), blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("form section")
        verbose_name_plural = _("form sections")
        ordering = ["form", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def field_name(self) -> str:
        return f"section_{self.pk}"


class Indicator(models.Model):
    """One figure a form asks for: its code, label, kind of value, unit of measure and bounds."""

    class ValueType(models.TextChoices):
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        PERCENT = "percent", _("Percentage")
        BOOLEAN = "boolean", _("Yes/no")
        TEXT = "text", _("Text")

    NUMERIC = (ValueType.INTEGER, ValueType.DECIMAL, ValueType.PERCENT)

    form = models.ForeignKey(ReportForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("order"), default=10)
    code = models.CharField(_("code"), max_length=30, help_text=_("Stable across forms, e.g. PETITIONS_RECEIVED."))
    label = models.CharField(_("label"), max_length=255)
    value_type = models.CharField(_("value"), max_length=8, choices=ValueType.choices, default=ValueType.INTEGER)
    unit = models.CharField(_("unit of measure"), max_length=40, blank=True)
    required = models.BooleanField(_("required"), default=True)
    min_value = models.DecimalField(_("at least"), max_digits=18, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("at most"), max_digits=18, decimal_places=4, null=True, blank=True)
    help_text = models.CharField(_("hint"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["form", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="indicator_code_unique_per_form"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True) | Q(max_value__isnull=True) | Q(max_value__gte=F("min_value")),
                name="indicator_bounds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.label}"

    @property
    def field_name(self) -> str:
        return f"ind_{self.pk}"

    @property
    def is_numeric(self) -> bool:
        return self.value_type in self.NUMERIC

    def bounds(self):
        """(lowest, highest) accepted, percentages defaulting to 0–100."""
        low, high = self.min_value, self.max_value
        if self.value_type == self.ValueType.PERCENT:
            low = 0 if low is None else low
            high = 100 if high is None else high
        return low, high


class IndicatorRule(models.Model):
    """A consistency rule between two figures of a form, e.g. petitions resolved ≤ petitions received."""

    class Operator(models.TextChoices):
        LE = "le", "≤"
        LT = "lt", "<"
        GE = "ge", "≥"
        GT = "gt", ">"
        EQ = "eq", "="

    form = models.ForeignKey(ReportForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="rules")
    left = models.ForeignKey(Indicator, verbose_name=_("figure"), on_delete=models.CASCADE, related_name="+")
    operator = models.CharField(_("must be"), max_length=2, choices=Operator.choices, default=Operator.LE)
    right = models.ForeignKey(Indicator, verbose_name=_("than figure"), on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("message"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("consistency rule")
        verbose_name_plural = _("consistency rules")
        constraints = [models.CheckConstraint(condition=~Q(left=F("right")), name="indicator_rule_two_figures")]

    def __str__(self) -> str:
        return f"{self.left.code} {self.get_operator_display()} {self.right.code}"

    def clean(self):
        if self.left_id and self.right_id and (self.left.form_id != self.form_id or self.right.form_id != self.form_id):
            raise ValidationError(_("Both figures must belong to this form."))

    def holds(self, left, right) -> bool:
        return {
            "le": left <= right,
            "lt": left < right,
            "ge": left >= right,
            "gt": left > right,
            "eq": left == right,
        }[self.operator]


class FormAssignment(models.Model):
    """A form owed by every unit of some kinds under one unit (and by that unit itself if asked).

    Obligations are generated from these rows for each period in which the assignment is in force.
    """

    form = models.ForeignKey(ReportForm, verbose_name=_("form"), on_delete=models.PROTECT, related_name="assignments")
    root = models.ForeignKey(
        "units.Unit", verbose_name=_("under"), on_delete=models.PROTECT, related_name="report_form_assignments"
    )
    kinds = models.JSONField(_("kinds of unit"), default=list, blank=True)
    include_root = models.BooleanField(_("also the unit itself"), default=False)
    starts_on = models.DateField(_("owed from"), help_text=_("Periods that end before this day are not owed."))
    ends_on = models.DateField(_("owed until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form assignment")
        verbose_name_plural = _("form assignments")
        ordering = ["form", "root__path"]
        constraints = [
            models.UniqueConstraint(fields=["form", "root"], name="form_assignment_once_per_root"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="form_assignment_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} → {self.root}"

    def in_force_during(self, start, end) -> bool:
        return end >= self.starts_on and (self.ends_on is None or start <= self.ends_on)
