"""What every API view shares: the language of its messages, filters read from the query string (the unit/sub
filter among them), pages."""

import datetime

from django.conf import settings
from django.db.models import Count, Func, IntegerField, Subquery, Value, Window
from django.utils import translation
from rest_framework import viewsets
from rest_framework.views import APIView

from reports.selectors import compiled
from units import scope, tree
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


def unit_named(filters: dict) -> tuple[dict, dict] | None:
    """The filters' ``unit`` as the keyword arguments of ``of_given_unit`` (the ``named`` and ``paths`` of a
    ``Shaped`` query): ``unit``, its id, or with ``sub`` ``subtree``, its path; None for a unit that does not
    exist, two empty dicts for no unit asked."""
    if not filters.get("unit"):
        return {}, {}
    path = Unit.objects.filter(pk=filters["unit"]).values_list("path", flat=True).first()
    if path is None:
        return None
    return ({}, {"subtree": path}) if filters["sub"] else ({"unit": filters["unit"]}, {})


def of_given_unit(qs, field: str = "unit", unit: int | None = None, subtree: str | None = None):
    """``qs`` narrowed to the unit ``unit`` (an id, through ``field``) or to the subtree of the path
    ``subtree``, as ``unit_named`` gives them."""
    if subtree is not None:
        return qs.filter(tree.subtree_q(subtree, f"{field}__path"))
    if unit is not None:
        return qs.filter(**{f"{field}_id": unit})
    return qs


def of_unit(qs, filters: dict, field: str = "unit"):
    """``qs`` narrowed to the filters' ``unit`` (through ``field``), its whole subtree if ``sub``; none if no such unit.

    ``qs`` is already what the user may see, so naming a unit outside their scope yields nothing, not its rows.
    """
    unit = unit_named(filters)
    if unit is None:
        return qs.none()
    named, paths = unit
    return of_given_unit(qs, field, **named, **paths)


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
    subquery), on the same rows as a separate ``count()``. A list whose order reads every row anyway (a
    sort over columns of several tables, which no index holds) counts them as it reads them (``window``:
    ``COUNT(*) OVER ()``) rather than finding them twice. An empty page, or any other slice, is read and
    counted as before.
    """

    def __init__(self, queryset, columns, shaped: "Shaped | None" = None, window: bool = False):
        self._queryset, self.columns, self.shaped, self.window = queryset, columns, shaped, window
        self.ordered = True if shaped is not None else queryset.ordered
        self._page: tuple[int, int, list[dict]] | None = None
        self._total: int | None = None

    @property
    def queryset(self):
        if self._queryset is None:
            self._queryset = self.shaped.queryset()
        return self._queryset

    def _with_total(self, queryset, start: int, stop: int):
        if self.window:
            total = Window(Count(Value(1)))
        else:
            total = Subquery(queryset.order_by().annotate(**{TOTAL: _Count(Value(1))}).values(TOTAL))
        return queryset.annotate(**{TOTAL: total}).values(*self.columns, TOTAL)[start:stop]

    def expect(self, start: int, stop: int) -> None:
        if self.shaped is not None:
            rows = self.shaped.rows(
                ("page", tuple(self.columns), start, stop), lambda qs: self._with_total(qs, start, stop)
            )
        else:
            rows = list(self._with_total(self.queryset, start, stop))
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


class Shaped:
    """A list's query, ``build(user, **named)``, compiled once per process for every request of the same
    shape (``compiled.checked_rows_for``): the same filters present, the same number of paths in each of
    the user's scopes (``roles``, each None for any role or a set of roles), in the same tree structure.

    The build is given a ``scope.GivenScope`` in place of the user, with stand-ins for the paths, and
    stand-ins for the ``named`` values: ids and texts as themselves, ``paths`` (named unit paths) as
    stand-in paths of the same depth. A stand-in path is made of stand-in ids, so that what a query reads
    out of a path (the ids of the units on it) is a stand-in too. Superusers and national scopes keep the
    root path itself; a user whose first scope is empty sees nothing, and nothing is compiled for them."""

    def __init__(self, name: str, build, user, *, roles=(None,), named: dict | None = None, paths: dict | None = None):
        self.build, self.roles = build, tuple(roles)
        self.named, self.paths = dict(named or {}), dict(paths or {})
        self.superuser = bool(user.is_superuser)
        self.scopes = [scope.scope_paths(user, roles) for roles in self.roles]
        self.user_pk = user.pk
        self.ids: dict[int, int] = {}  # each unit id on a path: its place among the stand-ins
        self.slots: dict[str, str] = {}  # each path but the root: the name of its value
        shape = []
        for paths_of_roles in [*self.scopes, *([p] for p in self.paths.values())]:
            shape.append(tuple(self._slot(p) for p in paths_of_roles))
        self.key = (name, tuple(shape), self.superuser, tuple(sorted(self.named)), tuple(sorted(self.paths)))

    @property
    def sees_everything(self) -> bool:
        """Is the user's first scope the whole tree (a superuser, or a grant over the one root)?"""
        return self.scopes[0] == [scope.ALL]

    def _slot(self, path: str) -> str:
        if path == scope.ALL:
            return path
        if path not in self.slots:
            self.slots[path] = "path_" + "_".join(str(self.ids.setdefault(i, len(self.ids))) for i in tree.ids_of(path))
        return self.slots[path]

    def _values(self, family: int | None) -> dict:
        """The named values of the real request (``family`` None) or of a family of stand-ins."""
        real = family is None
        values = {"user": self.user_pk if real else compiled.stand_in_id(0, family)}
        for path, slot in self.slots.items():
            values[slot] = (
                path
                if real
                else "/" + "".join(f"{compiled.stand_in_id(5000 + self.ids[i], family)}/" for i in tree.ids_of(path))
            )
        for pk, n in self.ids.items():
            values[f"id_{n}"] = pk if real else compiled.stand_in_id(5000 + n, family)
        for n, (name, value) in enumerate(sorted(self.named.items())):
            if real:
                values[f"named_{name}"] = value
            elif isinstance(value, str):
                values[f"named_{name}"] = compiled.stand_in_text(100 + n, family)
            elif isinstance(value, datetime.date):
                values[f"named_{name}"] = compiled.stand_in_date(n, family)
            else:  # ids and years alike: a negative year is out of its column's range, which reads nothing
                values[f"named_{name}"] = compiled.stand_in_number(n, family)
        return values

    def _built(self, **values):
        def path(p: str) -> str:
            return p if p == scope.ALL else values[self.slots[p]]

        scopes = {roles: [path(p) for p in paths] for roles, paths in zip(self.roles, self.scopes, strict=True)}
        user = scope.GivenScope(values["user"], scopes, is_superuser=self.superuser)
        named = {name: values[f"named_{name}"] for name in self.named}
        named.update({name: path(p) for name, p in self.paths.items()})
        return self.build(user, **named)

    def queryset(self):
        """The list's queryset for this request's own values, as the ORM builds it."""
        return self._built(**self._values(None))

    def rows(self, key: tuple, wrap) -> list[dict]:
        """The rows of ``wrap(queryset)``, a values query, from SQL compiled once per shape and ``key``."""
        values = self._values(None)
        if not self.scopes[0]:  # a user who sees nothing: no query worth compiling
            return list(wrap(self._built(**values)))
        path_like = (compiled.adapted, compiled.like_prefix)
        forms = dict.fromkeys(self.slots.values(), path_like)
        return compiled.checked_rows_for(
            (*self.key, *key),
            lambda **given: wrap(self._built(**given)),
            lambda: [self._values(0), self._values(1)],
            values,
            forms,
        )


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

    def page_rows(self, queryset, columns, build, window: bool = False):
        """A page of ``queryset`` (a queryset, or a ``Shaped`` query) read as plain ``columns`` and turned
        into the response's rows by ``build``; ``window``: counted as ``Rows`` says."""
        if isinstance(queryset, Shaped):
            rows = Rows(None, columns, queryset, window=window)
        else:
            rows = Rows(queryset, columns, window=window)
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
