"""``Authorization: Token <secret>`` (or ``Bearer <secret>``) with a token made on the profile page.

A wrong token is a failed login of the address it came from, counted by the same locks as the login
pages (django-axes, ``qcdc.logins``): the same wrong token a few times, or wrong tokens up to the
address's limit, and that address gets 429 with ``Retry-After`` until the lock expires or an
administrator lifts it.
"""

import datetime
import logging

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.services import token_authenticate
from qcdc.logins import TOKEN_PREFIX, client_ip, retry_after_seconds

KEYWORDS = ("token", "bearer")
LOCK_REMEMBERED = datetime.timedelta(days=1)  # longer than any lock; a lifted lock just costs a query
log = logging.getLogger("qcdc.security")


def _suspect_key(request) -> str:
    return "api-token-failed:" + client_ip(request._request)


def _suspect(request) -> bool:
    """Has this address sent a wrong token lately? Without the cache every address is asked of the lock."""
    try:
        return bool(cache.get(_suspect_key(request)))
    except Exception as exc:
        log.warning("api token: the cache is unreachable, the lock is checked: %s", exc)
        return True


def _credentials(secret: str) -> dict:
    # The start of the secret tried (as much as a token's stored hint): each guess counts against its
    # address, never against a real account.
    return {"username": TOKEN_PREFIX + secret[:12]}


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None  # not ours: the session may still authenticate the request
        raw = header[1].decode("latin-1") if len(header) > 1 else ""
        credentials = _credentials(raw)
        if _suspect(request) and not AxesProxyHandler.is_allowed(request._request, credentials):
            raise exceptions.Throttled(wait=retry_after_seconds(request._request) or None)
        if len(header) != 2:
            self._failed(request, credentials)
            raise exceptions.AuthenticationFailed(_("Send the header as “Authorization: Token <secret>”."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            secret = None
        token = token_authenticate(secret) if secret else None
        if token is None:
            self._failed(request, credentials)
            raise exceptions.AuthenticationFailed(_("The API token is not valid or was revoked."))
        return token.user, token

    @staticmethod
    def _failed(request, credentials: dict) -> None:
        # Only an address that sent a wrong token is checked against the lock (a query) on later requests;
        # the failure itself is recorded by the lock (the signal below), with or without the cache.
        try:
            cache.set(_suspect_key(request), True, timeout=int(LOCK_REMEMBERED.total_seconds()))
        except Exception as exc:
            log.warning("api token: the cache is unreachable, the wrong token is not remembered: %s", exc)
        log.warning(
            "api token refused: token=%r address=%s path=%s",
            credentials["username"],
            client_ip(request._request),
            request._request.path,
        )
        user_login_failed.send(sender=__name__, credentials=credentials, request=request._request)

    def authenticate_header(self, request) -> str:
        # Its presence turns "not logged in" into 401 rather than 403.
        return self.keyword
