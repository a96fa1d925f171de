from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectiveType(models.Model):
    """One kind of guiding document, Party or State: *Kết luận* (KL), *Kế hoạch* (KH), *Công văn*…

    The list is seeded from Quy định 66-QĐ/TW (Party) and Decree 30/2020/NĐ-CP (State) and edited in the admin.
    """

    class Family(models.TextChoices):
        PARTY = "party", _("Party")
        STATE = "state", _("State")

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"), max_length=12, blank=True, help_text=_("As written in symbols, e.g. KL, KH, QĐ; empty if none.")
    )
    family = models.CharField(_("family"), max_length=5, choices=Family.choices)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("directive type")
        verbose_name_plural = _("directive types")
        ordering = ["family", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["family", "name"], name="directive_type_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_family_display()})"
