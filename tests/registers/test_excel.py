"""The workbook of a register: every row out, and an upload that saves every row or none."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registers.models import CommunityDecision, Conference, Disclosure
from tests.factories import make_unit
from units.models import AuditEvent, Unit

pytestmark = pytest.mark.django_db


def _template(client, slug):
    response = client.get(reverse("registers:import_template", args=[slug]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _upload(client, unit, slug, book):
    out = io.BytesIO()
    book.save(out)
    return client.post(
        reverse("registers:record_import", args=[slug]),
        {"unit": unit.pk, "file": SimpleUploadedFile("so.xlsx", out.getvalue())},
    )


def _fill(book, rows):
    sheet = book.worksheets[0]
    headings = [c.value for c in sheet[1]]
    for values in rows:
        sheet.append([values.get(h) for h in headings])
    return headings


def test_a_filled_template_is_imported_whole(client, users, tree):
    village = make_unit("Thôn Tiêu", Unit.Kind.VILLAGE, tree["tu_son"])
    client.force_login(users["reporter_tu_son"])
    book = _template(client, "disclosures")
    headings = _fill(
        book,
        [
            {
                "Đơn vị": "",
                "Ngày niêm yết": "15/01/2026",
                "Nội dung công khai": "Dự toán ngân sách 2026",
                "Nhóm nội dung": "Dự toán và thực hiện ngân sách",
            },
            {
                "Đơn vị": "thôn tiêu",
                "Ngày niêm yết": datetime.date(2026, 2, 1),
                "Nội dung công khai": "Quyết toán đóng góp",
                "Nhóm nội dung": "fees",
                "Hình thức công khai": "Hệ thống loa truyền thanh",
                "Số ngày niêm yết": 30,
            },
        ],
    )
    assert headings[0] == "Đơn vị"
    response = _upload(client, tree["tu_son"], "disclosures", book)
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = {d.subject: d for d in Disclosure.objects.select_related("unit")}
    assert rows["Dự toán ngân sách 2026"].unit == tree["tu_son"] and rows["Dự toán ngân sách 2026"].form == "posted"
    assert rows["Quyết toán đóng góp"].unit == village and rows["Quyết toán đóng góp"].form == "loudspeaker"
    assert rows["Quyết toán đóng góp"].days_posted == 30
    assert AuditEvent.objects.get(action="register.disclosures.imported").data["count"] == 2


def test_one_bad_row_saves_nothing_and_says_which_and_why(client, users, tree):
    client.force_login(users["reporter_tu_son"])
    book = _template(client, "community-decisions")
    _fill(
        book,
        [
            {
                "Ngày họp hoặc bỏ phiếu": "02/03/2026",
                "Nội dung bàn và quyết định": "Làm đường",
                "Loại việc": "Đóng góp xây dựng công trình công cộng",
                "Cách quyết định": "Bỏ phiếu theo hộ gia đình",
                "Số hộ trong cộng đồng": 100,
                "Số hộ dự họp hoặc bỏ phiếu": 90,
                "Số hộ đồng ý": 60,
            },
            {
                "Ngày họp hoặc bỏ phiếu": "31/02/2026",
                "Nội dung bàn và quyết định": "Quỹ khuyến học",
                "Loại việc": "Thành lập, sử dụng quỹ cộng đồng",
                "Cách quyết định": "Họp cộng đồng dân cư",
                "Số hộ trong cộng đồng": 100,
                "Số hộ dự họp hoặc bỏ phiếu": 90,
                "Số hộ đồng ý": 60,
            },
            {
                "Ngày họp hoặc bỏ phiếu": "05/03/2026",
                "Nội dung bàn và quyết định": "Đèn đường",
                "Loại việc": "Đóng góp xây dựng công trình công cộng",
                "Cách quyết định": "Họp cộng đồng dân cư",
                "Số hộ trong cộng đồng": 100,
                "Số hộ dự họp hoặc bỏ phiếu": 90,
                "Số hộ đồng ý": 95,
            },
            {
                "Ngày họp hoặc bỏ phiếu": "06/03/2026",
                "Nội dung bàn và quyết định": "Nhà văn hóa",
                "Loại việc": "Xây chùa",
                "Cách quyết định": "Họp cộng đồng dân cư",
                "Số hộ trong cộng đồng": 100,
                "Số hộ dự họp hoặc bỏ phiếu": 90,
                "Số hộ đồng ý": 50,
            },
            {
                "Đơn vị": "Phường Đông Ngàn",
                "Ngày họp hoặc bỏ phiếu": "06/03/2026",
                "Nội dung bàn và quyết định": "Chợ",
                "Loại việc": "Việc khác của cộng đồng",
                "Cách quyết định": "Họp cộng đồng dân cư",
                "Số hộ trong cộng đồng": 10,
                "Số hộ dự họp hoặc bỏ phiếu": 9,
                "Số hộ đồng ý": 5,
            },
        ],
    )
    response = _upload(client, tree["tu_son"], "community-decisions", book)
    assert response.status_code == 200
    assert CommunityDecision.objects.count() == 0
    errors = response.context["result"].errors
    assert [e.row for e in errors] == [3, 4, 5, 6]
    assert "31/02/2026" in errors[0].message
    assert errors[2].message == "Không có loại việc “Xây chùa”."
    assert "Phường Đông Ngàn" in errors[3].message  # another ward is not inside the unit chosen
    page = response.content.decode()
    assert "Dòng 3" in page and "không lưu dòng nào" in page


def test_a_conference_names_its_directive_by_symbol(client, users, tree, directive_120):
    client.force_login(users["reporter_tu_son"])
    book = _template(client, "conferences")
    _fill(
        book,
        [
            {
                "Ngày": "10/03/2026",
                "Hội nghị": "Quán triệt Kết luận 120",
                "Văn bản được quán triệt": "120-kl/tw",
                "Số chi bộ của đơn vị": 12,
                "Số chi bộ tham dự": 11,
            }
        ],
    )
    assert _upload(client, tree["tu_son"], "conferences", book).status_code == 302
    assert Conference.objects.get().directive == directive_120


def test_a_file_that_is_not_a_workbook_is_refused_plainly(client, users, tree):
    client.force_login(users["reporter_tu_son"])
    response = client.post(
        reverse("registers:record_import", args=["disclosures"]),
        {"unit": tree["tu_son"].pk, "file": SimpleUploadedFile("so.xlsx", b"ngay,noi dung\n")},
    )
    assert response.status_code == 200 and Disclosure.objects.count() == 0
    assert ".xlsx" in response.context["result"].errors[0].message


def test_export_holds_every_row_with_real_dates(client, users, tree):
    for day in range(1, 121):
        Disclosure.objects.create(
            unit=tree["tu_son"],
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
            subject=f"=Mục {day}",
            group="budget",
        )
    client.force_login(users["reporter_tu_son"])
    response = client.get(reverse("registers:record_export", args=["disclosures"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 120  # more than a page of the list: every row
    assert isinstance(rows[0][1], datetime.datetime)
    cell = sheet.cell(row=2, column=3)
    assert cell.value.startswith("=Mục") and cell.data_type == "s"  # text, never a formula
