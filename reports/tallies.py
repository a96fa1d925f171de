"""Live roll-ups of the dashboards' figures (``FigureTally``, ``IndicatorTally``), kept in the transaction of
every change that moves them, so the figures are never stale and a dashboard reads a few rows per unit and
period shown, whatever the number of reports filed or of former units merged in.

Two kinds of rows: *own* rows, per unit, form, period end and due date (per unit, indicator and period end
for the figures of the reports), counted from that unit's obligations; *subtree* rows, the same counts over
everything that counts in a unit's figures, kept for every unit up the chain of the unit each report counts
in (``units.history``). A writer calls ``tallies_refresh`` with a scope covering what it changed (the units,
forms or period ends): the own rows in that scope are counted again from the obligations and the difference
is added along the chains. ``tallies_rehome`` moves the rows of units whose reports now count elsewhere
(a merger, a unit moved); ``tallies_rebuild`` (``manage.py rebuild_figures``) counts every row again and
writes those that differ.

Here, once, is what each figure counts; the dashboards, the heads' records and the API read only these.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from reports.models import FigureTally, Indicator, IndicatorTally, Obligation, ReportValue
from reports.models.obligations import FILED, NOT_FILED, counts_in_figures_q, late_or_returned_q
from units import history

# What each column of ``FigureTally`` counts among the obligations of its row (DHIS2's definitions and beyond).
OBLIGATION_COUNTS = {
    "expected": lambda: Count("pk"),  # the duties due (the readers keep those due by the day shown)
    "received": lambda: Count("pk", filter=Q(first_submitted_at__isnull=False)),  # filed at least once
    "filed": lambda: Count("pk", filter=Q(status__in=FILED)),  # with the committee or accepted now
    "on_time": lambda: Count("pk", filter=Q(on_time=True)),  # first filed by the due date
    "late": lambda: Count("pk", filter=Q(on_time=False)),
    "accepted": lambda: Count("pk", filter=Q(accepted_at__isnull=False)),
    "accepted_on_time": lambda: Count("pk", filter=Q(accepted_on_time=True)),
    "returned": lambda: Count("pk", filter=Q(returned_count__gt=0)),  # returned at least once
    "returns": lambda: Coalesce(Sum("returned_count"), 0),
    "days_late": lambda: Coalesce(Sum("days_late", filter=Q(on_time=False)), 0),
    # Overdue once past the due date: not filed now (never filed, or returned and not refiled).
    "not_filed": lambda: Count("pk", filter=Q(status__in=NOT_FILED)),
    "never_filed": lambda: Count("pk", filter=Q(first_submitted_at__isnull=True)),
    "late_or_returned": lambda: Count("pk", filter=late_or_returned_q()),
}
# The figures of the reports: numbers, percentages and yes/no (yes counts 1), in filed reports only, and of
# a unit's two reports of one form and period (its ordinary one and a directive's) only the one that
# ``counts_in_figures_q`` names. The counts of duties above keep both: each is a report owed and filed.
NUMERIC = (
    Indicator.ValueType.INTEGER,
    Indicator.ValueType.DECIMAL,
    Indicator.ValueType.PERCENT,
    Indicator.ValueType.BOOLEAN,
)


@dataclass(frozen=True)
class _Kind:
    model: type
    keys: tuple[str, ...]  # the row's key besides its unit and kind (own or subtree)
    values: tuple[str, ...]
    first_key_scope: str  # the lookup on the tally that the scope's ``form_ids`` filter

    def raw(self, unit_ids=None, form_ids=None, period_ends=None):
        """The own rows as counted from the obligations in the scope: dicts of unit_id, keys, n_<value>."""
        if self.model is FigureTally:
            q = _scope_q("", unit_ids, form_ids, period_ends)
            counts = {f"n_{name}": make() for name, make in OBLIGATION_COUNTS.items()}
            return (
                Obligation.objects.filter(q)
                .values("unit_id", "form_id", "period_end", "due_date")
                .annotate(**counts)
                .order_by()
            )
        q = _scope_q("report__obligation__", unit_ids, form_ids, period_ends)
        return (
            ReportValue.objects.filter(
                q,
                counts_in_figures_q("report__obligation__"),
                report__status__in=FILED,
                value_decimal__isnull=False,
                indicator__value_type__in=NUMERIC,
            )
            .annotate(unit_id=F("report__obligation__unit_id"), period_end=F("report__obligation__period_end"))
            .values("unit_id", "indicator_id", "period_end")
            .annotate(n_total=Sum("value_decimal"), n_count=Count("pk"))
            .order_by()
        )

    def scope_q(self, unit_ids=None, form_ids=None, period_ends=None) -> Q:
        q = Q()
        if unit_ids is not None:
            q &= Q(unit_id__in=unit_ids)
        if form_ids is not None:
            q &= Q(**{f"{self.first_key_scope}__in": form_ids})
        if period_ends is not None:
            q &= Q(period_end__in=period_ends)
        return q

    def zero(self) -> tuple:
        return (0,) * len(self.values) if self.model is FigureTally else (Decimal(0), 0)


FIGURES = _Kind(FigureTally, ("form_id", "period_end", "due_date"), tuple(OBLIGATION_COUNTS), "form_id")
INDICATORS = _Kind(IndicatorTally, ("indicator_id", "period_end"), ("total", "count"), "indicator__form_id")
KINDS = (FIGURES, INDICATORS)


def _scope_q(prefix: str, unit_ids, form_ids, period_ends) -> Q:
    q = Q()
    if unit_ids is not None:
        q &= Q(**{f"{prefix}unit_id__in": unit_ids})
    if form_ids is not None:
        q &= Q(**{f"{prefix}form_id__in": form_ids})
    if period_ends is not None:
        q &= Q(**{f"{prefix}period_end__in": period_ends})
    return q


def _listed(ids) -> list | None:
    return None if ids is None else sorted(set(ids))


@transaction.atomic
def tallies_refresh(
    *,
    unit_ids: Iterable[int] | None = None,
    form_ids: Iterable[int] | None = None,
    period_ends: Iterable[datetime.date] | None = None,
) -> int:
    """Count the own rows in the scope (None: any) again from the obligations and add what changed along the
    chains of units they count in. The scope must cover every obligation the caller wrote, created or
    deleted. Returns the number of own rows that changed."""
    unit_ids, form_ids, period_ends = _listed(unit_ids), _listed(form_ids), _listed(period_ends)
    if [] in (unit_ids, form_ids, period_ends):
        return 0
    changed = 0
    for kind in KINDS:
        fresh = {}
        for row in kind.raw(unit_ids, form_ids, period_ends):
            fresh[(row["unit_id"], *(row[k] for k in kind.keys))] = tuple(row[f"n_{v}"] for v in kind.values)
        stored = {}
        own = kind.model.objects.filter(kind.scope_q(unit_ids, form_ids, period_ends), subtree=False)
        for row in own.order_by("pk").select_for_update(of=("self",)).values("pk", "unit_id", *kind.keys, *kind.values):
            stored[(row["unit_id"], *(row[k] for k in kind.keys))] = (row["pk"], tuple(row[v] for v in kind.values))
        zero = kind.zero()
        deltas = {}
        for key in fresh.keys() | stored.keys():
            new, old = fresh.get(key, zero), stored.get(key, (None, zero))[1]
            if new != old:
                deltas[key] = tuple(a - b for a, b in zip(new, old, strict=True))
        if not deltas:
            continue
        changed += len(deltas)
        _write(kind, False, stored, {key: fresh.get(key, zero) for key in deltas})
        chains = history.chains_of({key[0] for key in deltas})
        along = defaultdict(lambda zero=zero: zero)
        for (unit_id, *rest), delta in deltas.items():
            for within in chains.get(unit_id, ()):
                k = (within, *rest)
                along[k] = tuple(a + b for a, b in zip(along[k], delta, strict=True))
        _add(kind, along)
    return changed


def obligation_changed(obligation: Obligation) -> int:
    """``tallies_refresh`` for one obligation just written (its status, timeliness or report)."""
    return tallies_refresh(
        unit_ids=[obligation.unit_id], form_ids=[obligation.form_id], period_ends=[obligation.period_end]
    )


def _row(kind: _Kind, subtree: bool, key: tuple, values: tuple):
    unit_id, *rest = key
    return kind.model(
        subtree=subtree,
        unit_id=unit_id,
        **dict(zip(kind.keys, rest, strict=True)),
        **dict(zip(kind.values, values, strict=True)),
    )


def _write(kind: _Kind, subtree: bool, stored: dict[tuple, tuple], rows: dict[tuple, tuple]) -> None:
    """Write ``rows`` ({key: values}) over the locked rows ``stored`` ({key: (pk, values)}) by one upsert per
    thousand rows, whatever the mix of new and existing keys, updating in place (a transaction waiting on the
    lock then reads the new values); rows that come to nothing are deleted."""
    kept = [_row(kind, subtree, key, values) for key, values in rows.items() if any(values)]
    gone = [stored[key][0] for key, values in rows.items() if not any(values) and key in stored]
    unique = ["unit", "subtree", *(k.removesuffix("_id") for k in kind.keys)]
    kind.model.objects.bulk_create(
        kept, batch_size=1000, update_conflicts=True, unique_fields=unique, update_fields=list(kind.values)
    )
    for start in range(0, len(gone), 2000):
        kind.model.objects.filter(pk__in=gone[start : start + 2000]).delete()


def _add(kind: _Kind, along: dict[tuple, tuple]) -> None:
    """Add ``along`` ({(unit, *key): values}) to the subtree rows: the rows touched are locked (in the order of
    their ids, as every writer does), summed and written back."""
    along = {k: v for k, v in along.items() if any(v)}
    if not along:
        return
    zero = kind.zero()
    units = sorted({k[0] for k in along})
    firsts = sorted({k[1] for k in along})
    periods = sorted({k[kind.keys.index("period_end") + 1] for k in along})
    first = kind.keys[0]
    stored = {}
    for start in range(0, len(units), 2000):
        rows = kind.model.objects.filter(
            subtree=True, unit_id__in=units[start : start + 2000], **{f"{first}__in": firsts}, period_end__in=periods
        ).order_by("pk")
        for row in rows.select_for_update().values("pk", "unit_id", *kind.keys, *kind.values):
            key = (row["unit_id"], *(row[k] for k in kind.keys))
            if key in along:
                stored[key] = (row["pk"], tuple(row[v] for v in kind.values))
    merged = {
        key: tuple(a + b for a, b in zip(stored[key][1] if key in stored else zero, delta, strict=True))
        for key, delta in along.items()
    }
    _write(kind, True, stored, merged)


@transaction.atomic
def tallies_rehome(moved: dict[int, tuple[tuple[int, ...], tuple[int, ...]]]) -> None:
    """Units whose reports now count in other units ({unit: (chain before, chain after)}): their own rows are
    taken off the subtree rows of the chain before and added to those of the chain after."""
    ids = sorted(moved)
    for kind in KINDS:
        zero = kind.zero()
        along = defaultdict(lambda zero=zero: zero)
        for start in range(0, len(ids), 2000):
            own = kind.model.objects.filter(subtree=False, unit_id__in=ids[start : start + 2000])
            for row in own.values("unit_id", *kind.keys, *kind.values):
                rest = tuple(row[k] for k in kind.keys)
                values = tuple(row[v] for v in kind.values)
                before, after = moved[row["unit_id"]]
                for within in before:
                    k = (within, *rest)
                    along[k] = tuple(a - b for a, b in zip(along[k], values, strict=True))
                for within in after:
                    k = (within, *rest)
                    along[k] = tuple(a + b for a, b in zip(along[k], values, strict=True))
        _add(kind, along)


@transaction.atomic
def tallies_rebuild() -> dict[str, int]:
    """Every roll-up counted again from the obligations and the reports' values, and written where it differs.

    The rows each table should hold are counted into a temporary table (the own rows by one grouped
    INSERT … SELECT, the subtree rows from them through a table of the chains), and the table is then
    brought to it: rows that should not be there deleted, rows whose counts differ updated, missing rows
    inserted in the order of their key. A row that is right is not written, so checking the live rows writes
    nothing, and a table filled afresh takes inserts only. Returns the own and subtree rows each table
    should hold and how many rows of it were deleted, updated and inserted."""
    written = {}
    chains = history.chains()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS tally_chain")
        cursor.execute("CREATE TEMPORARY TABLE tally_chain (unit_id integer NOT NULL, within_id integer NOT NULL)")
        pairs = [(unit_id, within) for unit_id, chain in chains.items() for within in chain]
        for start in range(0, len(pairs), 1000):
            batch = pairs[start : start + 1000]
            cursor.execute(
                "INSERT INTO tally_chain (unit_id, within_id) VALUES " + ", ".join(["(%s, %s)"] * len(batch)),
                [n for pair in batch for n in pair],
            )
        for kind in KINDS:
            written.update(_rebuild(cursor, kind))
        cursor.execute("DROP TABLE tally_chain")
    return written


def _rebuild(cursor, kind: _Kind) -> dict[str, int]:
    """``tallies_rebuild`` of one table, the chains in ``tally_chain``."""
    table = kind.model._meta.db_table
    keys, values = ["unit_id", "subtree", *kind.keys], list(kind.values)
    listed, key_list = ", ".join(keys + values), ", ".join(keys)
    rest = ", ".join(f"t.{k}" for k in kind.keys)  # the key but the unit and the kind
    for temporary in ("tally_fresh", "tally_changed", "tally_stale"):
        cursor.execute(f"DROP TABLE IF EXISTS {temporary}")
    # The table's own columns and types, and no row: the counts as the table stores them.
    cursor.execute(f"CREATE TEMPORARY TABLE tally_fresh AS SELECT {listed} FROM {table} WHERE 1 = 0")
    sql, params = kind.raw().query.sql_with_params()
    cursor.execute(
        f"INSERT INTO tally_fresh ({listed}) SELECT raw.unit_id, %s, "
        f"{', '.join(f'raw.{k}' for k in kind.keys)}, {', '.join(f'raw.n_{v}' for v in values)} FROM ({sql}) raw",
        [False, *params],
    )
    out = {f"{table} own": cursor.rowcount}
    cursor.execute(
        f"INSERT INTO tally_fresh ({listed}) SELECT c.within_id, %s, {rest}, "
        f"{', '.join(f'SUM(t.{v})' for v in values)} FROM tally_fresh t JOIN tally_chain c ON c.unit_id = t.unit_id "
        f"WHERE t.subtree = %s GROUP BY c.within_id, {rest}",
        [True, False],
    )
    out[f"{table} subtree"] = cursor.rowcount
    same_key = " AND ".join(f"f.{k} = {table}.{k}" for k in keys)
    # What differs, by two set differences (each read in one pass, whatever the order the rows lie in):
    # the rows to write (new, or with other counts) and the keys of the rows to delete. The update compares
    # the counts again as the table keeps them (sums to the column's places): SQLite adds decimals as
    # floating point, so its EXCEPT tells a stored 2.5 from the same sum computed anew.
    cursor.execute(
        f"CREATE TEMPORARY TABLE tally_changed AS SELECT {listed} FROM tally_fresh EXCEPT SELECT {listed} FROM {table}"
    )
    cursor.execute(
        f"CREATE TEMPORARY TABLE tally_stale AS SELECT {key_list} FROM {table} EXCEPT SELECT {key_list} FROM tally_fresh"
    )
    for temporary in ("tally_changed", "tally_stale"):
        cursor.execute(f"ANALYZE {temporary}")  # a temporary table has no statistics until asked
    cursor.execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM tally_stale f WHERE {same_key})")
    out[f"{table} deleted"] = cursor.rowcount
    differs = " OR ".join(f"{_as_stored(kind, v, 'f')} <> {_as_stored(kind, v, table)}" for v in values)
    cursor.execute(
        f"UPDATE {table} SET {', '.join(f'{v} = f.{v}' for v in values)} FROM tally_changed f "
        f"WHERE {same_key} AND ({differs})"
    )
    out[f"{table} updated"] = cursor.rowcount
    cursor.execute(
        f"INSERT INTO {table} ({listed}) SELECT {listed} FROM tally_changed f "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {same_key}) ORDER BY {key_list}"
    )
    out[f"{table} inserted"] = cursor.rowcount
    for temporary in ("tally_fresh", "tally_changed", "tally_stale"):
        cursor.execute(f"DROP TABLE {temporary}")
    return out


def _as_stored(kind: _Kind, column: str, table: str) -> str:
    """``table.column`` as SQL, rounded to the column's places if it holds decimals."""
    places = getattr(kind.model._meta.get_field(column), "decimal_places", None)
    return f"{table}.{column}" if places is None else f"ROUND({table}.{column}, {places})"


def tallies_snapshot() -> dict[str, set[tuple]]:
    """Every roll-up row as a tuple, by table: what a test compares between the live rows and a rebuild."""
    out = {}
    for kind in KINDS:
        rows = kind.model.objects.values_list("subtree", "unit_id", *kind.keys, *kind.values)
        out[kind.model._meta.db_table] = {tuple(_plain(v) for v in row) for row in rows}
    return out


def _plain(value):
    return value.normalize() if isinstance(value, Decimal) else value
