"""How often the API may be called: per address without a login, per user with one (429 with Retry-After).

Rates come from ``settings.API_THROTTLE_RATES`` when a request is checked, so changing them needs no
restart of the class. A cache that is down lets requests through uncounted. Addresses are the client's as the login throttle sees them (``qcdc.logins.client_ip``).
"""

import logging

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from qcdc.logins import client_ip

log = logging.getLogger(__name__)


class _SettingsRate:
    def allow_request(self, request, view):
        """The counts live in the cache (Redis in production): when it cannot be reached within its
        timeouts the request goes through uncounted rather than failing with a 500."""
        try:
            return super().allow_request(request, view)
        except Exception as exc:
            log.warning("API throttle not checked, the cache is unreachable: %s", exc)
            return True

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)


class AnonymousThrottle(_SettingsRate, AnonRateThrottle):
    """Requests without a login, counted per address."""


class UserThrottle(_SettingsRate, UserRateThrottle):
    """Requests of one signed-in user (session or token), counted per user."""
