"""The official lists of administrative units, imported as ``Unit`` rows with their history.

Two sources, both pinned in requirements.txt:

* ``vietnam_provinces`` holds the current two-tier list (provinces and communes since 01/07/2025).
* ``vietnamadminunits`` ships an SQLite file with the pre-2025 three-tier list and a JSON file that
  says which former wards became which current ones. Its own copy of the current list carries a few
  outdated codes, so current wards are matched by name key (the package's own key scheme), never by
  its codes.

A unit is identified by ``(code_scheme, code)``: the same code means different wards in the two
lists (09367 was Phường Đông Ngàn, it is now Phường Từ Sơn). Importing again updates what changed
and creates nothing twice. The bulk writes bypass ``Unit.save`` and go through ``units.tree``, as it
does, for ``path``, ``depth`` and the keys.
"""

import datetime
import importlib.util
import json
import re
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm
from unidecode import unidecode

from units import signals, tree
from units.models import Unit, UnitSuccession

REFORM_DATE = datetime.date(2025, 7, 1)
NATION_NAME = "Việt Nam"
BATCH_SIZE = 500

CURRENT = Unit.CodeScheme.CURRENT
LEGACY = Unit.CodeScheme.LEGACY

Key = tuple[str, str]  # (code_scheme, code): how a unit of a list is found again


@dataclass(frozen=True)
class OfficialUnit:
    """One row of an official list, as the Unit it should become."""

    scheme: str
    code: str
    name: str
    kind: str
    type_name: str
    parent: Key | None  # None: directly under the nation
    opened_on: datetime.date | None = None
    closed_on: datetime.date | None = None

    @property
    def key(self) -> Key:
        return (self.scheme, self.code)


@dataclass(frozen=True)
class Succession:
    predecessor: Key
    successor: Key
    kind: str


@dataclass
class ImportResult:
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    links_created: int = 0
    links_updated: int = 0
    links_unchanged: int = 0
    links_unmatched: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # units in the lists read, by scheme and level

    @property
    def changed(self) -> bool:
        return bool(self.units_created or self.units_updated or self.links_created or self.links_updated)

    def summary(self) -> str:
        return (
            f"units: {self.units_created} created, {self.units_updated} updated, {self.units_unchanged} unchanged; "
            f"successor links: {self.links_created} created, {self.links_updated} updated, "
            f"{self.links_unchanged} unchanged, {self.links_unmatched} could not be matched"
        )


# --- Reading the lists -------------------------------------------------------------------------


def name_key(text: str, *, decode: bool = True) -> str:
    """The key vietnamadminunits gives a name ('Phường Từ Sơn' -> 'phuongtuson').

    Where two names of a province fold to the same key, the package keeps the diacritics
    ('xãvănlang' / 'xãvănlăng'), hence ``decode=False``.
    """
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[^\w]+", "", unidecode(text) if decode else text).lower()


def _adminunits_data_dir() -> Path:
    # Located, not imported: importing the package loads its address parser (geopy, shapely).
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The vietnamadminunits package is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def _converter() -> dict:
    with open(_adminunits_data_dir() / "converter_2025.json", encoding="utf-8") as f:
        return json.load(f)


def _dataset_rows(sql: str) -> list[sqlite3.Row]:
    uri = (_adminunits_data_dir() / "dataset.db").as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(sql).fetchall()


_CURRENT_PROVINCE_TYPES = {"tỉnh": ("Tỉnh", Unit.Kind.PROVINCE), "thành phố trung ương": ("Thành phố", Unit.Kind.CITY)}
_CURRENT_COMMUNE_TYPES = {
    "xã": ("Xã", Unit.Kind.COMMUNE),
    "phường": ("Phường", Unit.Kind.WARD),
    "đặc khu": ("Đặc khu", Unit.Kind.SPECIAL_ZONE),
}
_LEGACY_WARD_KINDS = {"Phường": Unit.Kind.WARD, "Xã": Unit.Kind.COMMUNE, "Thị trấn": Unit.Kind.COMMUNE}


def _full_name(type_name: str, name: str) -> str:
    # The package writes 'Thành phố Hà Nội' but plain 'Bắc Ninh' for a tỉnh.
    return name if name.startswith(type_name + " ") else f"{type_name} {name}"


def _current_province_codes() -> list[str]:
    from vietnam_provinces import Province

    return [f"{int(p.code):02d}" for p in Province.iter_all()]


def province_codes_clean(codes: Iterable[str] | None) -> set[str] | None:
    """'24', '024' or '  1' -> the two-digit codes of the current list; unknown codes are an error."""
    if codes is None:
        return None
    known = set(_current_province_codes())
    cleaned, unknown = set(), []
    for code in codes:
        code = str(code).strip()
        normal = f"{int(code):02d}" if code.isdigit() else code
        if normal in known:
            cleaned.add(normal)
        else:
            unknown.append(code)
    if unknown:
        raise ValueError(
            f"Unknown province code(s) {', '.join(unknown)}; the current list has {', '.join(sorted(known))}"
        )
    return cleaned


def current_units(provinces: set[str] | None = None) -> tuple[list[OfficialUnit], list[OfficialUnit]]:
    """The current list: (provinces, communes), optionally only some provinces."""
    from vietnam_provinces import Province, Ward

    province_rows, commune_rows = [], []
    for p in Province.iter_all():
        code = f"{int(p.code):02d}"
        if provinces is not None and code not in provinces:
            continue
        type_name, kind = _CURRENT_PROVINCE_TYPES[p.division_type.value]
        province_rows.append(
            OfficialUnit(CURRENT, code, _full_name(type_name, p.name), kind, type_name, None, REFORM_DATE)
        )
    for w in Ward.iter_all():
        province = f"{int(w.province_code):02d}"
        if provinces is not None and province not in provinces:
            continue
        type_name, kind = _CURRENT_COMMUNE_TYPES[w.division_type.value]
        commune_rows.append(
            OfficialUnit(
                CURRENT,
                f"{int(w.code):05d}",
                _full_name(type_name, w.name),
                kind,
                type_name,
                (CURRENT, province),
                REFORM_DATE,
            )
        )
    return province_rows, commune_rows


def _current_ward_finder():
    """A function (province key, ward key) -> current ward code, for the keys of converter_2025.json."""
    from vietnam_provinces import Ward

    province_codes = {
        row["provinceKey"]: row["provinceCode"]
        for row in _dataset_rows("SELECT DISTINCT provinceKey, provinceCode FROM admin_units")
    }
    folded: dict[Key, list[str]] = defaultdict(list)
    exact: dict[Key, str] = {}
    for w in Ward.iter_all():
        province, code = f"{int(w.province_code):02d}", f"{int(w.code):05d}"
        folded[(province, name_key(w.name))].append(code)
        exact[(province, name_key(w.name, decode=False))] = code

    def find(province_key: str, ward_key: str) -> str | None:
        province = province_codes.get(province_key)
        if province is None:
            return None
        if (province, ward_key) in exact:
            return exact[(province, ward_key)]
        codes = folded.get((province, ward_key), [])
        return codes[0] if len(codes) == 1 else None

    return province_codes, find


@dataclass
class LegacyList:
    provinces: list[OfficialUnit]
    districts: list[OfficialUnit]
    wards: list[OfficialUnit]
    links: list[Succession]
    unmatched: int  # links of the converter whose former or current unit is not in the lists


def legacy_units(provinces: set[str] | None = None) -> LegacyList:
    """The pre-2025 list and its successor links, for the former provinces merged into ``provinces``."""
    converter = _converter()
    province_codes, find_ward = _current_ward_finder()
    wanted_new = {key for key, code in province_codes.items() if provinces is None or code in provinces}
    old_to_new_province = {old: new for new, olds in converter["DICT_PROVINCE"].items() for old in olds}

    rows = _dataset_rows(
        "SELECT province, provinceCode, provinceKey, district, districtType, districtCode, districtKey,"
        " ward, wardType, wardCode, wardKey FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    result = LegacyList([], [], [], [], 0)
    seen_provinces: dict[str, str] = {}  # legacy province code -> current province code
    seen_districts: set[str] = set()
    by_converter_key: dict[str, Key] = {}
    for row in rows:
        new_key = old_to_new_province.get(row["provinceKey"])
        if new_key not in wanted_new:
            continue
        province = row["provinceCode"]
        if province not in seen_provinces:
            seen_provinces[province] = province_codes[new_key]
            type_name = "Thành phố" if row["province"].startswith("Thành phố ") else "Tỉnh"
            kind = Unit.Kind.CITY if type_name == "Thành phố" else Unit.Kind.PROVINCE
            result.provinces.append(
                OfficialUnit(LEGACY, province, row["province"], kind, type_name, None, None, REFORM_DATE)
            )
            result.links.append(
                Succession((LEGACY, province), (CURRENT, province_codes[new_key]), UnitSuccession.Kind.MERGED)
            )
        district = row["districtCode"]
        if district not in seen_districts:
            seen_districts.add(district)
            result.districts.append(
                OfficialUnit(
                    LEGACY,
                    district,
                    row["district"],
                    Unit.Kind.DISTRICT,
                    row["districtType"],
                    (LEGACY, province),
                    None,
                    REFORM_DATE,
                )
            )
            result.links.append(
                Succession((LEGACY, district), (CURRENT, province_codes[new_key]), UnitSuccession.Kind.MERGED)
            )
        converter_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        if row["wardCode"]:
            result.wards.append(
                OfficialUnit(
                    LEGACY,
                    row["wardCode"],
                    row["ward"],
                    _LEGACY_WARD_KINDS[row["wardType"]],
                    row["wardType"],
                    (LEGACY, district),
                    None,
                    REFORM_DATE,
                )
            )
            by_converter_key[converter_key] = (LEGACY, row["wardCode"])
        else:
            # An island district without communes (Côn Đảo, Bạch Long Vĩ…): it became a special zone.
            by_converter_key[converter_key] = (LEGACY, district)

    def link(old_key: str, new_province_key: str, new_ward_key: str, kind: str) -> None:
        old = by_converter_key.get(old_key)
        new = find_ward(new_province_key, new_ward_key)
        if old is None or new is None:
            result.unmatched += 1
        else:
            result.links.append(Succession(old, (CURRENT, new), kind))

    for new_province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        if new_province_key in wanted_new:
            for new_ward_key, old_keys in wards.items():
                for old_key in old_keys:
                    link(old_key, new_province_key, new_ward_key, UnitSuccession.Kind.MERGED)
    for new_province_key, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        if new_province_key in wanted_new:
            for old_key, new_wards in divided.items():
                for new_ward in new_wards:
                    link(old_key, new_province_key, new_ward["newWardKey"], UnitSuccession.Kind.SPLIT)
    return result


# --- Writing ------------------------------------------------------------------------------------


def _nation() -> Unit:
    nation = Unit.objects.filter(kind=Unit.Kind.NATION, parent__isnull=True).order_by("pk").first()
    if nation is None:
        nation = Unit(name=NATION_NAME, kind=Unit.Kind.NATION)
        nation.save()
    return nation


_SYNCED_FIELDS = [
    "name",
    "kind",
    "type_name",
    "parent",
    "opened_on",
    "closed_on",
    "path",
    "depth",
    "search_key",
    "sort_key",
]


def _sync_level(
    rows: list[OfficialUnit],
    units: dict[Key | None, Unit],
    existing: dict[Key, Unit],
    moved: list[tuple[str, str]],
    result: ImportResult,
    bar: tqdm,
    dated: list[int],
) -> None:
    """Create or update one level of the tree; ``units`` must already hold every parent, final paths set."""
    now = timezone.now()
    to_create, to_update = [], []
    for row in rows:
        parent = units[row.parent]
        wanted = {
            "name": row.name,
            "kind": row.kind,
            "type_name": row.type_name,
            "opened_on": row.opened_on,
            "closed_on": row.closed_on,
            **tree.keys_of(row.name, row.code),
        }
        unit = existing.get(row.key)
        if unit is None:
            unit = Unit(code_scheme=row.scheme, code=row.code, parent=parent, path="", depth=0, **wanted)
            to_create.append(unit)
        else:
            if (unit.opened_on, unit.closed_on) != (row.opened_on, row.closed_on):
                dated.append(unit.pk)
            changed = False
            for name, value in wanted.items():
                if getattr(unit, name) != value:
                    setattr(unit, name, value)
                    changed = True
            if unit.parent_id != parent.pk:
                unit.parent = parent
                changed = True
            old_path = unit.path
            if tree.place(unit, parent.path):
                if old_path:
                    moved.append((old_path, unit.path))
                changed = True
            if changed:
                unit.updated_at = now
                to_update.append(unit)
            else:
                result.units_unchanged += 1
        units[row.key] = unit

    for start in range(0, len(to_create), BATCH_SIZE):
        batch = to_create[start : start + BATCH_SIZE]
        tree.bulk_insert(batch, batch_size=BATCH_SIZE)  # every parent is on an upper level, saved already
        bar.update(len(batch))
    for start in range(0, len(to_update), BATCH_SIZE):
        batch = to_update[start : start + BATCH_SIZE]
        Unit.objects.bulk_update(batch, [*_SYNCED_FIELDS, "updated_at"])
        signals.sort_keys_changed.send(sender=Unit, unit_ids=[unit.pk for unit in batch])
        bar.update(len(batch))
    bar.update(len(rows) - len(to_create) - len(to_update))
    result.units_created += len(to_create)
    result.units_updated += len(to_update)


def _existing(scheme: str) -> dict[Key, Unit]:
    fields = ["id", "code", "code_scheme", "parent_id", *(f for f in _SYNCED_FIELDS if f != "parent")]
    return {(scheme, u.code): u for u in Unit.objects.filter(code_scheme=scheme).exclude(code="").only(*fields)}


def _sync_links(links: list[Succession], units: dict[Key | None, Unit], result: ImportResult, bar: tqdm) -> None:
    wanted: dict[tuple[int, int], str] = {}
    for link in links:
        old, new = units.get(link.predecessor), units.get(link.successor)
        if old is None or new is None:
            result.links_unmatched += 1
            continue
        # A former unit listed both as merged and as split into the same ward counts once, as split.
        if wanted.get((old.pk, new.pk)) != UnitSuccession.Kind.SPLIT:
            wanted[(old.pk, new.pk)] = link.kind
    existing = {
        (s.predecessor_id, s.successor_id): s
        for s in UnitSuccession.objects.filter(predecessor__code_scheme=LEGACY).only(
            "id", "predecessor_id", "successor_id", "kind", "effective_on"
        )
    }
    to_create, to_update = [], []
    for (old, new), kind in wanted.items():
        link = existing.get((old, new))
        if link is None:
            to_create.append(UnitSuccession(predecessor_id=old, successor_id=new, kind=kind, effective_on=REFORM_DATE))
        elif link.kind != kind or link.effective_on != REFORM_DATE:
            link.kind, link.effective_on = kind, REFORM_DATE
            to_update.append(link)
    UnitSuccession.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    UnitSuccession.objects.bulk_update(to_update, ["kind", "effective_on"], batch_size=BATCH_SIZE)
    bar.update(len(links))
    result.links_created += len(to_create)
    result.links_updated += len(to_update)
    result.links_unchanged += len(wanted) - len(to_create) - len(to_update)


@transaction.atomic
def units_import(
    *, legacy: bool = False, provinces: Iterable[str] | None = None, progress: bool = False, actor=None
) -> ImportResult:
    """Bring the units of the official lists up to date, in one transaction.

    ``provinces``: current province codes to limit the import to (with ``legacy``, the former
    provinces merged into them). ``progress``: draw a progress bar on stderr.
    """
    from units.history import history_changing
    from units.services import audit_record, unit_dates_changed

    wanted = province_codes_clean(provinces)
    result = ImportResult()
    levels: list[list[OfficialUnit]] = list(current_units(wanted))
    links: list[Succession] = []
    if legacy:
        old = legacy_units(wanted)
        levels += [old.provinces, old.districts, old.wards]
        links, result.links_unmatched = old.links, old.unmatched
    names = ["current provinces", "current communes", "legacy provinces", "legacy districts", "legacy communes"]
    result.counts = {name: len(level) for name, level in zip(names, levels, strict=False)}

    total = sum(len(level) for level in levels) + len(links)
    # Moves and links written in bulk: where each unit's reports count is resolved once, at the end.
    with (
        history_changing(),
        tqdm(total=total, unit="row", file=sys.stderr, disable=not progress, desc="import_units") as bar,
    ):
        nation = _nation()
        units: dict[Key | None, Unit] = {None: nation}
        existing = {**_existing(CURRENT), **(_existing(LEGACY) if legacy else {})}
        moved: list[tuple[str, str]] = []
        dated: list[int] = []
        for level in levels:
            _sync_level(level, units, existing, moved, result, bar, dated)
        if moved:
            tree.carry_subtrees(moved)  # units the lists do not know (villages…) follow
        if dated:
            # Units the lists open or close on other dates owe only the periods they are open on the last
            # day of: their reports not yet filed for the others go in this transaction.
            unit_dates_changed(actor=actor, unit_ids=dated)
        if legacy:
            _sync_links(links, units, result, bar)

    if result.changed:
        audit_record(
            actor=actor,
            action="units.imported",
            obj=nation,
            unit=nation,
            summary=_(
                "Official unit lists imported: %(created)d units created, %(updated)d updated, %(links)d links added."
            )
            % {"created": result.units_created, "updated": result.units_updated, "links": result.links_created},
            data={"legacy": legacy, "provinces": sorted(wanted) if wanted else None, **result.counts},
        )
    return result
