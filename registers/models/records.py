"""The six registers of the law's content (Law 10/2022/QH15) and the rules they are checked against."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from registers.models.base import RegisterRecord, record_indexes
from units.models import Headship

HALF = Decimal("50")


class Disclosure(RegisterRecord):
    """One item a unit made public (*công khai*): what, in which group of the law's list, how, from when, how long."""

    REGISTER = "disclosures"
    SEARCH_FIELDS = ("subject", "note")

    class Group(models.TextChoices):
        PLAN = "plan", _("Socio-economic development plan")
        BUDGET = "budget", _("Budget estimate and execution")
        INVESTMENT = "investment", _("Investment projects and public works")
        LAND = "land", _("Land recovery, compensation and resettlement")
        LAND_USE = "land_use", _("Land-use plans")
        FEES = "fees", _("Fees and contributions from residents")
        INSPECTION = "inspection", _("Inspection results and the handling of complaints")
        OTHER = "other", _("Other content")

    class Form(models.TextChoices):
        POSTED = "posted", _("Posted (niêm yết) at the office or the community house")
        LOUDSPEAKER = "loudspeaker", _("Loudspeaker system")
        WEBSITE = "website", _("Website or electronic portal")
        MEETING = "meeting", _("At a meeting")
        OTHER = "other", _("Other form")

    group = models.CharField(_("content group"), max_length=12, choices=Group.choices)
    form = models.CharField(_("form of disclosure"), max_length=12, choices=Form.choices, default=Form.POSTED)
    days_posted = models.PositiveSmallIntegerField(
        _("days it stays posted"), null=True, blank=True, help_text=_("Posting: at least 30 days in most cases.")
    )

    class Meta(RegisterRecord.Meta):
        verbose_name = _("public disclosure")
        verbose_name_plural = _("public disclosures")
        indexes = record_indexes("disclosure")


class MatterKind(models.Model):
    """A kind of matter the community decides, with the share of households it needs to carry."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    threshold_percent = models.DecimalField(
        _("carries with more than (% of households)"),
        max_digits=5,
        decimal_places=2,
        default=HALF,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("More than this share of the households in the community must agree; 50 by default."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=10)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("kind of matter decided")
        verbose_name_plural = _("kinds of matter decided")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_percent__gte=0) & Q(threshold_percent__lte=100), name="matter_kind_threshold"
            )
        ]

    def __str__(self) -> str:
        return self.name


def carries(*, agreeing: int | None, total: int | None, threshold: Decimal) -> bool:
    """More than ``threshold`` % of ``total`` households agreed (whole numbers compared, no rounding)."""
    if not total or agreeing is None:
        return False
    return Decimal(agreeing) * 100 > Decimal(threshold) * total


class CommunityDecision(RegisterRecord):
    """One matter a community discussed and decided, at a meeting or by household ballot.

    ``threshold_percent`` is the kind's threshold when the row was entered (or its kind changed), so a
    later change of the rule does not rewrite past results; ``carried`` follows from the households.
    """

    REGISTER = "community-decisions"
    SEARCH_FIELDS = ("subject", "note")

    class Method(models.TextChoices):
        MEETING = "meeting", _("Community meeting")
        BALLOT = "ballot", _("Household ballot")

    matter_kind = models.ForeignKey(
        MatterKind, verbose_name=_("kind of matter"), on_delete=models.PROTECT, related_name="decisions"
    )
    method = models.CharField(_("how it was decided"), max_length=8, choices=Method.choices, default=Method.MEETING)
    households_total = models.PositiveIntegerField(_("households in the community"))
    households_present = models.PositiveIntegerField(_("households present or voting"))
    households_agreeing = models.PositiveIntegerField(_("households agreeing"))
    participants = models.PositiveIntegerField(_("people attending"), null=True, blank=True)
    threshold_percent = models.DecimalField(
        _("threshold (% of households)"), max_digits=5, decimal_places=2, default=HALF, editable=False
    )
    carried = models.BooleanField(_("carried"), default=False, editable=False)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("community decision")
        verbose_name_plural = _("community decisions")
        indexes = record_indexes("decision")
        constraints = [
            models.CheckConstraint(
                condition=Q(households_present__lte=F("households_total")), name="decision_present_within_total"
            ),
            models.CheckConstraint(
                condition=Q(households_agreeing__lte=F("households_present")), name="decision_agreeing_within_present"
            ),
        ]

    def clean(self):
        super().clean()
        total, present, agreeing = self.households_total, self.households_present, self.households_agreeing
        if total is not None and present is not None and present > total:
            raise ValidationError({"households_present": _("More households present than there are in the community.")})
        if present is not None and agreeing is not None and agreeing > present:
            raise ValidationError({"households_agreeing": _("More households agreeing than present or voting.")})

    def save(self, *args, **kwargs):
        self.carried = carries(
            agreeing=self.households_agreeing, total=self.households_total, threshold=self.threshold_percent
        )
        super().save(*args, **kwargs)

    @property
    def agreeing_percent(self) -> Decimal | None:
        if not self.households_total:
            return None
        return (Decimal(self.households_agreeing) * 100 / self.households_total).quantize(Decimal("0.1"))


class VillageCharter(RegisterRecord):
    """One village charter (*hương ước, quy ước*): adopted by the community, recognised by a decision."""

    REGISTER = "village-charters"
    SEARCH_FIELDS = ("subject", "decision_symbol", "note")

    class Kind(models.TextChoices):
        HUONG_UOC = "huong_uoc", _("Village charter (hương ước)")
        QUY_UOC = "quy_uoc", _("Community convention (quy ước)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HUONG_UOC)
    decision_symbol = models.CharField(_("recognition decision"), max_length=60, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("village charter")
        verbose_name_plural = _("village charters")
        indexes = record_indexes("charter")

    def clean(self):
        super().clean()
        if self.recognised_on and self.date and self.recognised_on < self.date:
            raise ValidationError({"recognised_on": _("Recognised before it was adopted.")})


class Consultation(RegisterRecord):
    """One draft residents gave their opinions on before the authority decided, and the authority's answer."""

    REGISTER = "consultations"
    SEARCH_FIELDS = ("subject", "answer", "note")

    class Channel(models.TextChoices):
        MEETING = "meeting", _("Meeting or conference")
        BOX = "box", _("Opinion box or forms")
        ONLINE = "online", _("Online")
        OTHER = "other", _("Other way")

    channel = models.CharField(_("how"), max_length=8, choices=Channel.choices, default=Channel.MEETING)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    opinions_received = models.PositiveIntegerField(_("opinions received"), default=0)
    answer = models.TextField(_("the authority's answer (tiếp thu, giải trình)"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = record_indexes("consultation")

    def clean(self):
        super().clean()
        if self.ends_on and self.date and self.ends_on < self.date:
            raise ValidationError({"ends_on": _("The consultation ends before it starts.")})


class Supervision(RegisterRecord):
    """One inspection or supervision by the People's Inspection Board, a Community Investment Supervision
    Board or the Front: the project or matter, what was found, and the recommendations made."""

    REGISTER = "supervisions"
    SEARCH_FIELDS = ("subject", "findings", "note")

    class Board(models.TextChoices):
        INSPECTION = "inspection", _("People's Inspection Board")
        INVESTMENT = "investment", _("Community Investment Supervision Board")
        FRONT = "front", _("Fatherland Front")
        OTHER = "other", _("Other")

    board = models.CharField(_("carried out by"), max_length=12, choices=Board.choices, default=Board.INSPECTION)
    body = models.ForeignKey(
        "units.Body",
        verbose_name=_("body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The board as registered for the unit, if it is."),
    )
    findings = models.TextField(_("findings"), blank=True)
    violations_found = models.PositiveIntegerField(_("violations found"), default=0)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        indexes = record_indexes("supervision")


class Recommendation(models.Model):
    """One recommendation of a supervision and what became of it."""

    supervision = models.ForeignKey(
        Supervision, verbose_name=_("supervision"), on_delete=models.CASCADE, related_name="recommendations"
    )
    text = models.TextField(_("recommendation"))
    resolution = models.TextField(_("how it was resolved"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["supervision", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Conference(RegisterRecord):
    """One dissemination, roll-out or training conference on a directive, with who attended by group."""

    REGISTER = "conferences"
    SEARCH_FIELDS = ("subject", "note")

    class Kind(models.TextChoices):
        DISSEMINATION = "dissemination", _("Dissemination (quán triệt)")
        ROLLOUT = "rollout", _("Roll-out (triển khai)")
        TRAINING = "training", _("Training (tập huấn)")

    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.DISSEMINATION)
    directive = models.ForeignKey(
        "directives.Directive",
        verbose_name=_("directive covered"),
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    party_cells_total = models.PositiveIntegerField(_("Party cells of the unit"), default=0)
    party_cells_reached = models.PositiveIntegerField(_("Party cells that attended"), default=0)
    government_attendees = models.PositiveIntegerField(_("government officials attending"), default=0)
    front_attendees = models.PositiveIntegerField(_("Front and mass organisations attending"), default=0)
    resident_attendees = models.PositiveIntegerField(_("residents attending"), default=0)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("dissemination conference")
        verbose_name_plural = _("dissemination conferences")
        indexes = [
            *record_indexes("conference"),
            models.Index(fields=["directive", "unit"], name="conference_by_directive"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(party_cells_reached__lte=F("party_cells_total")), name="conference_cells_within_total"
            )
        ]

    def clean(self):
        super().clean()
        if (self.party_cells_reached or 0) > (self.party_cells_total or 0):
            raise ValidationError({"party_cells_reached": _("More Party cells attended than the unit has.")})

    @property
    def attendees(self) -> int:
        return self.government_attendees + self.front_attendees + self.resident_attendees


class ReceptionRule(models.Model):
    """How many days a kind of head must receive citizens in each period (Quy định 11-QĐi/TW; configurable)."""

    class Per(models.TextChoices):
        MONTH = "month", _("per month")
        QUARTER = "quarter", _("per quarter")
        YEAR = "year", _("per year")

    function = models.CharField(_("head of"), max_length=10, choices=Headship.Function.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("days at least"), default=1)
    per = models.CharField(_("in each"), max_length=8, choices=Per.choices, default=Per.MONTH)

    class Meta:
        verbose_name = _("citizen reception rule")
        verbose_name_plural = _("citizen reception rules")
        ordering = ["function"]

    def __str__(self) -> str:
        return f"{self.get_function_display()}: {self.days} {self.get_per_display()}"

    def required_days(self, start, end) -> int:
        """Days owed over ``start``…``end``: whole months (or quarters, years) the period spans, at least one."""
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        per_months = {self.Per.MONTH: 1, self.Per.QUARTER: 3, self.Per.YEAR: 12}[self.per]
        return self.days * max(1, round(months / per_months))


class CitizenReception(RegisterRecord):
    """One day a head of unit received citizens (*tiếp công dân*): who came, about what, what was resolved."""

    REGISTER = "citizen-receptions"
    SEARCH_FIELDS = ("subject", "head_name", "resolution", "note")

    headship = models.ForeignKey(
        "units.Headship", verbose_name=_("head"), on_delete=models.PROTECT, related_name="receptions"
    )
    head_name = models.CharField(_("head's name"), max_length=150, editable=False, default="")
    people_received = models.PositiveIntegerField(_("people received"), default=0)
    resolution = models.TextField(_("how the matters were resolved"), blank=True)
    matters_resolved = models.PositiveIntegerField(_("matters resolved"), default=0)

    class Meta(RegisterRecord.Meta):
        verbose_name = _("citizen reception")
        verbose_name_plural = _("citizen receptions")
        indexes = record_indexes("reception")

    def save(self, *args, **kwargs):
        if self.headship_id:
            self.head_name = self.headship.person.full_name
        super().save(*args, **kwargs)
