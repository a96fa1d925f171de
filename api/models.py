import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SECRET_PREFIX = "qcdc_"


def token_digest(secret: str) -> str:
    """What is stored of a secret: its SHA-256. A random 256-bit secret needs no salt or slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def password_stamp(user) -> str:
    """A fingerprint of the user's password hash: a token made before the password changed no longer matches."""
    return hashlib.sha256(f"qcdc-token:{user.password}".encode()).hexdigest()[:32]


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class ApiToken(models.Model):
    """One secret a user made on their profile page so that a script or phone app can act as them.

    Only the SHA-256 of the secret is kept; the secret itself is shown once, when it is created. A
    revoked token stays, with when it was revoked, so the profile page can say what happened to it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the ward's phone app."))
    digest = models.CharField(_("SHA-256 of the secret"), max_length=64, editable=False)
    hint = models.CharField(_("start of the secret"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: until it is revoked.")
    )
    # The owner's password when the token was made: a password change revokes every older token.
    password_stamp = models.CharField(_("password stamp"), max_length=32, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["digest"], name="api_token_digest_unique"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="api_token_revoked_after_creation",
            ),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_by_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
