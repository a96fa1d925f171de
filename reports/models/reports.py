from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directives.models.directives import StoredFile
from reports.models.obligations import Status
from reports.querysets import ReportAttachmentQuerySet, ReportQuerySet

EDITABLE = (Status.DRAFT, Status.RETURNED)


class Report(models.Model):
    """What a unit files for one obligation: a narrative per section, one value per figure, files, and
    the details printed on the document. ``revision`` grows with every save, so a save made from an
    older copy is refused instead of overwriting someone else's text."""

    Status = Status

    class IssuingBody(models.TextChoices):
        """The body of the unit that issues the document: it sets the header (State or Party) and the signer."""

        PEOPLES_COMMITTEE = "committee", _("People's Committee (Ủy ban nhân dân): signed by the chairman")
        PARTY_COMMITTEE = "party", _("Party committee (Đảng ủy): signed by the secretary")
        PARTY_STANDING = (
            "party_standing",
            _("Standing committee of the Party committee (Ban Thường vụ): signed by the secretary"),
        )
        AGENCY = "agency", _("The agency or enterprise itself: signed by its director")

    obligation = models.OneToOneField(
        "reports.Obligation", verbose_name=_("obligation"), on_delete=models.PROTECT, related_name="report"
    )
    issuing_body = models.CharField(
        _("issued by"), max_length=16, choices=IssuingBody.choices, default=IssuingBody.PEOPLES_COMMITTEE
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    doc_symbol = models.CharField(_("number and symbol"), max_length=60, blank=True, help_text=_("E.g. 12/BC-UBND."))
    doc_place = models.CharField(_("place"), max_length=100, blank=True, help_text=_("E.g. Từ Sơn."))
    doc_date = models.DateField(_("document date"), null=True, blank=True)
    issuer = models.CharField(
        _("issuing body"), max_length=255, blank=True, help_text=_("One line per line of the header, top left.")
    )
    signer_title = models.CharField(
        _("signing on behalf of"), max_length=255, blank=True, help_text=_("E.g. TM. ỦY BAN NHÂN DÂN, then CHỦ TỊCH.")
    )
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last saved at"), auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["status", "submitted_at"], name="report_by_status_submitted")]

    def __str__(self) -> str:
        return str(self.obligation)

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", args=[self.obligation_id])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_party(self) -> bool:
        """A Party body's document: the Party header (Guideline 36-HD/VPTW), not the State one."""
        return self.issuing_body in (self.IssuingBody.PARTY_COMMITTEE, self.IssuingBody.PARTY_STANDING)


class ReportValue(models.Model):
    """One figure of one report: what was typed (``raw``, kept even while invalid in a draft) and the
    value read from it (``value_decimal`` for numbers, 1/0 for yes/no; ``value_text`` for text)."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(
        "reports.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    raw = models.CharField(_("as typed"), max_length=2000, blank=True)
    value_decimal = models.DecimalField(_("number"), max_digits=18, decimal_places=4, null=True, blank=True)
    value_text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("report value")
        verbose_name_plural = _("report values")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="report_value_once")]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.raw}"


class ReportVersion(models.Model):
    """The report exactly as it was submitted (or resubmitted), kept whatever happens to it afterwards.

    ``approved_by`` and ``approved_at`` are the head's approval of this very version; empty when it went
    up without one (a form that lets a returned report be resubmitted by the reporter)."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("filed as"), max_length=12, choices=Status.choices)
    snapshot = models.JSONField(_("content"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")]

    def __str__(self) -> str:
        return f"v{self.number}"


class ReportEvent(models.Model):
    """One step of a report's history: who moved it from which state to which, when, and why."""

    class Kind(models.TextChoices):
        CREATED = "created", _("started")
        APPROVAL_REQUESTED = "approval_requested", _("sent to the head for approval")
        SENT_BACK = "sent_back", _("sent back by the head")
        APPROVED = "approved", _("approved and submitted by the head")
        SUBMITTED = "submitted", _("submitted")
        RESUBMITTED = "resubmitted", _("resubmitted")
        RETURNED = "returned", _("returned for revision")
        ACCEPTED = "accepted", _("accepted")
        ATTACHED = "attached", _("file attached")
        DETACHED = "detached", _("file removed")

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.ForeignKey(
        ReportVersion, verbose_name=_("version"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"], name="report_event_by_report")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%d/%m/%Y %H:%M}"


class ReportAttachment(StoredFile):
    """One file of a report, checked by content like a directive's files and stored under a generated name."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="attachments")
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    objects = ReportAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["report", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("reports:attachment_download", args=[self.pk])
