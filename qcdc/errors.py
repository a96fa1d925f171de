"""The site's own 400, 403, CSRF and 500 pages, in the user's language; under ``/api/`` the API's JSON error body.

Django's defaults are bare English pages ("Bad Request (400)", "Forbidden (403) CSRF verification
failed"). A request over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` says which
limit it crossed, and that nothing of it was saved.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views import defaults

from qcdc.logins import client_ip

log = logging.getLogger("qcdc.security")


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _api_language(request):
    """The language of the API's messages (the cookie, else Accept-Language, else Vietnamese), as its views use."""
    from api.views.base import request_language

    return translation.override(request_language(request))


def _bad_request_message(exception) -> tuple[str, str]:
    if isinstance(exception, RequestDataTooBig):
        return "too_large", _(
            "What you sent is larger than %(limit)s, the most the site accepts at once. Nothing was saved: go "
            "back, shorten the text or send the files one by one."
        ) % {"limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return "too_many_fields", _(
            "The form sent more than %(limit)s fields, the most the site accepts at once. Nothing was saved."
        ) % {"limit": number_format(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, force_grouping=True)}
    return "bad_request", _("The request could not be understood. Nothing was saved: go back and try again.")


def bad_request(request, exception=None, template_name="400.html"):
    if _is_api(request):
        with _api_language(request):
            code, message = _bad_request_message(exception)
        return JsonResponse({"detail": message, "code": code, "errors": {}}, status=400)
    code, message = _bad_request_message(exception)
    return render(request, template_name, {"message": message}, status=400)


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    user = getattr(request, "user", None)
    log.warning(
        "csrf refused: user=%s address=%s path=%s reason=%s",
        user.get_username() if user is not None and user.is_authenticated else "-",
        client_ip(request),
        request.path,
        reason,
    )
    if _is_api(request):
        with _api_language(request):
            message = _csrf_message()
        return JsonResponse({"detail": message, "code": "csrf_failed", "errors": {}}, status=403)
    return render(request, template_name, {"message": _csrf_message()}, status=403)


def _csrf_message() -> str:
    return _(
        "The form was open too long or came from elsewhere, so it was not accepted. Nothing was saved: go back, "
        "reload the page and send it again."
    )


def record_denial(request, reason: str = "") -> None:
    """A refused request in the log (time, user, address, path) and, for a signed-in user, in the audit."""
    from units.services import audit_record

    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    address = client_ip(request)
    log.warning(
        "access denied: user=%s address=%s method=%s path=%s reason=%s",
        user.get_username() if signed_in else "-",
        address,
        request.method,
        request.path,
        reason,
    )
    if signed_in:
        audit_record(
            actor=user,
            action="access.denied",
            obj=user,
            unit=None,
            summary=_("Access denied: %(method)s %(path)s") % {"method": request.method, "path": request.path[:400]},
            data={"path": request.path, "method": request.method, "address": address, "reason": reason[:500]},
        )


def permission_denied(request, exception=None, template_name="403.html"):
    record_denial(request, str(exception or ""))
    if _is_api(request):
        message = str(exception) if exception and str(exception) else _("You may not do this.")
        return JsonResponse({"detail": message, "code": "permission_denied", "errors": {}}, status=403)
    return render(request, template_name, {"exception": str(exception) if exception else ""}, status=403)


def server_error(request, template_name="500.html"):
    """An unexpected error: the static 500 page, or under ``/api/`` the API's error body (the error is logged
    by Django as for any page)."""
    if _is_api(request):
        with _api_language(request):
            message = _("Something went wrong on the server; it has been recorded. Please try again in a few minutes.")
        return JsonResponse({"detail": message, "code": "server_error", "errors": {}}, status=500)
    return defaults.server_error(request, template_name)


def too_slow(request):
    """A request whose database work ran past ``WEB_STATEMENT_TIMEOUT``: 503, logged, with what to do.

    The page is rendered without the request's context: the database that was too slow is not asked again."""
    from django.template.loader import render_to_string

    user = getattr(request, "user", None)
    log.warning(
        "statement cancelled after %s s: user=%s address=%s path=%s",
        settings.WEB_STATEMENT_TIMEOUT,
        user.get_username() if user is not None and user.is_authenticated else "-",
        client_ip(request),
        request.get_full_path()[:400],
    )
    if _is_api(request):
        with _api_language(request):
            message = _too_slow_message()
        response = JsonResponse({"detail": message, "code": "too_slow", "errors": {}}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": _too_slow_message()}), status=503)
    response["Retry-After"] = "60"
    return response


def _too_slow_message() -> str:
    return _(
        "This request needed more than %(seconds)s seconds of work, so it was stopped. Nothing was changed: "
        "choose a shorter period or a smaller unit and try again."
    ) % {"seconds": settings.WEB_STATEMENT_TIMEOUT}
