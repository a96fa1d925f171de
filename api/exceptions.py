"""One shape for every error the API returns: ``{"detail": ..., "code": ..., "errors": {field: [messages]}}``.

The services raise Django's ``ValidationError`` and ``PermissionDenied`` (the pages show them in forms
and on the 403 page); here they become a 400 with the messages per field and a 403 with the message.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from qcdc.errors import record_denial


def _flatten(data, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as ``{"field": [...], "units.3": [...]}``: one level, lists of strings."""
    out: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in data):
            out.setdefault(prefix or api_settings.NON_FIELD_ERRORS_KEY, []).extend(str(item) for item in data)
        else:
            for i, item in enumerate(data):
                out.update(_flatten(item, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out.setdefault(prefix or api_settings.NON_FIELD_ERRORS_KEY, []).append(str(data))
    return out


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) if exc.args else None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()  # never say whose object it was, or whether it exists
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith("JSON parse error"):
        exc = exceptions.ParseError(_("The body is not valid JSON."))  # DRF's text is English only
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        exc = exceptions.PermissionDenied(  # DRF's text is English only
            _("The CSRF check failed: send the X-CSRFToken header with the csrftoken cookie, or use a token.")
        )
    elif isinstance(exc, exceptions.Throttled):
        # DRF appends an English sentence to its own text; the wait is in Retry-After as well.
        wait = exc.wait
        exc = exceptions.Throttled(wait=wait)
        exc.detail = exceptions.ErrorDetail(
            _("Too many requests: wait %(n)d seconds before trying again.") % {"n": wait or 1}, code="throttled"
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == 403 and context.get("request") is not None:
        record_denial(context["request"]._request, str(exc.detail))
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        general = errors.get(api_settings.NON_FIELD_ERRORS_KEY)
        detail = general[0] if general else _("The request is not valid: see the errors of each field.")
        response.data = {"detail": detail, "code": "invalid", "errors": errors}
    else:
        detail = (
            exc.detail if isinstance(exc.detail, str) else " ".join(_flatten(exc.detail).get("non_field_errors", []))
        )
        response.data = {"detail": str(detail), "code": _code(exc), "errors": {}}
    return response
