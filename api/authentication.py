"""``Authorization: Token <secret>`` (or ``Bearer <secret>``) with a token made on the profile page."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.services import token_authenticate

KEYWORDS = ("token", "bearer")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None  # not ours: the session may still authenticate the request
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Authorization: Token <secret>”."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The API token is not valid or was revoked.")) from None
        token = token_authenticate(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("The API token is not valid or was revoked."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Its presence turns "not logged in" into 401 rather than 403.
        return self.keyword
