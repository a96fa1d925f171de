"""Where a unit's reports count: in its own figures, or, once it has been merged away, in those of the unit it
was finally merged into. Resolved once, whenever the succession links or the tree change, and stored on the
unit (``Unit.figures_unit``), so that no reader follows the links again.

A unit counts in the unit its deepest ancestor-or-self with a link was merged into, followed to the end of
the chain: a former ward in the successor it was merged into, a village of a former commune with that
commune. A unit split between several successors counts in one of them: a merged link before a split one,
then the successor first by its place in the tree, so that the country counts each report once.
"""

import threading
from contextlib import contextmanager

from django.db import transaction

from units.scope import MAX_MERGER_DEPTH
from units.tree import ids_of

HISTORY_KINDS = ("merged", "renamed", "split")

_state = threading.local()


def resolve() -> dict[int, int | None]:
    """Every unit's figures unit (None: its own), from the links and the tree: two queries."""
    from units.models import Unit, UnitSuccession

    paths = dict(Unit.objects.values_list("pk", "path"))
    successor_of: dict[int, int] = {}
    links = UnitSuccession.objects.filter(kind__in=HISTORY_KINDS).values_list("predecessor_id", "successor_id", "kind")
    for former, successor, _kind in sorted(links, key=lambda r: (r[2] == "split", paths.get(r[1], ""), r[1])):
        successor_of.setdefault(former, successor)

    def linked(unit_id: int) -> int | None:
        for part in reversed(ids_of(paths.get(unit_id, ""))):
            if part in successor_of:
                return part
        return None

    result: dict[int, int | None] = {}
    for unit_id in paths:
        current = unit_id
        for _level in range(MAX_MERGER_DEPTH):
            holder = linked(current)
            if holder is None:
                break
            current = successor_of[holder]
        else:
            current = unit_id  # a loop: the unit keeps its own figures
        result[unit_id] = None if current == unit_id else current
    return result


def chains() -> dict[int, tuple[int, ...]]:
    """unit id -> the units whose figures its reports count in (its figures unit and that unit's ancestors,
    root first): one query."""
    from units.models import Unit

    rows = Unit.objects.values_list("pk", "path", "figures_unit__path")
    return {pk: tuple(ids_of(figures or path)) for pk, path, figures in rows}


def chains_of(unit_ids) -> dict[int, tuple[int, ...]]:
    """``chains`` for the units given: one query per thousand units."""
    from units.models import Unit

    ids = sorted(set(unit_ids))
    out = {}
    for start in range(0, len(ids), 1000):
        rows = Unit.objects.filter(pk__in=ids[start : start + 1000]).values_list("pk", "path", "figures_unit__path")
        out.update({pk: tuple(ids_of(figures or path)) for pk, path, figures in rows})
    return out


def store_resolved() -> None:
    """Write every unit's figures unit as ``resolve`` finds it (the roll-ups are not moved: see ``history_changing``)."""
    _store(resolve())


def _store(resolved: dict[int, int | None]) -> None:
    from units.models import Unit

    current = dict(Unit.objects.values_list("pk", "figures_unit_id"))
    changed = [Unit(pk=pk, figures_unit_id=figures) for pk, figures in resolved.items() if current.get(pk) != figures]
    Unit.objects.bulk_update(changed, ["figures_unit"], batch_size=1000)


@contextmanager
def history_changing():
    """Around a change of the succession links or of the units' places in the tree: afterwards every unit's
    figures unit is resolved again and the roll-ups of the units whose reports now count elsewhere move with
    them (``reports.tallies.tallies_rehome``), in the same transaction. Nested uses act once, at the end of
    the outermost."""
    depth = getattr(_state, "depth", 0)
    if depth:
        _state.depth = depth + 1
        try:
            yield
        finally:
            _state.depth = depth
        return
    _state.depth = 1
    try:
        with transaction.atomic():
            before = chains()
            yield
            _store(resolve())
            after = chains()
            moved = {
                pk: (before.get(pk, chain), chain) for pk, chain in after.items() if before.get(pk, chain) != chain
            }
            if moved:
                from reports.tallies import tallies_rehome

                tallies_rehome(moved)
    finally:
        _state.depth = 0
