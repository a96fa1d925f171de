"""Who may see what: a role grant covers a unit and its whole subtree.

A user's scope is a short list of tree-path prefixes, computed once per request (two queries) and
kept on the user object. History is part of the scope: a grant over today's ward also covers the
former wards that were merged into it, at any depth (the former wards of a ward merged into it too),
so their reports still roll up.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Aggregate, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Concat

ALL = "/"
MAX_MERGER_DEPTH = 20  # a longer chain of successions is a loop in the data, not history


def minimal_paths(paths: Iterable[str]) -> list[str]:
    """The same set of subtrees, sorted, with every path that lies under another one in the list dropped."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def paths_q(field: str, paths: Iterable[str]) -> Q:
    """A filter on ``field`` (a unit path) matching the subtrees of ``paths``; none at all if empty."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def roles_key(roles: Iterable[str] | None) -> frozenset | None:
    """``roles`` as a key: the same set however it is spelled; None (any role) stays None."""
    return None if roles is None else frozenset(roles)


class GivenScope:
    """Stands for a user whose scope is given rather than read from grants: ``scopes`` maps each set of
    roles (None: any role) to the paths ``scope_paths`` returns for it. Asked for another set, it raises
    ``LookupError``. A query built for it reads the same rows as one built for the user whose scopes these
    are, which lets a list's SQL be compiled once for every user of the same shape."""

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, pk: int, scopes: dict, is_superuser: bool = False):
        self.pk = self.id = pk
        self.is_superuser = is_superuser
        self.scopes = {roles_key(roles): list(paths) for roles, paths in scopes.items()}

    def paths(self, roles: Iterable[str] | None) -> list[str]:
        key = roles_key(roles)
        if key not in self.scopes:
            raise LookupError(f"no scope was given for the roles {sorted(key or ())}")
        return list(self.scopes[key])


def scope_paths(user, roles: Iterable[str] | None = None) -> list[str]:
    """Path prefixes of every unit the user holds one of ``roles`` over (any role if None)."""
    if isinstance(user, GivenScope):
        return user.paths(roles)
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return [ALL]
    from units.models import RoleGrant

    wanted = set(roles) if roles is not None else None
    direct = minimal_paths(
        path for role, path in grants(user) if wanted is None or role in wanted or role == RoleGrant.Role.ADMIN
    )
    return _with_former_units(user, direct)


def grants(user) -> list[tuple[str, str]]:
    """(role, unit path) of each of the user's own grants, read once per request; none for an inactive user,
    and none for a superuser, whose scope is everything without them."""
    from units.models import RoleGrant

    if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
        return []
    cached = getattr(user, "_qcdc_grants", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=user).values_list("role", "unit__path"))
        user._qcdc_grants = cached
    return cached


class _Lines(Aggregate):
    """The rows' texts joined with newlines, in one value (``STRING_AGG``; ``GROUP_CONCAT`` on SQLite)."""

    function = "STRING_AGG"
    output_field = TextField()

    def __init__(self, expression):
        super().__init__(expression, Value("\n"))

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def grants_subquery(user_field: str = "pk") -> Subquery:
    """The grants of the user in ``user_field`` of the outer query as one text value, for a query that
    reads the user anyway (the API token's): ``remember_grants`` turns it into what ``grants`` returns,
    sparing that function's own query."""
    from units.models import RoleGrant

    lines = (
        RoleGrant.objects.filter(user_id=OuterRef(user_field))
        .order_by()
        .values("user_id")
        .annotate(lines=_Lines(Concat("role", Value(" "), "unit__path", output_field=TextField())))
        .values("lines")
    )
    return Subquery(lines, output_field=TextField())


def remember_grants(user, lines: str | None) -> None:
    """Keep on ``user`` the grants read by ``grants_subquery`` (None: no grant at all)."""
    user._qcdc_grants = [tuple(line.split(" ", 1)) for line in (lines or "").split("\n") if line]


def _former_units_outside(direct: list[str]) -> bool:
    """Is there a former unit outside the subtrees of ``direct``, under a root of the tree they leave out?

    Most national-level scopes already hold every former unit: this cheap check spares them the join. A
    national scope leaves no root out and reads no former unit, where the join would read them all. Written
    out in SQL, as the ORM would write it (the same LIKE and its escaping), because building the ORM's
    version took six times as long as running it, on every request of a scoped user."""
    from units.models import Unit

    qn, ops = connection.ops.quote_name, connection.ops
    meta = Unit._meta
    table = qn(meta.db_table)
    path, parent, closed = (qn(meta.get_field(name).column) for name in ("path", "parent", "closed_on"))
    cast = ops.lookup_cast("startswith", meta.get_field("path").get_internal_type())
    like = connection.operators["startswith"]
    under_root = connection.pattern_ops["startswith"].format(connection.pattern_esc).format(f"r.{path}")

    def outside(alias: str) -> str:
        return " AND ".join(f"NOT ({cast % f'{alias}.{path}'} {like})" for _ in direct)

    patterns = [f"{ops.prep_for_like_query(p)}%" for p in direct]
    sql = (
        f"SELECT 1 FROM {table} r WHERE r.{parent} IS NULL AND {outside('r')} AND EXISTS ("
        f"SELECT 1 FROM {table} f WHERE f.{closed} IS NOT NULL AND {cast % f'f.{path}'} {under_root}"
        f" AND {outside('f')}) LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*patterns, *patterns])
        return cursor.fetchone() is not None


def _with_former_units(user, direct: list[str]) -> list[str]:
    """Add the former units merged into units of ``direct`` (once per request for each prefix list)."""
    from units.models import UnitSuccession

    cache = user.__dict__.setdefault("_qcdc_scope", {})
    key = tuple(direct)
    if key in cache:
        return cache[key]
    result = direct
    if direct and _former_units_outside(direct):
        # At any depth: the former wards of the wards merged into this one come too (a query per level).
        frontier = direct
        for _level in range(MAX_MERGER_DEPTH):
            former = UnitSuccession.objects.filter(paths_q("successor__path", frontier)).exclude(
                paths_q("predecessor__path", result)
            )
            frontier = minimal_paths(former.values_list("predecessor__path", flat=True))
            if not frontier:
                break
            result = minimal_paths([*result, *frontier])
    cache[key] = result
    return result


def in_scope_q(user, field: str = "path", roles: Iterable[str] | None = None) -> Q | None:
    """A filter on ``field`` (a unit path) matching the user's scope; None means nothing."""
    paths = scope_paths(user, roles)
    if not paths:
        return None
    if paths == [ALL]:
        return Q()
    return paths_q(field, paths)


def has_role(user, roles: Iterable[str], unit) -> bool:
    """Does the user hold one of ``roles`` over ``unit`` (directly or above it)?"""
    return any(unit.path.startswith(p) for p in scope_paths(user, roles))


def forget(user) -> None:
    """Drop the per-request cache after grants change."""
    user.__dict__.pop("_qcdc_grants", None)
    user.__dict__.pop("_qcdc_scope", None)


def user_roles(user) -> set[str]:
    """Every role the user holds somewhere (all of them for a superuser)."""
    from units.models import RoleGrant

    if user.is_superuser:
        return set(RoleGrant.Role.values)
    return {role for role, _path in grants(user)}


def home_unit(user, roles: Iterable[str] | None = None):
    """The one open unit at the top of the user's scope for ``roles``, or None if there are several.

    Former units merged into the user's units widen the scope but are never where new work starts.
    """
    from units.models import Unit

    paths = scope_paths(user, roles)
    if not paths or paths == [ALL]:
        return None
    tops = list(Unit.objects.filter(path__in=paths, closed_on__isnull=True)[:2])
    return tops[0] if len(tops) == 1 else None
