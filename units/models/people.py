from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from units.querysets import PersonQuerySet, RoleGrantQuerySet
from units.text import clean_line, person_sort_key, search_key


class User(AbstractUser):
    """A login. What the user may see and do comes from their role grants, not from this row."""

    objects = UserManager()

    class Meta:
        verbose_name = _("user account")
        verbose_name_plural = _("user accounts")

    @property
    def display_name(self) -> str:
        person = getattr(self, "person", None)
        return (person.full_name if person else "") or self.get_full_name() or self.username


class Person(models.Model):
    """A real person: a head of unit, a committee member or an official.

    A person may have no login and still receives escalations by e-mail.
    """

    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("works at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    search_key = models.CharField(max_length=255, editable=False, default="", db_index=True)
    sort_key = models.CharField(_("sort key"), max_length=610, editable=False, default="", db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key", "pk"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = clean_line(self.full_name)
        self.search_key = search_key(f"{self.full_name} {self.email}")
        self.sort_key = person_sort_key(self.full_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("units:person_detail", args=[self.pk])


class RoleGrant(models.Model):
    """One role held by one user over one unit and its whole subtree."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("System administrator")
        STAFF = "staff", _("Committee staff")
        REPORTER = "reporter", _("Unit reporter")
        HEAD = "head", _("Head of unit")
        LEADER = "leader", _("Leadership")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="role_grants")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="role_grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"
