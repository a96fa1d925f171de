"""Writes to API tokens: one atomic function each, with an audit row (the secret never goes into it)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken, new_secret, password_stamp, token_digest
from units import scope
from units.models import User
from units.services import audit_record

MAX_ACTIVE_TOKENS = 20
# A token's last use is written at most this often, so reading the API does not write on every request.
LAST_USED_EVERY = datetime.timedelta(minutes=1)


@transaction.atomic
def token_create(*, user: User, name: str, expires_at: datetime.datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its secret, which is never stored nor shown again.

    With ``expires_at`` it stops working then by itself; it stops at once if the owner's password changes.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()  # counts of active tokens stay true under races
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Say what the token is for.")})
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You already have %(n)d tokens in use; revoke one you no longer need first.") % {"n": MAX_ACTIVE_TOKENS}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    secret = new_secret()
    token = ApiToken(
        user=user,
        name=name,
        digest=token_digest(secret),
        hint=secret[:12],
        expires_at=expires_at,
        password_stamp=password_stamp(user),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=user, action="api_token.created", obj=token, unit=None, summary=_("API token created: %s") % name
    )
    return token, secret


@transaction.atomic
def token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    """Stop a token from working at once. Only its owner revokes it; revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != user.pk:
        raise ValidationError(_("This token is not yours."))
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=user, action="api_token.revoked", obj=token, unit=None, summary=_("API token revoked: %s") % token.name
    )
    return token


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token of an active user that ``secret`` belongs to, with its user; notes when it was used.

    A token whose owner was disabled or changed their password since it was made is revoked here, for
    good: enabling the account again does not bring it back.
    """
    token = (
        ApiToken.objects.active()
        .filter(digest=token_digest(secret))
        .select_related("user")
        .annotate(grants=scope.grants_subquery("user_id"))
        .first()
    )
    if token is None:
        return None
    scope.remember_grants(token.user, token.grants)  # the scope of the request then costs no query of its own
    if not token.user.is_active:
        _revoke_for(token, _("API token revoked: the account was disabled (%s)") % token.name, "account_disabled")
        return None
    if token.password_stamp != password_stamp(token.user):
        _revoke_for(token, _("API token revoked: the password was changed (%s)") % token.name, "password_changed")
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        # A conditional UPDATE: parallel requests write it once, and never move it backwards.
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
        ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _revoke_for(token: ApiToken, summary: str, reason: str) -> None:
    with transaction.atomic():
        # Conditional: parallel requests with the same token revoke it, and record it, once.
        if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            audit_record(
                actor=None, action="api_token.revoked", obj=token, unit=None, summary=summary, data={"reason": reason}
            )


def tokens_revoke_stale(*, user: User) -> int:
    """Revoke now the tokens ``user`` made before their last password change (the profile page lists the truth)."""
    stamp = password_stamp(user)
    stale = [t for t in ApiToken.objects.filter(user=user, revoked_at__isnull=True) if t.password_stamp != stamp]
    for token in stale:
        _revoke_for(token, _("API token revoked: the password was changed (%s)") % token.name, "password_changed")
    return len(stale)
