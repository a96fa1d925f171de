"""How often the API may be called: per address without a login, per user with one (429 with Retry-After).

Rates come from ``settings.API_THROTTLE_RATES`` when a request is checked, so changing them needs no
restart of the class. Addresses are the client's as the login throttle sees them (``qcdc.logins.client_ip``).
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from qcdc.logins import client_ip


class _SettingsRate:
    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)


class AnonymousThrottle(_SettingsRate, AnonRateThrottle):
    """Requests without a login, counted per address."""


class UserThrottle(_SettingsRate, UserRateThrottle):
    """Requests of one signed-in user (session or token), counted per user."""
