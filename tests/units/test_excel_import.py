"""Officials upload villages, residential groups and organisations from Excel."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from tests.factories import make_unit, make_user
from units import excel_import as importer
from units.excel_import import excel_import, excel_template
from units.models import AuditEvent, RoleGrant, Unit

HEADINGS = ["Tên đơn vị", "Loại", "Mã đơn vị cấp trên", "Tên đơn vị cấp trên", "Mã", "Ngày thành lập", "Địa chỉ"]
IMPORT_URL = "/units/import/"

pytestmark = pytest.mark.usefixtures("english")


def xlsx(rows, headings=HEADINGS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headings)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "don-vi.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=importer.XLSX_CONTENT_TYPE)


def zipped_text() -> bytes:
    """A real zip archive that is not a workbook (a .docx or .ods renamed looks like this)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "Thôn A, Thôn")
    return buffer.getvalue()


GOOD_ROWS = [
    ["Tổ dân phố số 1", "Tổ dân phố", "09367", None, "TDP-01", "01/07/2025", None],
    ["Chi bộ Tổ dân phố số 1", "party", None, "to dan pho so 1", None, None, None],
    ["Thôn Bắc", "Village", None, "PHUONG DONG NGAN", None, datetime.datetime(2020, 1, 15), "Xóm 2"],
    ["Công ty TNHH Ánh Dương", "Doanh nghiệp", None, None, None, None, "Số 5 Lý Thái Tổ"],
    ["Thôn Đông", "Thôn", 9999, None, None, None, "Đường Trần Phú"],
]


def test_a_good_file_creates_the_units_under_their_parents_and_a_second_upload_changes_nothing(tree, users):
    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(GOOD_ROWS)))

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (4, 1, 0)
    group = Unit.objects.get(name="Tổ dân phố số 1")
    assert group.parent == tree["tu_son"] and group.kind == Unit.Kind.RESIDENTIAL_GROUP
    assert (group.code, group.code_scheme, group.opened_on) == ("TDP-01", "local", datetime.date(2025, 7, 1))
    assert group.path.startswith(tree["tu_son"].path)
    cell = Unit.objects.get(name="Chi bộ Tổ dân phố số 1")
    assert cell.parent == group and cell.kind == Unit.Kind.PARTY
    village = Unit.objects.get(name="Thôn Bắc")
    assert (village.parent, village.opened_on, village.address) == (
        tree["dong_ngan"],
        datetime.date(2020, 1, 15),
        "Xóm 2",
    )
    assert Unit.objects.get(name="Công ty TNHH Ánh Dương").parent == tree["bac_ninh"]
    tree["village"].refresh_from_db()
    assert tree["village"].address == "Đường Trần Phú"  # Thôn Đông was already there: updated, not doubled
    assert Unit.objects.filter(name="Thôn Đông").count() == 1
    assert AuditEvent.objects.filter(action="unit.created", actor=users["staff"]).count() == 4
    summary = AuditEvent.objects.get(action="unit.imported")
    assert summary.actor == users["staff"] and summary.unit == tree["bac_ninh"] and summary.data["created"] == 4

    count = Unit.objects.count()
    again = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(GOOD_ROWS)))

    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert Unit.objects.count() == count
    assert AuditEvent.objects.filter(action="unit.imported").count() == 1


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "one-by-one"])
def test_imported_units_are_stored_exactly_as_units_saved_one_by_one(tree, users, monkeypatch, bulk):
    if not bulk:
        monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    rows = GOOD_ROWS[:4] + [["Tổ 1", "Tổ dân phố", None, "Chi bộ Tổ dân phố số 1", "T-1", None, None]]

    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(rows)))

    assert result.created == 5
    for unit in Unit.objects.filter(name__in=[r[0] for r in rows]):
        stored = (unit.search_key, unit.path, unit.depth)
        unit.save()
        unit.refresh_from_db()
        assert stored == (unit.search_key, unit.path, unit.depth)
    assert Unit.objects.get(name="Tổ 1").depth == 5  # Việt Nam > Bắc Ninh > Từ Sơn > TDP 1 > Chi bộ > Tổ 1


def test_one_bad_row_is_reported_with_its_row_and_column_and_nothing_is_saved(tree, users):
    rows = [
        ["Thôn Nam", "Thôn", "09367", None, None, None, None],
        ["Phường Mới", "Phường", None, None, None, None, None],
        ["Thôn Tây", "Thôn", "09367", None, None, "31/02/2025", None],
        ["Thôn Bắc", "Thôn", "12345", None, None, None, None],
    ]
    before = Unit.objects.count()

    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(rows)))

    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Loại (B)"),
        (4, "Ngày thành lập (F)"),
        (5, "Mã đơn vị cấp trên (C)"),
    ]
    assert "official lists" in result.errors[0].message
    assert "dd/mm/yyyy" in result.errors[1].message
    assert Unit.objects.count() == before  # not even Thôn Nam on the good row 2
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ([None, "Thôn", "09367", None, None, None, None], "Tên đơn vị (A)", "name is missing"),
        (["Thôn A", None, None, None, None, None, None], "Loại (B)", "kind is missing"),
        (["Thôn A", "Làng nghề", None, None, None, None, None], "Loại (B)", "Unknown kind"),
        (["Thôn A", "Thôn", "99999", None, None, None, None], "Mã đơn vị cấp trên (C)", "No unit you manage"),
        (["Thôn A", "Thôn", None, "Phường Không Có", None, None, None], "Tên đơn vị cấp trên (D)", "No unit named"),
        (["Thôn A", "Thôn", None, None, None, None, None], "Loại (B)", "belongs under a commune"),
        (["Thôn A", "Thôn", "09367", "Phường Đông Ngàn", None, None, None], "Tên đơn vị cấp trên (D)", "belongs to"),
        (["Thôn A", "Thôn", "09367", None, None, "ngày mai", None], "Ngày thành lập (F)", "not a date"),
        (["Thôn A" * 50, "Thôn", "09367", None, None, None, None], "Tên đơn vị (A)", "Too long"),
    ],
)
def test_each_kind_of_mistake_is_explained_on_its_cell(tree, users, row, column, reason):
    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx([row])))

    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert reason in result.errors[0].message


def test_a_parent_name_that_several_units_share_is_refused_as_ambiguous(tree, users):
    make_unit("Chi bộ Khu phố", Unit.Kind.PARTY, tree["tu_son"])
    make_unit("Chi bộ Khu phố", Unit.Kind.PARTY, tree["dong_ngan"])
    rows = [["Tổ 1", "Tổ dân phố", None, "chi bo khu pho", None, None, None]]

    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(rows)))

    assert "Several units match" in result.errors[0].message


def test_local_codes_must_be_unique_in_the_file_and_in_the_database(tree, users):
    make_unit("Cơ quan cũ", Unit.Kind.AGENCY, tree["tu_son"], code="CQ-1", code_scheme="local")
    rows = [
        ["Cơ quan A", "Cơ quan", "09367", None, "CQ-1", None, None],
        ["Cơ quan B", "Cơ quan", "09367", None, "CQ-2", None, None],
        ["Cơ quan C", "Cơ quan", "09367", None, "CQ-2", None, None],
    ]

    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(rows)))

    assert [(e.row, e.column) for e in result.errors] == [(2, "Mã (E)"), (4, "Mã (E)")]
    assert "another unit" in result.errors[0].message and "row 3" in result.errors[1].message


def test_the_same_unit_twice_in_one_file_is_refused(tree, users):
    rows = [
        ["Thôn Mới", "Thôn", "09367", None, None, None, None],
        ["THÔN MỚI", "village", "09367", None, None, None, None],
    ]

    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(rows)))

    assert [e.row for e in result.errors] == [3] and "row 2" in result.errors[0].message


def test_villages_differing_only_by_accents_are_different_villages(tree, users):
    rows = [["Thôn Đồng", "Thôn", "09999", None, None, None, None]]  # beside the existing Thôn Đông

    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(rows)))

    assert result.created == 1
    assert set(tree["dong_ngan"].children.values_list("name", flat=True)) == {"Thôn Đông", "Thôn Đồng"}


def test_a_parent_on_a_later_row_is_pointed_out(tree, users):
    rows = [
        ["Chi bộ Thôn Mới", "Tổ chức Đảng", None, "Thôn Mới", None, None, None],
        ["Thôn Mới", "Thôn", "09367", None, None, None, None],
    ]

    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(rows)))

    assert [e.row for e in result.errors] == [2] and "row 3" in result.errors[0].message


def test_a_parent_outside_the_users_scope_is_not_found(tree, users):
    rows = [["Thôn Hà", "Thôn", "00070", None, None, None, None]]  # Phường Hoàn Kiếm, Hà Nội

    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(rows)))

    assert "No unit you manage has the code 00070" in result.errors[0].message
    assert not Unit.objects.filter(name="Thôn Hà").exists()


def test_a_leader_who_sees_a_unit_may_still_not_import_under_it(tree, users):
    staff = make_user("staff_ts", role=RoleGrant.Role.STAFF, unit=tree["tu_son"])
    RoleGrant.objects.create(user=staff, role=RoleGrant.Role.LEADER, unit=tree["bac_ninh"])
    rows = [["Thôn Xa", "Thôn", "09999", None, None, None, None]]  # Đông Ngàn: seen, not managed

    result = excel_import(actor=staff, parent=tree["tu_son"], file=upload(xlsx(rows)))

    assert "outside the units you manage" in result.errors[0].message


def test_headings_in_english_in_another_order_and_kinds_in_either_language_are_accepted(tree, users):
    rows = [["village", "Thôn Gốc", "09367"], ["Residential group", "Khu phố 2", "09367"], ["AGENCY", "UBND", None]]

    result = excel_import(
        actor=users["staff"], parent=tree["tu_son"], file=upload(xlsx(rows, headings=["Kind", "Name", "Parent code"]))
    )

    assert result.ok, result.errors
    assert dict(tree["tu_son"].children.values_list("name", "kind")) == {
        "Thôn Gốc": "village",
        "Khu phố 2": "residential_group",
        "UBND": "agency",
    }


def test_a_sheet_without_the_template_headings_is_refused(tree, users):
    result = excel_import(
        actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx([["a", "b"]], headings=["x", "y"]))
    )

    assert result.errors[0].row == 1 and "Tên đơn vị" in result.errors[0].message


def test_a_chain_of_units_deeper_than_the_tree_can_hold_is_refused(tree, users):
    rows = [["Chi bộ 0", "Chi bộ", "09367", None, None, None, None]]
    rows += [[f"Chi bộ {i}", "Chi bộ", None, f"Chi bộ {i - 1}", None, None, None] for i in range(1, 130)]

    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(rows)))

    assert "Too many levels" in result.errors[0].message
    assert not Unit.objects.filter(name="Chi bộ 0").exists()


def test_too_many_rows_are_refused(tree, users, monkeypatch):
    monkeypatch.setattr("units.excel_import.importer.MAX_ROWS", 3)  # the limit the importer reads
    rows = [[f"Thôn {i}", "Thôn", "09367", None, None, None, None] for i in range(4)]

    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(rows)))

    assert "more than 3 units" in result.errors[0].message
    assert not Unit.objects.filter(name__startswith="Thôn 0").exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><body><table><tr><td>Thon A</td></tr></table></body></html>", "don-vi.xlsx"),
        ("Tên đơn vị,Loại\nThôn A,Thôn\n".encode(), "don-vi.xlsx"),
        (b"PK\x03\x04 not really a zip", "don-vi.xlsx"),
        (zipped_text(), "don-vi.xlsx"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused_with_a_clear_message(tree, users, content, name):
    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(content, name))

    assert len(result.errors) == 1 and result.errors[0].row is None
    assert "not an Excel workbook (.xlsx)" in result.errors[0].message


def test_an_old_xls_file_is_refused_with_advice(tree, users):
    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(b"\xd0\xcf\x11\xe0" + b"\0" * 100))

    assert "97-2003" in result.errors[0].message


def test_a_thousand_rows_import_in_queries_that_do_not_grow_with_the_rows(tree, users):
    """Inserted a level at a time in batches: 1,000 rows cost about what 50 do (the speed itself is measured
    by bench/import_units.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def imported(n: int, start: int) -> int:
        rows = [
            [f"Tổ dân phố số {i}", "Tổ dân phố", "09367", None, f"T{i}", "01/07/2025", None]
            for i in range(start, start + n)
        ]
        with CaptureQueriesContext(connection) as queries:
            result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(xlsx(rows)))
        assert result.created == n
        return len(queries)

    few, many = imported(50, 0), imported(1000, 50)
    batches = -(-1000 // max(1, connection.ops.bulk_batch_size(["name"] * 12, [None] * 1000)))
    assert many <= few + 2 * batches, (few, many)


# --- the pages ---------------------------------------------------------------------------------


def test_the_template_downloads_as_a_workbook_with_the_headings_and_a_kind_list(client, users):
    client.force_login(users["staff"])

    response = client.get(reverse("units:excel_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == importer.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-don-vi.xlsx"'
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    data, guide = wb.worksheets[0], wb.worksheets[1]
    assert [c.value for c in data[1]] == HEADINGS
    assert guide.sheet_state == "visible" and wb.worksheets[2].sheet_state == "hidden"
    (validation,) = data.data_validations.dataValidation
    assert validation.type == "list" and "B2" in str(validation.sqref)
    kinds = [c.value for c in wb[validation.formula1.split("!")[0]]["A"]]
    assert kinds == [str(Unit.Kind(k).label) for k in importer.IMPORTABLE_KINDS]


def test_a_filled_in_template_imports(tree, users):
    wb = openpyxl.load_workbook(io.BytesIO(excel_template()))
    kinds = [c.value for c in wb["DanhMuc"]["A"]]
    wb.worksheets[0].append(["Hội Nông dân phường", kinds[5], "09367", None, None, datetime.date(2025, 7, 1), None])
    buffer = io.BytesIO()
    wb.save(buffer)

    result = excel_import(actor=users["staff"], parent=tree["bac_ninh"], file=upload(buffer.getvalue()))

    assert result.created == 1
    assert Unit.objects.get(name="Hội Nông dân phường").kind == Unit.Kind.MASS_ORGANISATION


def test_staff_upload_a_file_and_land_on_the_unit_page(client, tree, users):
    client.force_login(users["staff"])
    page = client.get(IMPORT_URL, {"unit": tree["tu_son"].pk})
    assert page.status_code == 200 and "Phường Từ Sơn" in page.content.decode()

    rows = [["Thôn Một", "Thôn", None, None, None, None, None], ["Thôn Hai", "Thôn", None, None, None, None, None]]
    response = client.post(IMPORT_URL, {"parent": tree["tu_son"].pk, "file": upload(xlsx(rows))}, follow=True)

    assert response.redirect_chain[-1][0] == tree["tu_son"].get_absolute_url()
    assert "Imported 2 units." in [str(m) for m in response.context["messages"]]
    assert set(tree["tu_son"].children.values_list("name", flat=True)) == {"Thôn Một", "Thôn Hai"}


def test_the_page_lists_the_problems_and_saves_nothing(client, tree, users):
    client.force_login(users["staff"])
    rows = [["Thôn Một", "Thôn", None, None, None, None, None], ["Thôn Hai", "Làng nghề", None, None, None, None, None]]

    response = client.post(IMPORT_URL, {"parent": tree["tu_son"].pk, "file": upload(xlsx(rows))})

    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "Loại (B)")]
    assert "Unknown kind “Làng nghề”" in response.content.decode()
    assert not tree["tu_son"].children.exists()


def test_the_page_refuses_a_renamed_csv(client, tree, users):
    client.force_login(users["staff"])

    response = client.post(
        IMPORT_URL, {"parent": tree["tu_son"].pk, "file": upload(b"Ten don vi,Loai\nThon A,Thon\n", "danh-sach.xlsx")}
    )

    assert "not an Excel workbook (.xlsx)" in response.content.decode()
    assert not tree["tu_son"].children.exists()


def test_an_oversized_file_is_refused(client, tree, users, settings):
    settings.MAX_UPLOAD_SIZE = 1000
    client.force_login(users["staff"])
    content = xlsx([["Thôn Một", "Thôn", None, None, None, None, None]])
    assert len(content) > 1000

    response = client.post(IMPORT_URL, {"parent": tree["tu_son"].pk, "file": upload(content)})

    assert "the limit is 1000" in response.content.decode().replace("\xa0", " ")
    assert not tree["tu_son"].children.exists()
    direct = excel_import(actor=users["staff"], parent=tree["tu_son"], file=upload(content))
    assert "the limit is" in direct.errors[0].message


def test_staff_of_ha_noi_cannot_reach_bac_ninh(client, tree, users):
    client.force_login(users["staff_ha_noi"])

    assert client.get(IMPORT_URL, {"unit": tree["bac_ninh"].pk}).status_code == 404
    rows = [["Thôn Lạ", "Thôn", None, None, None, None, None]]
    response = client.post(IMPORT_URL, {"parent": tree["tu_son"].pk, "file": upload(xlsx(rows))})
    assert response.status_code == 404
    assert not Unit.objects.filter(name="Thôn Lạ").exists()
    search = client.get(IMPORT_URL, {"q": "tu son"})
    assert search.status_code == 200 and not search.context["results"]


@pytest.mark.parametrize("who", ["reporter_tu_son", "leader", "head_tu_son", "nobody"])
def test_users_who_may_not_manage_units_get_403(client, users, who):
    client.force_login(users[who])

    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(reverse("units:excel_template")).status_code == 403


def test_the_service_itself_refuses_a_user_who_may_not_manage_the_unit(tree, users):
    with pytest.raises(ValidationError):
        excel_import(actor=users["staff_ha_noi"], parent=tree["tu_son"], file=upload(xlsx(GOOD_ROWS)))


def test_posting_without_a_unit_asks_for_one(client, tree, users):
    client.force_login(users["staff"])

    response = client.post(IMPORT_URL, {"file": upload(xlsx(GOOD_ROWS))})

    assert response.status_code == 200 and "Choose the unit to import into." in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_unit_picker_searches_units_the_user_manages(client, tree, users):
    client.force_login(users["staff"])

    page = client.get(IMPORT_URL)
    assert page.context["unit"] == tree["bac_ninh"]  # their only scope is preselected

    found = client.get(IMPORT_URL, {"q": "dong ngan"})
    assert [u.name for u in found.context["results"]] == ["Phường Đông Ngàn"]
    assert f'href="?unit={tree["dong_ngan"].pk}"' in found.content.decode()
