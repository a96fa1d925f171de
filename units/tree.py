"""The unit tree: what is stored to make a subtree one indexed prefix match, and every write of it.

A unit's ``path`` is the chain of ids from the root down to itself (``/1/27/9367/``), its ``depth`` the
number of units above it, and ``search_key``/``sort_key`` are folded from its name and code. Whoever
creates or moves units (``Unit.save``, the Excel importer, the official lists) goes through here, and
whoever reads ids out of a path or asks for "units of these kinds under a root" too.
"""

from collections.abc import Iterable

from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat, Substr

from units.text import search_key, sort_key

ROOT = "/"
BATCH_SIZE = 500


class TooDeep(ValueError):
    """A path longer than the column holds: the units are nested too deeply to be stored."""


# --- paths -----------------------------------------------------------------------------------------


def path_of(parent_path: str | None, pk: int) -> str:
    """The path of unit ``pk`` under a parent whose path is ``parent_path`` (None or '' for a root)."""
    return f"{parent_path or ROOT}{pk}/"


def depth_of(path: str) -> int:
    """How many units lie above the unit of ``path``: 0 for a root."""
    return path.count("/") - 2


def ids_of(path: str) -> list[int]:
    """Every id on ``path``, from the root down to its own unit."""
    return [int(part) for part in path.strip("/").split("/") if part]


def unit_id_of(path: str) -> int:
    """The id of the unit whose path this is (the last one)."""
    return ids_of(path)[-1]


def ancestor_ids_of(path: str) -> list[int]:
    """The ids above the unit of ``path``, from the root down to its parent."""
    return ids_of(path)[:-1]


def ids_on_paths(paths: Iterable[str]) -> set[int]:
    """Every unit on the way from the root down to the unit of each path."""
    return {pk for path in paths for pk in ids_of(path)}


def is_within(path: str, root_path: str) -> bool:
    """Is the unit of ``path`` ``root_path``'s unit or below it?"""
    return path.startswith(root_path)


def subtree_q(root_path: str, field: str = "path") -> Q:
    """Rows whose unit (through ``field``, a path) is the unit of ``root_path`` or below it."""
    return Q(**{f"{field}__startswith": root_path})


def targets_q(root, kinds: Iterable[str] = (), include_root: bool = False) -> Q:
    """The units of ``kinds`` under ``root`` (not ``root`` itself), and ``root`` too if ``include_root``."""
    kinds = list(kinds)
    q = Q(pk__in=[])
    if kinds:
        q |= subtree_q(root.path) & Q(kind__in=kinds) & ~Q(pk=root.pk)
    if include_root:
        q |= Q(pk=root.pk)
    return q


# --- writes ----------------------------------------------------------------------------------------


def keys_of(name: str, code: str) -> dict[str, str]:
    """The fields folded from a unit's name and code: its search key and its place in Vietnamese order."""
    return {"search_key": search_key(f"{name} {code}"), "sort_key": sort_key(name)}


def derive_keys(unit) -> None:
    """Fill in the keys folded from the name and code before a save."""
    for name, value in keys_of(unit.name, unit.code).items():
        setattr(unit, name, value)


def _max_length() -> int:
    from units.models import Unit

    return Unit._meta.get_field("path").max_length


def place(unit, parent_path: str | None) -> bool:
    """Set ``unit.path``/``depth`` for its place under ``parent_path``; True if they changed.

    Raises TooDeep rather than let the database cut the path short.
    """
    expected = path_of(parent_path, unit.pk)
    if len(expected) > _max_length():
        raise TooDeep(expected)
    if unit.path == expected:
        return False
    unit.path, unit.depth = expected, depth_of(expected)
    return True


def carry_subtree(old_path: str, new_path: str) -> int:
    """Move everything below ``old_path`` to below ``new_path`` in one UPDATE; the unit itself is already there.

    Returns how many units were carried.
    """
    from units.models import Unit

    return (
        Unit.objects.filter(subtree_q(old_path))
        .exclude(path=new_path)
        .update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + (depth_of(new_path) - depth_of(old_path)),
        )
    )


def carry_subtrees(moved: Iterable[tuple[str, str]]) -> None:
    """``carry_subtree`` for each (old, new) pair, deepest first.

    A moved unit inside a moved unit then takes its own subtree along before the outer one carries the
    rest; no new path starts with a moved unit's old path (it ends with that unit's own id).
    """
    for old_path, new_path in sorted(moved, key=lambda pair: len(pair[0]), reverse=True):
        carry_subtree(old_path, new_path)


def save_place(unit) -> None:
    """After ``unit`` was saved: store its path and depth, carrying its subtree along if it moved."""
    from units.models import Unit

    old_path = unit.path
    parent_path = unit.parent.path if unit.parent_id else None
    if not place(unit, parent_path):
        return
    if not old_path:
        Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
        return
    from units.history import history_changing

    with history_changing():  # the subtree's reports now count under its new ancestors
        Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
        carry_subtree(old_path, unit.path)


def bulk_insert(units: list, batch_size: int = BATCH_SIZE) -> list:
    """Insert new units whose parents are saved or among ``units``, a level at a time (parents first).

    A few queries per ``batch_size`` units, where saving them one by one costs several each. Keys are
    derived here; the database still enforces the code constraint. Needs a database that returns the
    new ids from a bulk insert (PostgreSQL, SQLite 3.35 and later). Raises TooDeep with the unit whose
    path would not fit; the caller's transaction must then roll back what was inserted.
    """
    from units.models import Unit

    pending = list(units)
    while pending:
        ready = [unit for unit in pending if unit.parent is None or unit.parent.pk is not None]
        if not ready:
            raise ValueError("units whose parents are neither saved nor being inserted")
        chosen = {id(unit) for unit in ready}
        pending = [unit for unit in pending if id(unit) not in chosen]
        for unit in ready:
            derive_keys(unit)
            unit.parent = unit.parent  # sets parent_id from a parent saved since the unit was built
        for start in range(0, len(ready), batch_size):
            batch = ready[start : start + batch_size]
            Unit.objects.bulk_create(batch)
            for unit in batch:
                try:
                    place(unit, unit.parent.path if unit.parent is not None else None)
                except TooDeep as exc:
                    raise TooDeep(unit) from exc
            _write_paths(batch)
    return units


def _write_paths(batch: list) -> None:
    """One UPDATE per batch: each new path holds the new id, its parent's path read in SQL."""
    from units.models import Unit

    parent = Unit.objects.filter(pk=OuterRef("parent_id"))
    Unit.objects.filter(pk__in=[unit.pk for unit in batch if unit.parent_id is not None]).update(
        path=Concat(Subquery(parent.values("path")), Cast("id", CharField()), Value("/")),
        depth=Subquery(parent.values("depth")) + 1,
    )
    roots = [unit.pk for unit in batch if unit.parent_id is None]
    if roots:
        Unit.objects.filter(pk__in=roots).update(path=Concat(Value(ROOT), Cast("id", CharField()), Value("/")), depth=0)
