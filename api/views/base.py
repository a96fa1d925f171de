"""What every API view shares: the language of its messages, filters read from the query string (the unit/sub
filter among them), pages."""

from django.conf import settings
from django.db.models import Func, IntegerField, Subquery, Value
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


class _Count(Func):
    """``COUNT(1)`` of a query's rows, as a plain expression: a subquery of it is one row, with no GROUP BY."""

    function = "COUNT"
    output_field = IntegerField()
    contains_aggregate = False


TOTAL = "_qcdc_total"


class Rows:
    """A queryset as the paginator sees it: counted as it is (without the joins its columns need), its
    page read as plain ``columns``.

    Once told which page will be read (``expect``), the page is read with the count as a subquery of the
    same statement: one query for both, the count computed once by the database (an uncorrelated
    subquery), on the same rows as a separate ``count()``. An empty page, or any other slice, is read
    and counted as before.
    """

    def __init__(self, queryset, columns):
        self.queryset, self.columns = queryset, columns
        self.ordered = queryset.ordered
        self._page: tuple[int, int, list[dict]] | None = None
        self._total: int | None = None

    def expect(self, start: int, stop: int) -> None:
        total = Subquery(self.queryset.order_by().annotate(**{TOTAL: _Count(Value(1))}).values(TOTAL))
        rows = list(self.queryset.annotate(**{TOTAL: total}).values(*self.columns, TOTAL)[start:stop])
        if rows:
            self._total = rows[0][TOTAL]
            for row in rows:
                del row[TOTAL]
            self._page = (start, stop, rows)

    def count(self) -> int:
        if self._total is None:
            self._total = self.queryset.count()
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if self._page is not None and isinstance(index, slice) and index.step is None:
            start, stop, rows = self._page
            if index.start == start and (index.stop or 0) <= stop:
                # The paginator stops the last page at the count: the rows read are then all there are.
                return rows[: (index.stop or stop) - start]
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
        rows = Rows(queryset, columns)
        size = self.paginator.get_page_size(self.request)
        number = self.request.query_params.get(self.paginator.page_query_param) or "1"
        if size and number.isascii() and number.isdigit() and int(number) >= 1:
            rows.expect((int(number) - 1) * size, int(number) * size)
        page = self.paginate_queryset(rows)
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
