"""A dashboard query's SQL compiled once per process, then each request's values put in their places.

Building a queryset of a dozen annotated sums and compiling it to SQL costs the ORM more than the database
takes to run it for a national page. ``sql_for`` builds it once per shape with stand-in values (dates and
ids no data holds), finds where each stand-in landed among the parameters, and from then on fills those
places with the request's values; when a stand-in cannot be told apart (not found, or found where another
value stands), the query is built for the request's own values as before, so the SQL run is always the one
the ORM writes."""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection

log = logging.getLogger(__name__)

_CACHE: dict[tuple, tuple | None] = {}
_LIMIT = 256
_MISSING = object()


def _remember(full: tuple, entry: tuple | None) -> None:
    """Keep ``entry``; past the limit, forget the others first. The threads of a worker share the cache:
    each reads its entry once (``get``), so another's clearing never takes it from under it."""
    if len(_CACHE) >= _LIMIT:
        _CACHE.clear()
    _CACHE[full] = entry


@dataclass(frozen=True)
class _Form:
    """Where a parameter holds a named value, written by ``adapt`` (as itself, as a prefix pattern…)."""

    name: str
    adapt: Callable


def _placed(params, stand_ins: dict, forms: dict) -> list | None:
    """``params`` with each stand-in (in each of its ``forms``, by name; as itself by default) replaced by
    its place; None when two stand-ins are written alike and could not be told apart."""
    places = {}
    for name, value in stand_ins.items():
        for adapt in forms.get(name, (adapted,)):
            written = adapt(value)
            if written in places:
                return None
            places[written] = _Form(name, adapt)
    return [
        places.get(p, p) if isinstance(p, (str, int, datetime.date)) and not isinstance(p, bool) else p for p in params
    ]


def _filled(plan: list, values: dict) -> list:
    """The parameters of a plan with the request's ``values`` in their places."""
    return [p.adapt(values[p.name]) if isinstance(p, _Form) else p for p in plan]


def adapted(value):
    """``value`` as the query's parameter: a date as the backend writes it, anything else as itself."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return connection.ops.adapt_datefield_value(value)
    return value


def _compiled(query) -> tuple[str, tuple, list[str], dict]:
    """The SQL and parameters of a values query, its columns' names in the order the SQL selects them
    (which is not always the order the query names them in: Django reorders the rows after fetching them),
    and the converters the ORM applies to each column's values (a database's text into a date, its numbers
    into decimals), by position."""
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    selected = compiler.select[: compiler.col_count]
    names = [alias for _expression, _sql, alias in selected]
    return sql, params, names, compiler.get_converters([expression for expression, _sql, _alias in selected])


def _plan(build: Callable, stand_ins: dict, as_param: dict) -> tuple | None:
    sql, params, names, converters = _compiled(build(**stand_ins).query)
    plan = _placed(params, stand_ins, {name: (adapt,) for name, adapt in as_param.items()})
    if plan is None or {p.name for p in plan if isinstance(p, _Form)} != set(stand_ins):
        return None
    return sql, plan, names, converters


def _entry(key: tuple, build: Callable, stand_ins: dict, values: dict, as_param: dict):
    full = (connection.alias, connection.vendor, key)
    entry = _CACHE.get(full, _MISSING)
    if entry is _MISSING:
        entry = _plan(build, stand_ins, as_param)
        _remember(full, entry)
    if entry is None:
        return _compiled(build(**values).query)
    sql, plan, names, converters = entry
    return sql, _filled(plan, values), names, converters


def sql_for(
    key: tuple, build: Callable, stand_ins: dict, values: dict, as_param: dict | None = None
) -> tuple[str, list, list[str]]:
    """The SQL, the parameters and the column names (in the SQL's order) of ``build(**values).query``, a values
    query, from the form compiled with ``stand_ins`` (the same names as ``values``) once per ``key`` and
    connection. ``as_param`` gives, by name, how a value becomes its query parameter when the ORM turns it
    into something else than itself (a path into the pattern of a prefix match); dates are adapted as the
    backend adapts them."""
    sql, params, names, _converters = _entry(key, build, stand_ins, values, as_param or {})
    return sql, params, names


def rows_for(key: tuple, build: Callable, stand_ins: dict, values: dict, as_param: dict | None = None) -> list[dict]:
    """The rows of ``build(**values)``, a values query, as the ORM gives them (one dict per row, its values
    converted as the ORM converts them: a database's text into a date, its numbers into decimals), from SQL
    compiled once per ``key`` (``sql_for``)."""
    sql, params, names, converters = _entry(key, build, stand_ins, values, as_param or {})
    return _fetch(sql, params, names, converters)


def _fetch(sql: str, params: list, names: list[str], converters: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [list(row) for row in cursor.fetchall()]
    for position, (functions, expression) in converters.items():
        for row in rows:
            value = row[position]
            for convert in functions:
                value = convert(value, expression, connection)
            row[position] = value
    return [dict(zip(names, row, strict=True)) for row in rows]


def stand_in_date(n: int, family: int = 0) -> datetime.date:
    """The ``n``-th stand-in date: in the year 1111 (1112 for the second ``family``…), which no period, due
    date or filter reaches."""
    return datetime.date(1111 + family, 1, 1) + datetime.timedelta(days=n)


def stand_in_path(n: int) -> str:
    """The ``n``-th stand-in unit path, with control characters no path holds."""
    return f"\x1fqcdc-unit-{n}\x1f/"


def like_prefix(value: str) -> str:
    """The parameter of a ``startswith`` match on ``value``, as the backend writes it."""
    return connection.ops.prep_for_like_query(value) + "%"


def stand_in_text(n: int, family: int = 0) -> str:
    """The ``n``-th stand-in text (of a ``family``), with control characters no code or name holds."""
    return f"\x1fqcdc-text-{family}-{n}\x1f" if family else f"\x1fqcdc-text-{n}\x1f"


def stand_in_id(n: int, family: int = 0) -> int:
    """The ``n``-th stand-in id (of a ``family``, each a range of its own): negative, which no row's id is."""
    return -7_340_000 - 100_000 * family - n


def stand_in_number(n: int, family: int = 0) -> int:
    """The ``n``-th stand-in of a small number (a year, an id) of a ``family``: 30,000 and up, which fits
    every integer column; that a row may hold it does not matter, only that no other parameter does
    (``checked_rows_for`` tells)."""
    return 30_000 + 1_000 * family + n


def _checked_plan(build: Callable, families: list[dict], forms: dict) -> tuple | None:
    """The SQL of ``build`` with the places of its values, or None when they cannot be told apart.

    The query is built twice, with two families of stand-ins: the SQL must be the same, and every parameter
    either a stand-in of the same name in both (in one of its ``forms``) or the same constant. A value the
    query turned into something else (a text folded, ids taken out of a path) shows up as a parameter that
    differs between the two and is no known form: then nothing is compiled, rather than one user's value
    kept in the SQL for the next."""
    plans = []
    for stand_ins in families:
        try:
            sql, params, names, converters = _compiled(build(**stand_ins).query)
        except EmptyResultSet:
            return None
        plan = _placed(params, stand_ins, forms)
        if plan is None:
            return None
        plans.append((sql, plan, names, converters))
    (sql, plan, names, converters), *others = plans
    for other_sql, other_plan, *_rest in others:
        if other_sql != sql or len(other_plan) != len(plan):
            return None
        for mine, theirs in zip(plan, other_plan, strict=True):
            if mine != theirs or (not isinstance(mine, _Form) and type(mine) is not type(theirs)):
                return None
    return sql, plan, names, converters


def checked_rows_for(key: tuple, build: Callable, families: Callable, values: dict, forms: dict) -> list[dict]:
    """The rows of ``build(**values)``, a values query, as ``rows_for`` gives them, from SQL compiled once per
    ``key`` and checked against the two ``families()`` of stand-ins (``_checked_plan``, asked for only when
    ``key`` is compiled); ``forms`` gives, by name,
    every way the query may write that value (as itself and as a prefix pattern, for a path). A query whose
    values cannot be told apart is built for ``values`` as the ORM builds it, every time."""
    full = (connection.alias, connection.vendor, "checked", key)
    entry = _CACHE.get(full, _MISSING)
    if entry is _MISSING:
        entry = _checked_plan(build, families(), forms)
        _remember(full, entry)
        if entry is None:
            log.info("query %r is built by the ORM on every request: its values cannot be told apart", key)
    if entry is None:
        return list(build(**values))
    sql, plan, names, converters = entry
    return _fetch(sql, _filled(plan, values), names, converters)


def is_compiled(key: tuple) -> bool:
    """Was ``key``'s query compiled (``checked_rows_for``), rather than built by the ORM on every call?"""
    return _CACHE.get((connection.alias, connection.vendor, "checked", key)) is not None


def planned(prefix: str) -> list[tuple]:
    """The keys whose query ``checked_rows_for`` compiled, of those whose name starts with ``prefix``."""
    return [
        full[3]
        for full, entry in list(_CACHE.items())
        if entry is not None and full[2] == "checked" and str(full[3][0]).startswith(prefix)
    ]


def forget() -> None:
    """Forget every compiled query: each is compiled again when next asked for."""
    _CACHE.clear()
