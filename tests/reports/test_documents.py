"""A report printed as Decree 30/2020/NĐ-CP (State) and Guideline 36-HD/VPTW (Party) set it: one shipped typeface
with every Vietnamese letter, embedded; page numbers at the top centre from page 2; each format's header, sizes and
weights, read back from the PDF (pdffonts, pdftotext) and from WeasyPrint's layout of the real template."""

import datetime
import os
import re
import shutil
import subprocess

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from reports import services
from reports.documents import pdf as documents
from reports.models import ReportForm
from tests.factories import make_signer
from tests.reports.conftest import fill

pytestmark = pytest.mark.django_db
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
VIETNAMESE = "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
PARTY_DOCUMENT = {
    "doc_symbol": "125-BC/ĐU",
    "doc_date": datetime.date(2026, 4, 3),
    "issuer": "ĐẢNG BỘ TỈNH BẮC NINH\nĐẢNG ỦY PHƯỜNG TỪ SƠN\n*",
    "issuing_body": "party_standing",
}


def _need(tool: str):
    if not shutil.which(tool):
        if REQUIRE_SERVICES:
            pytest.fail(f"{tool} (poppler-utils) is missing")
        pytest.skip(f"{tool} is not installed")


def _filed(obligation, users, *, party: bool):
    if party:  # the Party committee's standing committee issues it, and Từ Sơn's head is its secretary
        obligation.form.header = ReportForm.Header.PARTY
        obligation.form.save(update_fields=["header"])
        make_signer(users["head_tu_son"], obligation.unit, title="Bí thư Đảng ủy")
    report = fill(obligation, users["reporter_tu_son"])
    document = PARTY_DOCUMENT if party else {"doc_symbol": "12/BC-UBND", "doc_date": datetime.date(2026, 4, 3)}
    services.report_save_draft(
        actor=users["reporter_tu_son"], obligation=obligation, revision=report.revision, document=document
    )
    services.report_submit(actor=users["head_tu_son"], report=report)


def _pdf(client, obligation, users, tmp_path):
    client.force_login(users["staff"])
    response = client.get(reverse("reports:report_pdf", args=[obligation.pk]))
    assert response.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    return path


def _text(path, *pages: int, layout: bool = True) -> str:
    args = ["pdftotext", "-layout"] if layout else ["pdftotext"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_the_shipped_typeface_has_every_vietnamese_letter_in_its_four_styles():
    from fontTools.ttLib import TTFont

    assert (documents.FONT_DIR / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1
    for name in documents.FONT_FILES.values():
        font = TTFont(documents.FONT_DIR / name)
        cmap = font.getBestCmap()
        missing = [c for c in VIETNAMESE + VIETNAMESE.lower() if ord(c) not in cmap]
        assert missing == [], (name, missing)
        assert font["name"].getDebugName(1) == documents.FONT_FAMILY
        assert font["OS/2"].fsType & 0x2 == 0  # embedding is not restricted


@pytest.mark.parametrize("party", [False, True], ids=["state", "party"])
def test_one_serif_family_embedded_and_the_vietnamese_reads_back(client, obligation, users, tmp_path, party):
    _need("pdffonts")
    _filed(obligation, users, party=party)
    path = _pdf(client, obligation, users, tmp_path)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert rows, listing
    # "ABCDEF+Tinos-Bold-Italic  CID TrueType  Identity-H  yes yes yes ...": the family, and "emb" is yes
    families = {re.sub(r"^[A-Z]{6}\+", "", row[0]).split("-")[0] for row in rows}
    assert families == {"Tinos"}, listing
    assert all(row[-5] == "yes" for row in rows), listing
    styles = {re.sub(r"^[A-Z]{6}\+", "", row[0]) for row in rows}
    assert {"Tinos", "Tinos-Bold", "Tinos-Italic"} <= styles  # body, headings, the place and date
    text = " ".join(_text(path).split())
    assert "PHƯỜNG TỪ SƠN" in text
    assert "Từ Sơn, ngày 03 tháng 4 năm 2026" in text


@pytest.mark.parametrize("party", [False, True], ids=["state", "party"])
def test_page_numbers_at_the_top_from_the_second_page(client, obligation, users, tmp_path, party):
    _need("pdftotext")
    _filed(obligation, users, party=party)
    path = _pdf(client, obligation, users, tmp_path)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages >= 2
    first = [line.strip() for line in _text(path, 1).splitlines() if line.strip()]
    assert first[0] != "1" and "1" not in [line for line in first if line.isdigit()]
    for page in range(2, pages + 1):
        lines = [line for line in _text(path, page).splitlines() if line.strip()]
        assert lines[0].strip() == str(page), lines[:2]
        width = max(len(line) for line in lines)
        middle = lines[0].index(str(page)) + 0.5
        assert abs(middle - width / 2) < width * 0.1, lines[0]  # centred


def _boxes(context: dict):
    """(text, style) of every line of text WeasyPrint lays out for the document's template."""
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string("reports/document.html", {**context, "font_faces": documents.font_faces()})
    out = []
    for page in HTML(string=html, base_url=str(documents.FONT_DIR)).render().pages:
        for box in page._page_box.descendants():
            if type(box).__name__ == "TextBox":
                out.append((box.text, box.style))
    return out


def _style(boxes, text: str):
    found = [style for t, style in boxes if t.strip() == text]
    assert found, (text, [t for t, _s in boxes][:40])
    return found[0]


PT = 4 / 3  # CSS pixels per point


def _looks(style) -> tuple:
    return (
        round(style["font_size"] / PT, 1),
        style["font_weight"] >= 700,
        style["font_style"] == "italic",
        "underline" in (style["text_decoration_line"] or ()),
    )


def test_the_party_format_is_guideline_36s(obligation, users):
    _filed(obligation, users, party=True)
    report = obligation.report
    report.obligation = obligation
    with translation.override("vi"):
        context = documents.document_context(report)
    boxes = _boxes(context)
    #                                   size  bold   italic underlined
    assert _looks(_style(boxes, "ĐẢNG CỘNG SẢN VIỆT NAM")) == (15, True, False, True)
    assert _looks(_style(boxes, "ĐẢNG BỘ TỈNH BẮC NINH")) == (14, False, False, False)  # the body above
    assert _looks(_style(boxes, "ĐẢNG ỦY PHƯỜNG TỪ SƠN")) == (14, True, False, False)  # the issuing body
    assert [t for t, _s in boxes].count("*") == 1  # one asterisk under it, not the typed one as well
    assert _looks(_style(boxes, "Số 125-BC/ĐU")) == (14, False, False, False)  # no colon
    assert _looks(_style(boxes, "Từ Sơn, ngày 03 tháng 4 năm 2026")) == (14, False, True, False)
    assert _looks(_style(boxes, "T/M BAN THƯỜNG VỤ")) == (14, True, False, False)
    body = next(style for t, style in boxes if t.endswith("Đã tổ chức quán triệt."))
    assert _looks(body) == (14, False, False, False)
    assert _looks(_style(boxes, "Nơi nhận:")) == (14, False, False, True)
    assert not any("CỘNG HÒA" in t or t.startswith("Số:") for t, _s in boxes)


def test_the_state_format_is_decree_30s(obligation, users):
    _filed(obligation, users, party=False)
    report = obligation.report
    report.obligation = obligation
    with translation.override("vi"):
        context = documents.document_context(report)
    boxes = _boxes(context)
    assert _looks(_style(boxes, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")) == (12, True, False, False)
    assert _looks(_style(boxes, "Độc lập - Tự do - Hạnh phúc")) == (13, True, False, False)
    # "ỦY BAN NHÂN DÂN / PHƯỜNG TỪ SƠN" is one body's name on two lines: both bold, nothing above it
    assert _looks(_style(boxes, "ỦY BAN NHÂN DÂN")) == (13, True, False, False)
    assert _looks(_style(boxes, "PHƯỜNG TỪ SƠN")) == (13, True, False, False)
    assert context["parent_lines"] == []
    assert _looks(_style(boxes, "Số: 12/BC-UBND")) == (13, False, False, False)
    assert _looks(_style(boxes, "Từ Sơn, ngày 03 tháng 4 năm 2026")) == (13, False, True, False)
    assert _looks(_style(boxes, "BÁO CÁO")) == (14, True, False, False)
    body = next(style for t, style in boxes if t.endswith("Đã tổ chức quán triệt."))
    assert _looks(body) == (14, False, False, False)
    assert _looks(_style(boxes, "Nơi nhận:")) == (12, True, True, False)
    assert _looks(_style(boxes, "TM. ỦY BAN NHÂN DÂN")) == (14, True, False, False)


@pytest.mark.parametrize(
    "typed, parent, issuer",
    [
        ("ỦY BAN NHÂN DÂN\nPHƯỜNG TỪ SƠN", [], ["ỦY BAN NHÂN DÂN", "PHƯỜNG TỪ SƠN"]),
        ("UBND TỈNH BẮC NINH\nSỞ NỘI VỤ", ["UBND TỈNH BẮC NINH"], ["SỞ NỘI VỤ"]),
        ("ĐẢNG BỘ TỈNH BẮC NINH\nĐẢNG ỦY PHƯỜNG TỪ SƠN\n*", ["ĐẢNG BỘ TỈNH BẮC NINH"], ["ĐẢNG ỦY PHƯỜNG TỪ SƠN"]),
        ("TỈNH ỦY BẮC NINH\nBAN CHỈ ĐẠO XÂY DỰNG VÀ THỰC HIỆN\nQUY CHẾ DÂN CHỦ Ở CƠ SỞ", ["TỈNH ỦY BẮC NINH"],
         ["BAN CHỈ ĐẠO XÂY DỰNG VÀ THỰC HIỆN", "QUY CHẾ DÂN CHỦ Ở CƠ SỞ"]),
        ("PHƯỜNG TỪ SƠN", [], ["PHƯỜNG TỪ SƠN"]),
    ],
)  # fmt: skip
def test_the_body_above_is_told_from_the_issuing_body(typed, parent, issuer):
    assert documents.split_issuer(typed.splitlines()) == (parent, issuer)


def _soffice():
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        if REQUIRE_SERVICES:
            pytest.fail("soffice (libreoffice-writer-nogui) is missing")
        pytest.skip("LibreOffice (soffice) is not installed")
    return soffice


@pytest.mark.parametrize("party", [False, True], ids=["state", "party"])
def test_the_report_as_a_word_file_has_the_pdfs_header_and_figures(client, obligation, users, tmp_path, party):
    soffice = _soffice()
    _need("pdftotext")
    from docx import Document

    _filed(obligation, users, party=party)
    client.force_login(users["reporter_tu_son"])
    response = client.get(reverse("reports:report_docx", args=[obligation.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-quy-i-nam-2026-phuong-tu-son.docx"'
    path = tmp_path / "report.docx"
    path.write_bytes(response.content)
    document = Document(str(path))
    assert document.styles["Normal"].font.name == "Times New Roman"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert tuple(round(m.mm) for m in margins) == (20, 20, 30, 15)
    header = document.tables[0]
    assert 'w:val="nil"' in header._tbl.xml  # borderless
    left, right = (cell.text.splitlines() for cell in header.rows[0].cells)
    if party:
        assert left == ["ĐẢNG BỘ TỈNH BẮC NINH", "ĐẢNG ỦY PHƯỜNG TỪ SƠN", "*", "Số 125-BC/ĐU"]
        assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM" and header.rows[0].cells[1].paragraphs[0].runs[0].underline
    else:
        assert [line for line in left if line] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG TỪ SƠN", "Số: 12/BC-UBND"]
        assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(path)],
        check=True, capture_output=True, timeout=120, env=_libreoffice_env(tmp_path),
    )  # fmt: skip
    pdf = tmp_path / "out" / "report.pdf"
    text = " ".join(_text(pdf, layout=False).split())
    for expected in (
        "PHƯỜNG TỪ SƠN",
        "Từ Sơn, ngày 03 tháng 4 năm 2026",
        "BÁO CÁO",
        "Kết quả thực hiện Quy chế dân chủ ở cơ sở quý I năm 2026",
        "Số lượt người tham dự họp cộng đồng dân cư",
        "1.240",
        "92,5",
        "Nơi nhận:",
        "T/M BAN THƯỜNG VỤ" if party else "TM. ỦY BAN NHÂN DÂN",
    ):
        assert expected in text, expected
    lines = [line.strip() for line in _text(pdf, 2).splitlines() if line.strip()]
    assert lines[0] == "2"  # the page number at the top of page 2 (none on page 1)
    assert [line.strip() for line in _text(pdf, 1).splitlines() if line.strip()][0] != "1"


def test_a_report_filed_with_no_version_on_record_still_prints_and_says_so(client, obligation, users, tmp_path):
    """Reports loaded in bulk (the demo's year of history, an import) are filed with no version kept: their PDF
    and .docx open, and say that no approval is on record, instead of failing."""
    from docx import Document

    from reports.models import ReportVersion

    _need("pdftotext")
    _filed(obligation, users, party=False)
    ReportVersion.objects.filter(report__obligation=obligation).delete()
    text = " ".join(_text(_pdf(client, obligation, users, tmp_path), layout=False).split())
    assert "hệ thống không lưu bản ký duyệt của báo cáo này" in text
    response = client.get(reverse("reports:report_docx", args=[obligation.pk]))
    assert response.status_code == 200
    path = tmp_path / "report.docx"
    path.write_bytes(response.content)
    paragraphs = [p.text for p in Document(str(path)).paragraphs if p.text]
    assert paragraphs[-1].endswith("hệ thống không lưu bản ký duyệt của báo cáo này.")


def test_the_word_files_header_column_holds_the_party_bodys_name_on_one_line(client, obligation, users, tmp_path):
    """ "ĐẢNG ỦY PHƯỜNG TỪ SƠN" (14 pt bold) is wider than a 69 mm column less Word's cell margins: the Party
    header's left column is wider, as the PDF's, and the right one still holds "ĐẢNG CỘNG SẢN VIỆT NAM"."""
    from docx import Document

    from reports.documents import word

    _filed(obligation, users, party=True)
    client.force_login(users["reporter_tu_son"])
    path = tmp_path / "report.docx"
    path.write_bytes(client.get(reverse("reports:report_docx", args=[obligation.pk])).content)
    header = Document(str(path)).tables[0]
    grid = [int(col.get(qn_w("w"))) / 56.7 for col in header._tbl.tblGrid.findall(qn_w("gridCol"))]  # twips → mm
    room = [width - 2 * word.CELL_MARGIN_MM for width in grid]
    assert word.text_width_mm("ĐẢNG ỦY PHƯỜNG TỪ SƠN", 14, bold=True) < room[0]
    assert word.text_width_mm("ĐẢNG CỘNG SẢN VIỆT NAM", 15, bold=True) < room[1]
    approval = [p.text for p in Document(str(path)).paragraphs if p.text][-1]
    assert approval.startswith("Bản số 1") and "ký duyệt" in approval  # the version and who approved it


def qn_w(name: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{name}")


def _libreoffice_env(tmp_path):
    """LibreOffice with Tinos for Times New Roman, as Word has Times New Roman on an official's computer."""
    from reports.documents.word import fonts_conf

    return {**os.environ, "FONTCONFIG_FILE": str(fonts_conf(tmp_path))}
