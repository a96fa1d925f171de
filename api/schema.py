"""What the OpenAPI description needs beyond what drf-spectacular infers: the error body, the responses
each kind of endpoint can give, and the token scheme."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the user's language (Vietnamese by default).")
    code = serializers.CharField(help_text="A stable machine-readable code: invalid, not_found, permission_denied…")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field (``non_field_errors`` for the request as a whole); empty unless 400.",
    )


ERROR_DESCRIPTIONS = {
    400: "The request is not valid; `errors` holds the messages per field.",
    401: "No credentials, or a token that is not valid or was revoked.",
    403: "The user's role does not allow this change (the message says who may), or the CSRF check of a "
    "session-authenticated write failed.",
    404: "No such object in the user's scope (another unit's object is a 404 too), or no such page.",
    409: "The object changed since it was read; read it again.",
    503: "A service the API depends on is down.",
}


def errors(*codes: int) -> dict:
    return {code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in codes}


READ = (401,)
READ_ONE = (401, 404)
LIST = (400, 401, 404)  # 400: a filter is not valid; 404: no such page
WRITE = (400, 401, 403, 404)


def paginated(serializer_class, name: str):
    """The envelope of a list: its count, the links to the pages around it, and one page of rows."""
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token made on the profile page (/profile/): "
            "`Authorization: Token <secret>` or `Authorization: Bearer <secret>`.",
        }


THROTTLED = (
    "Too many requests from this user or address, or too many failed logins from this address: wait the "
    "seconds in `Retry-After`."
)


def document_throttling(result, generator, request, public):
    """Every operation may answer 429 (the API's rates and the login lock): say so in each of them."""
    error = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault(
                    "429",
                    {
                        "description": THROTTLED,
                        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
                        "content": {"application/json": {"schema": error}},
                    },
                )
    return result
