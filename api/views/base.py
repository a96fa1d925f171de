"""What every API view shares: the language of its messages, filters read from the query string (the unit/sub
filter among them), pages."""

from django.conf import settings
from django.utils import translation
from rest_framework import viewsets
from rest_framework.views import APIView

from units import tree
from units.models import Unit

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def request_language(request) -> str:
    """The language cookie (the user's own choice on the site), else Accept-Language, else Vietnamese.

    The pages ignore Accept-Language (office browsers say en-US); a script or app that asks for English
    in the header means it.
    """
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in LANGUAGES:
        return cookie
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in translation.trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def of_unit(qs, filters: dict, field: str = "unit"):
    """``qs`` narrowed to the filters' ``unit`` (through ``field``), its whole subtree if ``sub``; none if no such unit.

    ``qs`` is already what the user may see, so naming a unit outside their scope yields nothing, not its rows.
    """
    if not filters.get("unit"):
        return qs
    unit = Unit.objects.filter(pk=filters["unit"]).only("path").first()
    if unit is None:
        return qs.none()
    if filters["sub"]:
        return qs.filter(tree.subtree_q(unit.path, f"{field}__path"))
    return qs.filter(**{field: unit})


class Rows:
    """A queryset as the paginator sees it: counted as it is (without the joins its columns need), its
    page read as plain ``columns``."""

    def __init__(self, queryset, columns):
        self.queryset, self.columns = queryset, columns
        self.ordered = queryset.ordered

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return list(self.queryset.values(*self.columns)[index])


class ApiMixin:
    def initial(self, request, *args, **kwargs):
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        return response

    def filters(self, serializer_class) -> dict:
        """The query string checked by ``serializer_class``: a 400 with messages per parameter if not valid."""
        serializer = serializer_class(data=self.request.query_params, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def page_rows(self, queryset, columns, build):
        """A page of ``queryset`` read as plain ``columns`` and turned into the response's rows by ``build``."""
        page = self.paginate_queryset(Rows(queryset, columns))
        return self.get_paginated_response(build(list(page)))

    def page_of(self, queryset, serializer_class, context: dict | None = None):
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context={**self.get_serializer_context(), **(context or {})}).data
        return self.get_paginated_response(data)


class ApiViewSet(ApiMixin, viewsets.GenericViewSet):
    pass


class ApiView(ApiMixin, APIView):
    def get_serializer_context(self):
        return {"request": self.request, "view": self}
