import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.db import OperationalError
from django.dispatch import receiver
from django.http import HttpResponseNotAllowed
from django.utils import translation
from django.utils.cache import patch_cache_control

LAST_SEEN = "qcdc_last_seen"


class DefaultLanguageMiddleware:
    """Vietnamese unless the user chose otherwise (the language cookie).

    The browser's Accept-Language is ignored on purpose: office PCs often say en-US, and the
    officials still expect Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.headers.get("Vary", "")
        if "Cookie" not in patch:
            response.headers["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        return response


class NoStoreMiddleware:
    """Pages of a signed-in user and every API answer are never kept by the browser or a proxy.

    After logging out on a shared office PC, Back must not show the last report from the cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" in response.headers and "no-store" in response.headers["Cache-Control"]:
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response


@receiver(user_logged_in)
def _seen_at_login(sender, request, user, **kwargs):
    # Saved with the login itself: the first page after logging in writes nothing more.
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


class IdleTimeoutMiddleware:
    """Log out a session left unused for ``SESSION_IDLE_TIMEOUT`` seconds (an office day by default).

    The last activity is written at most once a minute, so reading pages does not write the session
    on every request; the session cookie's own age is the same limit, refreshed with it.
    """

    WRITE_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if isinstance(last, int) and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                request.session_idle_expired = True
            elif not isinstance(last, int) or now - last >= self.WRITE_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class PageMethodsMiddleware:
    """The site's pages are read with GET and changed with POST: any other method is a 405, never the page.

    A page that only shows (no form of its own) is marked ``require_safe`` in its view, so a POST to it is
    a 405 as well. The API (``/api/``) answers for itself, method by method.
    """

    ALLOWED = ("GET", "HEAD", "POST", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED and not request.path.startswith("/api/"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        return self.get_response(request)


QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout


class StatementTimeoutMiddleware:
    """A statement the database cancelled for running past the web's time limit is a 503 that says so and asks
    the user to narrow the request, instead of the page of an unexpected error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and getattr(exception.__cause__, "pgcode", None) == QUERY_CANCELED:
            from qcdc.errors import too_slow

            return too_slow(request)
        return None
