"""Throttled logins: django-axes counts failures per account and per address on every login path.

Three locks, each with its own limit: an account tried from one address (``LOGIN_FAILURE_LIMIT``), an
address trying any accounts (``LOGIN_ADDRESS_FAILURE_LIMIT``) and an account tried from any addresses
(``LOGIN_ACCOUNT_FAILURE_LIMIT``). The first is small, so a guesser at one computer is stopped at once;
the other two are larger, so colleagues behind one office address who mistype, or a stranger mistyping
someone's username, do not lock out the office or the account.

The web login (``/login/``) and the admin's (``/admin/login/``) both call ``authenticate`` with the
request, so axes sees them; a locked-out account or address is refused before its password is hashed,
so guessing no longer holds the workers. Administrators see the locks in the admin (*Login locks →
access attempts*) and lift one by deleting it; every failure stays in *access failures* (who, from
where, when).
"""

import ipaddress
import logging
import math

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

TOKEN_PREFIX = "token:"  # the "username" of a failed API token (api.authentication): no account of anyone

log = logging.getLogger("qcdc.security")


def client_ip(request) -> str:
    """The address a request came from: ``REMOTE_ADDR``, or behind a trusted proxy its ``X-Forwarded-For``.

    Only the addresses in ``TRUSTED_PROXIES`` may speak for the client; the nearest address that is not
    one of them is the client's, so a forged header sent through the proxy changes nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = set(getattr(settings, "TRUSTED_PROXIES", []) or [])
    if remote not in trusted:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return remote
        if address not in trusted:
            return address
    return remote


class ThrottledLoginBackend(AxesStandaloneBackend):
    """Refuses a login from a locked-out account or address; authenticates nobody itself.

    ``authenticate`` without a request (the shell, the test client's ``login``) is no HTTP login path
    and is not counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lock_limits(username) -> list[int | None]:
    """The limit of each of ``AXES_LOCKOUT_PARAMETERS``, in its order; ``None``: that lock does not apply.

    A failed API token names no account, so only its address (and the same wrong secret from it) is
    counted: a stranger repeating the start of someone's token elsewhere cannot lock that token out.
    """
    account = None if (username or "").startswith(TOKEN_PREFIX) else settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    return [settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT, account]


class LoginLockHandler(AxesDatabaseHandler):
    """axes' database handler with one limit per lock instead of one limit for all.

    axes compares the largest count of its lockout parameters with ``AXES_FAILURE_LIMIT``. Here a lock
    whose count reached its own limit reports ``AXES_FAILURE_LIMIT`` failures (so axes locks), and
    otherwise the count of the account from this address (so axes shows and stores that one).
    """

    def get_failures(self, request, credentials=None) -> int:
        base = settings.AXES_FAILURE_LIMIT
        limits = lock_limits(get_client_username(request, credentials))
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        if any(limit is not None and count >= limit for count, limit in zip(counts, limits, strict=True)):
            return max(base, counts[0])
        return min(counts[0], base - 1)


def retry_after_seconds(request) -> int:
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds())) if cool_off else 0


def too_many_failures_message(seconds: int) -> str:
    if not seconds:
        return _("Too many failed logins from this address or for this account: ask an administrator to unlock it.")
    return _("Too many failed logins from this address or for this account: try again in %(n)d seconds.") % {
        "n": seconds
    }


def lockout_response(request, original_response=None, credentials=None):
    """The page shown while an account or address is locked: in the site's language, 429 with Retry-After."""
    seconds = retry_after_seconds(request)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    log.warning("login locked out: username=%r address=%s path=%s", username, client_ip(request), request.path)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": too_many_failures_message(seconds), "code": "throttled", "errors": {}}, status=429
        )
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"minutes": math.ceil(seconds / 60) if seconds else 0, "username": username},
            status=429,
        )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
