from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from reports import periods


class CalendarDay(models.Model):
    """One day the government's calendar sets apart from weekends and public holidays: a Saturday
    worked to make up a bridge (26/04/2025), or a weekday given off in exchange (02/05/2025).

    Due dates, days left and days late all count working days by these rows (``reports.periods``).
    """

    day = models.DateField(_("day"), unique=True)
    is_working = models.BooleanField(
        _("working day"), help_text=_("Ticked: a Saturday or Sunday worked. Unticked: a weekday given off.")
    )
    reason = models.CharField(_("reason"), max_length=255, help_text=_("E.g. worked in exchange for 02/05/2025."))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("swapped day")
        verbose_name_plural = _("swapped days (working calendar)")
        ordering = ["day"]

    def __str__(self) -> str:
        kind = _("working day") if self.is_working else _("day off")
        return f"{self.day:%d/%m/%Y} · {kind}"

    def clean(self):
        if self.day is None:
            return
        first, last = periods.HOLIDAY_YEARS
        if not first <= self.day.year <= last:
            raise ValidationError(
                {"day": _("Only the years %(first)d–%(last)d are kept.") % {"first": first, "last": last}}
            )
        weekend = self.day.weekday() >= 5
        when = self.day.strftime("%d/%m/%Y")
        if self.is_working and not weekend and periods.holiday_name(self.day) is None:
            raise ValidationError(_("%(day)s is already a working day.") % {"day": when})
        if not self.is_working and weekend:
            raise ValidationError(_("%(day)s is a Saturday or Sunday, already a day off.") % {"day": when})
