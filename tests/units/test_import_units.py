"""Importing the official lists: the current two-tier list, the pre-2025 list and the links between."""

import datetime
import io
import sqlite3
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from vietnam_provinces import Province, Ward

from units import official_lists
from units.models import AuditEvent, Unit, UnitSuccession
from units.text import search_key

CURRENT, LEGACY = Unit.CodeScheme.CURRENT, Unit.CodeScheme.LEGACY
REFORM = datetime.date(2025, 7, 1)
# Từ Sơn before the 2025 arrangement of units: a town of twelve wards.
TU_SON_WARDS = {
    "Đông Ngàn", "Đồng Kỵ", "Trang Hạ", "Đình Bảng", "Tân Hồng", "Châu Khê",
    "Đồng Nguyên", "Hương Mạc", "Phù Khê", "Tam Sơn", "Tương Giang", "Phù Chẩn",
}  # fmt: skip

pytestmark = pytest.mark.django_db


def legacy_counts_in_package(province_codes: set[str] | None = None) -> dict[str, int]:
    """What the package's SQLite file holds: provinces, districts, communes (island districts have none)."""
    uri = (official_lists._adminunits_data_dir() / "dataset.db").as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        rows = db.execute("SELECT provinceCode, districtCode, wardCode FROM admin_units_legacy").fetchall()
    rows = [r for r in rows if province_codes is None or r[0] in province_codes]
    return {
        "rows": len(rows),
        "provinces": len({r[0] for r in rows}),
        "districts": len({r[1] for r in rows}),
        "communes": len({r[2] for r in rows if r[2]}),
    }


def unit(scheme: str, code: str) -> Unit:
    return Unit.objects.get(code_scheme=scheme, code=code)


def assert_tree_is_consistent():
    """What Unit.save would have stored, for every row the bulk writes made."""
    by_id = {u["id"]: u for u in Unit.objects.values("id", "parent_id", "path", "depth", "name", "code", "search_key")}
    for u in by_id.values():
        parent_path = by_id[u["parent_id"]]["path"] if u["parent_id"] else "/"
        assert u["path"] == f"{parent_path}{u['id']}/", u
        assert u["depth"] == u["path"].count("/") - 2, u
        assert u["search_key"] == search_key(f"{u['name']} {u['code']}"), u


def test_the_current_list_is_imported_under_viet_nam():
    result = official_lists.units_import()

    nation = Unit.objects.get(parent__isnull=True)
    assert (nation.name, nation.kind, nation.code) == ("Việt Nam", Unit.Kind.NATION, "")
    provinces = Unit.objects.filter(code_scheme=CURRENT, kind__in=Unit.PROVINCIAL_KINDS)
    communes = Unit.objects.filter(code_scheme=CURRENT, kind__in=Unit.COMMUNAL_KINDS)
    assert provinces.count() == len(list(Province.iter_all())) == 34
    assert communes.count() == len(list(Ward.iter_all())) == 3321
    assert set(provinces.values_list("parent", flat=True)) == {nation.pk}
    assert result.units_created == 34 + 3321 + 0  # the nation is not counted: it is not in the list
    assert Counter(provinces.values_list("kind", flat=True)) == {Unit.Kind.PROVINCE: 28, Unit.Kind.CITY: 6}
    assert set(communes.values_list("type_name", flat=True)) == {"Xã", "Phường", "Đặc khu"}

    bac_ninh = unit(CURRENT, "24")
    assert (bac_ninh.name, bac_ninh.kind, bac_ninh.type_name) == ("Tỉnh Bắc Ninh", Unit.Kind.PROVINCE, "Tỉnh")
    assert unit(CURRENT, "01").name == "Thành phố Hà Nội"
    tu_son = unit(CURRENT, "09367")
    assert (tu_son.name, tu_son.kind, tu_son.type_name) == ("Phường Từ Sơn", Unit.Kind.WARD, "Phường")
    assert tu_son.parent == bac_ninh and tu_son.path == f"/{nation.pk}/{bac_ninh.pk}/{tu_son.pk}/"
    assert tu_son.depth == 2 and tu_son.opened_on == REFORM and tu_son.closed_on is None
    assert tu_son in Unit.objects.search("tu son")
    assert Unit.objects.filter(kind=Unit.Kind.SPECIAL_ZONE, name="Đặc khu Côn Đảo").exists()
    assert_tree_is_consistent()


def test_an_existing_nation_is_reused():
    nation = Unit(name="Nước Cộng hòa XHCN Việt Nam", kind=Unit.Kind.NATION)
    nation.save()
    official_lists.units_import(provinces=["24"])
    assert Unit.objects.filter(kind=Unit.Kind.NATION).count() == 1
    assert unit(CURRENT, "24").parent == nation


def test_importing_again_changes_nothing_and_repairs_what_was_edited():
    official_lists.units_import(legacy=True, provinces=["24"])
    pks = dict(Unit.objects.values_list("path", "pk"))
    audit_rows = AuditEvent.objects.count()

    again = official_lists.units_import(legacy=True, provinces=["24"])
    assert not again.changed and again.units_unchanged == len(pks) - 1
    assert dict(Unit.objects.values_list("path", "pk")) == pks
    assert AuditEvent.objects.count() == audit_rows  # an import that changed nothing leaves no trace

    # Someone renames a ward, moves another (with a village of its own) and retypes a legacy ward.
    tu_son, dong_nguyen = unit(CURRENT, "09367"), unit(CURRENT, "09382")
    Unit.objects.filter(pk=tu_son.pk).update(name="Phường Từ Sơn (cũ)")
    village = Unit(name="Khu phố Dương Lôi", kind=Unit.Kind.RESIDENTIAL_GROUP, parent=dong_nguyen)
    village.save()
    dong_nguyen.parent = tu_son
    dong_nguyen.save()
    assert Unit.objects.get(pk=village.pk).path.startswith(tu_son.path)
    Unit.objects.filter(code_scheme=LEGACY, code="09367").update(kind=Unit.Kind.COMMUNE, closed_on=None)
    # …and files the former town of Từ Sơn under today's ward, a hamlet under one of its former wards.
    hamlet = Unit(name="Xóm Chùa", kind=Unit.Kind.VILLAGE, parent=unit(LEGACY, "09367"))
    hamlet.save()
    town = unit(LEGACY, "261")
    town.parent = tu_son
    town.save()
    assert Unit.objects.get(pk=hamlet.pk).path.startswith(tu_son.path)

    repaired = official_lists.units_import(legacy=True, provinces=["24"])
    assert repaired.units_created == 0 and repaired.units_updated == 2 + 1 + 12  # two wards, the town and its wards
    assert unit(CURRENT, "09367").name == "Phường Từ Sơn"
    assert unit(CURRENT, "09382").parent == unit(CURRENT, "24")
    assert Unit.objects.get(pk=village.pk).path == f"{unit(CURRENT, '09382').path}{village.pk}/"
    dong_ngan = unit(LEGACY, "09367")
    assert (dong_ngan.kind, dong_ngan.closed_on) == (Unit.Kind.WARD, REFORM)
    assert unit(LEGACY, "261").parent == unit(LEGACY, "27")
    assert Unit.objects.get(pk=hamlet.pk).path == f"{dong_ngan.path}{hamlet.pk}/"
    assert Unit.objects.filter(code_scheme__in=[CURRENT, LEGACY]).count() == len(pks) - 1  # all but the nation
    assert_tree_is_consistent()


def test_the_province_filter_imports_one_province_and_the_former_ones_merged_into_it():
    result = official_lists.units_import(legacy=True, provinces=["24"])

    current = Unit.objects.filter(code_scheme=CURRENT)
    wards_of_bac_ninh = [w for w in Ward.iter_all() if int(w.province_code) == 24]
    assert list(current.filter(kind__in=Unit.PROVINCIAL_KINDS).values_list("code", flat=True)) == ["24"]
    assert current.filter(kind__in=Unit.COMMUNAL_KINDS).count() == len(wards_of_bac_ninh) == 99
    # Bắc Ninh today is the former Bắc Ninh (27) and Bắc Giang (24).
    legacy_provinces = Unit.objects.filter(code_scheme=LEGACY, kind__in=Unit.PROVINCIAL_KINDS)
    assert set(legacy_provinces.values_list("code", "name")) == {("27", "Tỉnh Bắc Ninh"), ("24", "Tỉnh Bắc Giang")}
    expected = legacy_counts_in_package({"24", "27"})
    assert Unit.objects.filter(code_scheme=LEGACY, kind=Unit.Kind.DISTRICT).count() == expected["districts"]
    assert Unit.objects.filter(code_scheme=LEGACY, kind__in=Unit.COMMUNAL_KINDS).count() == expected["communes"]
    assert result.links_unmatched == 0
    assert not Unit.objects.filter(code_scheme=CURRENT, code="01").exists()


def test_the_former_wards_of_tu_son_lead_to_todays_wards():
    official_lists.units_import(legacy=True, provinces=["24"])

    town = unit(LEGACY, "261")
    assert (town.name, town.kind, town.closed_on) == ("Thành phố Từ Sơn", Unit.Kind.DISTRICT, REFORM)
    assert town.parent == unit(LEGACY, "27")
    wards = Unit.objects.filter(parent=town)
    assert {w.name.removeprefix("Phường ") for w in wards} == TU_SON_WARDS
    assert {(w.kind, w.closed_on, w.code_scheme) for w in wards} == {(Unit.Kind.WARD, REFORM, LEGACY)}

    # The same code 09367 names two wards, one per list.
    dong_ngan, tu_son = unit(LEGACY, "09367"), unit(CURRENT, "09367")
    assert (dong_ngan.name, tu_son.name) == ("Phường Đông Ngàn", "Phường Từ Sơn")
    link = UnitSuccession.objects.get(predecessor=dong_ngan)
    assert (link.successor, link.kind, link.effective_on) == (tu_son, UnitSuccession.Kind.MERGED, REFORM)
    assert {p.name for p in tu_son.predecessors.all()} == {
        "Phường Đông Ngàn",
        "Phường Tân Hồng",
        "Phường Đình Bảng",
        "Phường Phù Chẩn",
    }
    # A former district and province lead to the province that holds them today.
    assert list(town.successors.all()) == [unit(CURRENT, "24")]
    assert list(unit(LEGACY, "27").successors.all()) == [unit(CURRENT, "24")]


def test_the_whole_legacy_list_with_every_link_matched():
    official_lists.units_import()
    result = official_lists.units_import(legacy=True)

    expected = legacy_counts_in_package()
    assert (expected["rows"], expected["provinces"], expected["districts"]) == (10_040, 63, 696)
    legacy = Unit.objects.filter(code_scheme=LEGACY)
    assert legacy.filter(kind__in=Unit.PROVINCIAL_KINDS).count() == expected["provinces"]
    assert legacy.filter(kind=Unit.Kind.DISTRICT).count() == expected["districts"]
    assert legacy.filter(kind__in=Unit.COMMUNAL_KINDS).count() == expected["communes"]
    assert not legacy.filter(closed_on__isnull=True).exists()
    assert result.links_unmatched == 0
    assert Counter(legacy.filter(kind=Unit.Kind.COMMUNE).values_list("type_name", flat=True)).keys() == {
        "Xã",
        "Thị trấn",
    }

    # Every former unit leads somewhere, and only to a current unit.
    assert not legacy.filter(succession_links_out__isnull=True).exists()
    successors = UnitSuccession.objects.values_list("successor__code_scheme", flat=True).distinct()
    assert set(successors) == {CURRENT}
    assert UnitSuccession.objects.filter(kind=UnitSuccession.Kind.SPLIT).exists()
    # An island district without communes became a special zone.
    con_dao = legacy.get(kind=Unit.Kind.DISTRICT, name="Huyện Côn Đảo")
    assert "Đặc khu Côn Đảo" in {u.name for u in con_dao.successors.all()}

    pks = set(Unit.objects.values_list("pk", flat=True))
    links = set(UnitSuccession.objects.values_list("pk", flat=True))
    again = official_lists.units_import(legacy=True)
    assert not again.changed
    assert set(Unit.objects.values_list("pk", flat=True)) == pks
    assert set(UnitSuccession.objects.values_list("pk", flat=True)) == links
    assert_tree_is_consistent()


def test_the_command_reports_what_it_did():
    out = io.StringIO()
    call_command("import_units", "--legacy", "--province", "24", "--no-progress", stdout=out)
    assert "0 could not be matched" in out.getvalue()
    assert "99 current communes" in out.getvalue()

    with pytest.raises(CommandError, match="Unknown province code"):
        call_command("import_units", "--province", "27", stdout=io.StringIO())


def test_an_import_that_closes_a_ward_removes_the_reports_it_no_longer_owes():
    """A former ward left open by hand owes quarters it did not live; the next import closes it on 01/07/2025
    and its unfiled reports from the third quarter of 2025 go (its filed ones stay)."""
    from reports import generation
    from reports.models import FormAssignment, Obligation
    from tests.reports.conftest import form_by_code

    official_lists.units_import(legacy=True, provinces=["24"])
    former = unit(LEGACY, "09367")
    Unit.objects.filter(pk=former.pk).update(closed_on=None)
    quarterly = form_by_code("qcdc-quarter")
    FormAssignment.objects.create(
        form=quarterly, root=former, kinds=[], include_root=True, starts_on=REFORM.replace(month=1)
    )
    generation.obligations_generate(form=quarterly, year=2025)
    owed = Obligation.objects.filter(unit=former, form=quarterly)
    assert owed.count() == 4
    owed.filter(period_index=3).update(first_submitted_at=datetime.datetime(2025, 10, 3, 2, 0, tzinfo=datetime.UTC))

    official_lists.units_import(legacy=True, provinces=["24"])
    assert unit(LEGACY, "09367").closed_on == REFORM
    assert sorted(owed.values_list("period_index", flat=True)) == [1, 2, 3]  # Q4 went; Q3 was filed
    released = AuditEvent.objects.get(action="obligations.released")
    assert released.unit_id == former.pk and [o["period_end"] for o in released.data["obligations"]] == ["2025-12-31"]


def test_an_import_that_repairs_a_name_puts_the_units_reports_back_in_their_place():
    """The dashboards' lists order reports by their unit's place, copied onto each obligation: a name put
    right by the import moves its reports back too."""
    from django.db import connection

    from reports.models import Obligation
    from tests.reports.conftest import form_by_code

    official_lists.units_import(legacy=True, provinces=["24"])
    tu_son = unit(CURRENT, "09367")
    Unit.objects.filter(pk=tu_son.pk).update(name="Phường Từ Sơn (cũ)", sort_key="phuong tu son (cu)")
    Obligation.objects.create(
        form=form_by_code("qcdc-thematic"),
        unit=Unit.objects.get(pk=tu_son.pk),
        year=2026,
        period_start=datetime.date(2026, 8, 1),
        period_end=datetime.date(2026, 8, 31),
        due_date=datetime.date(2026, 9, 15),
    )
    official_lists.units_import(legacy=True, provinces=["24"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.unit_sort_key, u.sort_key FROM reports_obligation o JOIN units_unit u ON u.id = o.unit_id"
        )
        (copied, own), *_none = cursor.fetchall()
    assert unit(CURRENT, "09367").name == "Phường Từ Sơn" and copied == own != "phuong tu son (cu)"
