"""A dashboard query's SQL compiled once per process, then each request's values put in their places.

Building a queryset of a dozen annotated sums and compiling it to SQL costs the ORM more than the database
takes to run it for a national page. ``sql_for`` builds it once per shape with stand-in values (dates and
ids no data holds), finds where each stand-in landed among the parameters, and from then on fills those
places with the request's values; when a stand-in cannot be told apart (not found, or found where another
value stands), the query is built for the request's own values as before, so the SQL run is always the one
the ORM writes."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

_CACHE: dict[tuple, tuple | None] = {}
_LIMIT = 256


@dataclass(frozen=True)
class _Slot:
    name: str


def _adapted(value):
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
    places = {}
    for name, value in stand_ins.items():
        adapted = as_param.get(name, _adapted)(value)
        if adapted in places:
            return None
        places[adapted] = _Slot(name)
    plan = [
        places.get(p, p) if isinstance(p, (str, int, datetime.date)) and not isinstance(p, bool) else p for p in params
    ]
    if {p.name for p in plan if isinstance(p, _Slot)} != set(stand_ins):
        return None
    return sql, plan, names, converters


def _entry(key: tuple, build: Callable, stand_ins: dict, values: dict, as_param: dict):
    full = (connection.alias, connection.vendor, key)
    if full not in _CACHE:
        if len(_CACHE) >= _LIMIT:
            _CACHE.clear()
        _CACHE[full] = _plan(build, stand_ins, as_param)
    entry = _CACHE[full]
    if entry is None:
        return _compiled(build(**values).query)
    sql, plan, names, converters = entry
    params = [as_param.get(p.name, _adapted)(values[p.name]) if isinstance(p, _Slot) else p for p in plan]
    return sql, params, names, converters


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


def stand_in_date(n: int) -> datetime.date:
    """The ``n``-th stand-in date: in the year 1111, which no period, due date or filter reaches."""
    return datetime.date(1111, 1, 1) + datetime.timedelta(days=n)


def stand_in_path(n: int) -> str:
    """The ``n``-th stand-in unit path, with control characters no path holds."""
    return f"\x1fqcdc-unit-{n}\x1f/"


def like_prefix(value: str) -> str:
    """The parameter of a ``startswith`` match on ``value``, as the backend writes it."""
    return connection.ops.prep_for_like_query(value) + "%"


def stand_in_text(n: int) -> str:
    """The ``n``-th stand-in text, with control characters no code or name holds."""
    return f"\x1fqcdc-text-{n}\x1f"


def stand_in_id(n: int) -> int:
    """The ``n``-th stand-in id: negative, which no row's id is."""
    return -7_340_000 - n
