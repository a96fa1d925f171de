"""The evaluation sheet read back: the PDF's embedded typeface and text (pdffonts, pdftotext), the .docx through
LibreOffice, the ranked table through openpyxl (text that a spreadsheet would run stays text)."""

import datetime
import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluations import services
from tests.evaluations.conftest import opened
from tests.evaluations.test_flow import score_all
from tests.reports.test_documents import _need, _soffice, _text

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(tree, users, history, unit_set, head_signs):
    e = next(x for x in opened(unit_set, users["staff"]) if x.unit == tree["tu_son"])
    e = services.evaluation_submit(actor=users["reporter_tu_son"], evaluation=score_all(e, users["reporter_tu_son"]))
    e = services.evaluation_approve(actor=users["head_tu_son"], evaluation=e)
    level = e.criteria_set.levels.get(name="Hoàn thành nhiệm vụ")
    return services.evaluation_decide(
        actor=users["staff"], evaluation=e, level=level, symbol="12-QĐ/BCĐ", date=datetime.date(2026, 12, 20)
    )


def _get(client, user, name, pk, tmp_path, suffix):
    client.force_login(user)
    response = client.get(reverse(f"evaluations:{name}", args=[pk]))
    assert response.status_code == 200
    path = tmp_path / f"sheet.{suffix}"
    path.write_bytes(response.content)
    return response, path


def test_the_unit_sheet_pdf_embeds_tinos_and_reads_back(client, users, decided, tmp_path):
    _need("pdffonts")
    response, path = _get(client, users["reporter_tu_son"], "evaluation_pdf", decided.pk, tmp_path, "pdf")
    assert response["Content-Disposition"] == 'attachment; filename="danh-gia-2026-phuong-tu-son.pdf"'
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    families = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()}
    assert (
        families <= {"Tinos", "Tinos-Bold", "Tinos-Italic", "Tinos-Bold-Italic", "Tinos-BoldItalic"}
        and "Tinos" in families
    )
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip())  # embedded
    text = " ".join(_text(path, layout=False).split())
    for expected in (
        "ỦY BAN NHÂN DÂN PHƯỜNG TỪ SƠN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Từ Sơn, ngày 29 tháng 11 năm 2026",
        "BÁO CÁO",
        "Tự đánh giá, xếp loại kết quả thực hiện Quy chế dân chủ ở cơ sở năm 2026",
        "Thực hiện chế độ báo cáo đúng hạn",
        "Kết quả xếp loại: Hoàn thành nhiệm vụ (60 điểm), theo Quyết định số 12-QĐ/BCĐ ngày 20/12/2026",
        "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
        "Hoàng Thế Trung",  # the head who approved, by his post
        "Nơi nhận:",
    ):
        assert expected in text, expected
    assert "DỰ THẢO" not in text


def test_the_heads_sheet_is_signed_by_the_head(client, tree, users, history, head_set, tmp_path):
    _need("pdftotext")
    binh = history["heads"]["binh"].person
    e = next(x for x in opened(head_set, users["staff"]) if x.person == binh)
    _response, path = _get(client, users["staff"], "evaluation_pdf", e.pk, tmp_path, "pdf")
    text = " ".join(_text(path, layout=False).split())
    for expected in ("DỰ THẢO", "PHIẾU ĐÁNH GIÁ, XẾP LOẠI", "Người đứng đầu Phường Từ Sơn năm 2026",
                     "Họ và tên: Trần Thị Bình", "từ ngày 01/06/2026 đến nay", "NGƯỜI TỰ ĐÁNH GIÁ"):  # fmt: skip
        assert expected in text, expected
    assert "Nguyễn Văn An" not in text


def test_the_sheet_as_a_word_file_reads_back_in_libreoffice(client, users, decided, tmp_path):
    soffice = _soffice()
    _need("pdftotext")
    from docx import Document

    _response, path = _get(client, users["staff"], "evaluation_docx", decided.pk, tmp_path, "docx")
    document = Document(str(path))
    assert document.styles["Normal"].font.name == "Times New Roman"
    left, right = (cell.text.splitlines() for cell in document.tables[0].rows[0].cells)
    assert [line for line in left if line][:2] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG TỪ SƠN"]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = " ".join(_text(tmp_path / "out" / "sheet.pdf", layout=False).split())
    for expected in ("BÁO CÁO", "Thực hiện nhiệm vụ được giao đúng thời hạn", "Tổng cộng", "Hoàn thành nhiệm vụ",
                     "QĐ/BCĐ ngày 20/12/2026", "Hoàng Thế Trung"):  # fmt: skip
        assert expected in text, expected


def test_the_ranked_table_is_ordered_and_formula_safe(client, tree, users, history, unit_set, decided):
    dong_ngan = unit_set.evaluations.get(unit=tree["dong_ngan"])
    tree["dong_ngan"].name = '=HYPERLINK("http://x")'
    tree["dong_ngan"].save()
    score_all(dong_ngan, users["reporter_dong_ngan"], points=12)  # 12 each, at most each maximum
    client.force_login(users["staff"])
    response = client.get(reverse("evaluations:set_ranking_xlsx", args=[unit_set.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert [(r[0], r[1], r[3], r[4]) for r in rows[:2]] == [
        (1, '=HYPERLINK("http://x")', 68, None),  # 12+12+10+12+12+10: the unit's own points, not yet reviewed
        (2, "Phường Từ Sơn", 60.0, 60.0),
    ]
    cell = sheet.cell(row=5, column=2)
    assert cell.data_type == "s" and cell.quotePrefix  # text, not a formula
    assert rows[1][5] == "Hoàn thành nhiệm vụ" and rows[1][6] == "12-QĐ/BCĐ"
