import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.querysets import AttachmentQuerySet, DirectiveQuerySet, DirectiveRelationQuerySet
from directives.symbols import parse_symbol
from units.text import clean_line, clean_text, search_key

# Nothing in the register is older than 1945 (the Democratic Republic of Viet Nam was founded on 02/09/1945).
EARLIEST_ISSUE = datetime.date(1945, 1, 1)


class Directive(models.Model):
    """One guiding document in the register, as one unit entered it: its symbol, issuer, dates and status.

    The symbol is kept as typed with its parsed parts; ``symbol_key``, ``issuer_key`` and ``year`` are
    derived on save and identify the document, so the same symbol from the same issuer in the same
    year can be registered only once.
    """

    class Confidentiality(models.TextChoices):
        NORMAL = "normal", _("Ordinary")
        SECRET = "secret", _("Secret (Mật)")
        TOP_SECRET = "top_secret", _("Top secret (Tối mật)")
        ABSOLUTE = "absolute", _("Absolute secret (Tuyệt mật)")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Ordinary")
        URGENT = "urgent", _("Urgent (Khẩn)")
        VERY_URGENT = "very_urgent", _("Very urgent (Thượng khẩn)")
        IMMEDIATE = "immediate", _("Immediate (Hỏa tốc)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        REPLACED = "replaced", _("Replaced")
        EXPIRED = "expired", _("Expired")

    doc_type = models.ForeignKey(
        "directives.DirectiveType", verbose_name=_("type"), on_delete=models.PROTECT, related_name="directives"
    )
    symbol = models.CharField(
        _("number and symbol"), max_length=60, help_text=_("As printed, e.g. 120-KL/TW, 757/QĐ-UBND, 36/2019/QĐ-UBND.")
    )
    symbol_key = models.CharField(_("normalised symbol"), max_length=80, editable=False, db_index=True)
    symbol_parsed = models.BooleanField(_("symbol understood"), default=False, editable=False)
    symbol_number = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False)
    symbol_type_code = models.CharField(_("type code"), max_length=12, blank=True, editable=False)
    symbol_issuer_code = models.CharField(_("issuer code"), max_length=60, blank=True, editable=False)
    symbol_year = models.PositiveSmallIntegerField(_("year in symbol"), null=True, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, editable=False, db_index=True)
    issuer = models.CharField(
        _("issuing body"),
        max_length=255,
        help_text=_("E.g. Ban Chấp hành Trung ương, Thị ủy Từ Sơn, UBND tỉnh Bắc Ninh."),
    )
    issuer_key = models.CharField(max_length=255, editable=False, default="")
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    issued_place = models.CharField(_("place of issue"), max_length=120, blank=True)
    abstract = models.TextField(_("abstract (trích yếu)"))
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=150, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=10, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    owner_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="directives"
    )
    search_key = models.CharField(max_length=1000, editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["symbol_key", "issuer_key", "year"],
                condition=Q(symbol_parsed=True) & Q(year__isnull=False),
                name="directive_symbol_unique_per_issuer_year",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="directive_effective_period",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_unit", "status"], name="directive_by_owner"),
            models.Index(fields=["-issued_on", "-id"], name="directive_register_order"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} · {self.doc_type.name}" if self.doc_type_id else self.symbol

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directives:directive_detail", args=[self.pk])

    def clean(self):
        if self.issued_on and self.issued_on > timezone.localdate():
            raise ValidationError({"issued_on": _("The issue date cannot be in the future.")})
        if self.issued_on and self.issued_on < EARLIEST_ISSUE:
            raise ValidationError({"issued_on": _("The issue date cannot be before 1945.")})
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The end of the effect cannot come before its start.")})

    def derive(self) -> None:
        """Fill the parsed parts and keys from what was typed (also run by the admin and by services)."""
        parts = parse_symbol(self.symbol)
        self.symbol = parts.text or self.symbol.strip()
        self.symbol_key = parts.key
        self.symbol_parsed = parts.parsed
        self.symbol_number = parts.number
        self.symbol_type_code = parts.type_code
        self.symbol_issuer_code = parts.issuer_code
        self.symbol_year = parts.year
        self.year = parts.year or (self.issued_on.year if self.issued_on else None)
        self.issuer = clean_line(self.issuer)
        self.abstract = clean_text(self.abstract)
        self.issuer_key = search_key(self.issuer)[:255]
        type_name = self.doc_type.name if self.doc_type_id else ""
        self.search_key = search_key(f"{self.symbol} {type_name} {self.issuer} {self.abstract} {self.signer}")[:1000]

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality != self.Confidentiality.NORMAL


class DirectiveRelation(models.Model):
    """``source`` implements, replaces or amends ``target``: the links that make the cascade."""

    class Kind(models.TextChoices):
        IMPLEMENTS = "implements", _("implements")
        REPLACES = "replaces", _("replaces")
        AMENDS = "amends", _("amends")

    source = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.PROTECT, related_name="relations_out"
    )
    target = models.ForeignKey(
        Directive, verbose_name=_("related directive"), on_delete=models.PROTECT, related_name="relations_in"
    )
    kind = models.CharField(_("relation"), max_length=10, choices=Kind.choices, default=Kind.IMPLEMENTS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = DirectiveRelationQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive relation")
        verbose_name_plural = _("directive relations")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="directive_relation_unique"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="directive_relation_not_self"),
        ]
        indexes = [models.Index(fields=["target", "kind"], name="directive_relation_by_target")]

    def __str__(self) -> str:
        return f"{self.source.symbol} {self.get_kind_display()} {self.target.symbol}"


class StoredFile(models.Model):
    """A file checked by content (directives.uploads) and stored under a generated name."""

    file = models.FileField(_("file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True


class Attachment(StoredFile):
    """One file of a directive (the signed PDF, an annex), stored under a generated name."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.PROTECT, related_name="attachments"
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["directive", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("directives:attachment_download", args=[self.pk])
