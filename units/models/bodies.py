from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from units.querysets import BodyMembershipQuerySet, BodyQuerySet, HeadshipQuerySet
from units.text import search_key

# Words of a title (folded as ``search_key`` folds them) that tell which body the post heads.
_FUNCTION_WORDS = (
    ("party", ("bi thu", "dang uy")),
    ("committee", ("ubnd", "uy ban nhan dan")),
    ("council", ("hdnd", "hoi dong nhan dan")),
    ("front", ("mttq", "mat tran")),
    ("community", ("truong thon", "to truong", "truong khu", "truong ap", "truong lang")),
    ("agency", ("giam doc", "thu truong", "hieu truong", "vien truong", "truong phong")),
)


class Headship(models.Model):
    """One person holding one post of a unit (its ``title``) from ``started_on`` until ``ended_on``.

    ``is_principal`` marks the *người đứng đầu*: the one accountable for the unit's reports on the
    dashboards. ``function`` says which body of the unit the post heads (the Party committee, the
    People's Committee…) and ``is_deputy`` whether it is its deputy: a document's signature block is
    derived from them, since the signer must hold that post in the issuing body. The database refuses two overlapping headships of the same post, and two overlapping principal
    headships of the same unit (exclusion constraints on PostgreSQL, triggers on SQLite; see
    migration 0002).
    """

    TITLE_SUGGESTIONS = (
        "Bí thư",
        "Phó Bí thư",
        "Chủ tịch UBND",
        "Phó Chủ tịch UBND",
        "Chủ tịch HĐND",
        "Chủ tịch UBMTTQ",
        "Trưởng thôn",
        "Tổ trưởng tổ dân phố",
        "Giám đốc",
        "Thủ trưởng cơ quan",
    )

    class Function(models.TextChoices):
        PARTY = "party", _("Party committee (Đảng ủy)")
        PEOPLES_COMMITTEE = "committee", _("People's Committee (Ủy ban nhân dân)")
        PEOPLES_COUNCIL = "council", _("People's Council (Hội đồng nhân dân)")
        FRONT = "front", _("Fatherland Front (Ủy ban MTTQ)")
        COMMUNITY = "community", _("Village or residential group")
        AGENCY = "agency", _("Agency, public service unit or enterprise")
        OTHER = "other", _("Other post")

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="headships")
    person = models.ForeignKey(
        "units.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="headships"
    )
    title = models.CharField(_("title"), max_length=100)
    function = models.CharField(
        _("body headed"),
        max_length=10,
        choices=Function.choices,
        blank=True,
        help_text=_(
            "Which body of the unit this post heads: it decides which documents its holder signs. "
            "Left empty, it is read from the title."
        ),
    )
    is_deputy = models.BooleanField(
        _("deputy"), default=False, help_text=_("A deputy (Phó Bí thư, Phó Chủ tịch…) signs for the head.")
    )
    is_principal = models.BooleanField(
        _("accountable head"), default=True, help_text=_("The head personally accountable for the unit's reports.")
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Leave empty while in office."))
    decision = models.CharField(_("appointing decision"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = HeadshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("headship")
        verbose_name_plural = _("headships")
        ordering = ["unit", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="headship_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["unit", "started_on"], name="headship_by_unit_date")]

    def __str__(self) -> str:
        return f"{self.title} {self.unit}: {self.person}"

    def save(self, *args, **kwargs):
        function, deputy = self.function_of(self.title)
        self.function = self.function or function
        self.is_deputy = self.is_deputy or deputy  # a "Phó …" post is a deputy's, whatever body it is in
        super().save(*args, **kwargs)

    @classmethod
    def function_of(cls, title: str) -> tuple[str, bool]:
        """(function, is_deputy) read from a title: "Phó Chủ tịch UBND" -> (committee, True)."""
        key = search_key(title)
        deputy = key.startswith("pho ")
        for function, words in _FUNCTION_WORDS:
            if any(word in key for word in words):
                return function, deputy
        return cls.Function.OTHER.value, deputy

    def clean(self):
        """The database's overlap rule, said on the form (the admin's included) instead of failing the save."""
        super().clean()
        if not (self.unit_id and self.started_on and self.title):
            return
        if self.ended_on is not None and self.ended_on < self.started_on:
            return  # the check constraint's own message
        deputy = self.is_deputy or self.function_of(self.title)[1]  # deputies may share a title
        same = Q(pk__in=[]) if deputy else Q(title__iexact=self.title.strip(), is_deputy=False)
        if self.is_principal:
            same |= Q(is_principal=True)
        clash = (
            Headship.objects.filter(same, unit_id=self.unit_id)
            .exclude(pk=self.pk)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=self.started_on))
        )
        if self.ended_on is not None:
            clash = clash.filter(started_on__lte=self.ended_on)
        clash = clash.select_related("person").first()
        if clash:
            raise ValidationError(
                _("%(person)s already holds this post (%(title)s) from %(start)s; end that term first.")
                % {"person": clash.person, "title": clash.title, "start": clash.started_on.strftime("%d/%m/%Y")}
            )


class Body(models.Model):
    """A collective body of a unit: its QCDC steering committee, People's Inspection Board…"""

    class Kind(models.TextChoices):
        STEERING_COMMITTEE = "steering", _("Steering committee for grassroots democracy")
        INSPECTION_BOARD = "inspection", _("People's Inspection Board")
        INVESTMENT_SUPERVISION = "investment", _("Community Investment Supervision Board")
        OTHER = "other", _("Other body")

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="bodies")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.STEERING_COMMITTEE)
    name = models.CharField(_("name"), max_length=255)
    decision_symbol = models.CharField(_("establishing decision"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolution date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["unit", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:body_detail", args=[self.pk])


class BodyMembership(models.Model):
    """One person's term in one role of a body."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head (trưởng ban)")
        STANDING_DEPUTY = "standing_deputy", _("Standing deputy head")
        DEPUTY = "deputy", _("Deputy head")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        "units.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = BodyMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("body membership")
        verbose_name_plural = _("body memberships")
        ordering = ["body", "role", "person__sort_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.body}"

    @classmethod
    def role_order(cls) -> Case:
        """Head first, then deputies, members and the secretary, as on a decision's list."""
        return Case(*(When(role=role, then=Value(i)) for i, role in enumerate(cls.Role.values)), default=Value(99))
