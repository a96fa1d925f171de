"""What every register's row shares: the unit it belongs to, its date, who entered it, its files."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directives.models.directives import StoredFile
from registers.querysets import RecordQuerySet
from units.text import clean_line, search_key


class RegisterRecord(models.Model):
    """One row of one register (*sổ theo dõi*) of one unit, dated, with the person who entered it.

    ``subject`` is the row's headline in every register (the item disclosed, the matter decided, the
    draft consulted on…); ``search_key`` folds it with the register's other searchable text.
    """

    REGISTER = ""  # the register's slug, set by each concrete model
    SEARCH_FIELDS: tuple[str, ...] = ("subject",)

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=255)
    note = models.TextField(_("note"), blank=True)
    search_key = models.CharField(_("search key"), max_length=255, editable=False, default="")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.subject

    def save(self, *args, **kwargs):
        self.subject = clean_line(self.subject)
        parts = [str(getattr(self, name) or "") for name in self.SEARCH_FIELDS]
        self.search_key = search_key(" ".join(parts))[:255]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registers:record_detail", args=[self.REGISTER, self.pk])

    def attachments(self):
        return RecordAttachment.objects.filter(register=self.REGISTER, record_id=self.pk)


def record_indexes(prefix: str) -> list[models.Index]:
    """The indexes every register needs: a unit's rows by date, and all rows of a period (subtree joins)."""
    return [
        models.Index(fields=["unit", "date"], name=f"{prefix}_by_unit_date"),
        models.Index(fields=["date"], name=f"{prefix}_by_date"),
        models.Index(fields=["search_key"], name=f"{prefix}_search"),
    ]


class RecordAttachment(StoredFile):
    """One file of one register row (minutes, a photo, the disclosed document, an attendance sheet).

    One table serves every register: ``register`` and ``record_id`` name the row, ``unit`` is the row's
    unit, copied so that who may download the file is one scope check, like the row itself.
    """

    register = models.CharField(_("register"), max_length=30)
    record_id = models.PositiveBigIntegerField(_("record"))
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("register attachment")
        verbose_name_plural = _("register attachments")
        ordering = ["register", "record_id", "uploaded_at", "id"]
        indexes = [models.Index(fields=["register", "record_id"], name="register_attachment_by_record")]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("registers:attachment_download", args=[self.pk])
