"""The dashboard's summary as a document the committee issues: confirmed on a form (issuing body, number, signer,
recipients, header), printed as a PDF and a .docx with every unit in its annex, recorded with who printed it.

The figures are those of the hand-counted history in ``tests/dashboards/conftest.py`` (21 due, 18 received…)."""

import datetime
import os
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from tests.dashboards.test_pages import RANGE
from tests.factories import make_body
from tests.reports.test_documents import _libreoffice_env
from units.models import AuditEvent, Body, BodyMembership, Person

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
BODY_NAME = "Ban Chỉ đạo xây dựng và thực hiện Quy chế dân chủ ở cơ sở tỉnh Bắc Ninh"
# The hand count, unit by unit: due, received, rate, on time, on-time rate, overdue.
ANNEX = {
    "Phường Từ Sơn": ("9", "8", "88,9 %", "6", "66,7 %", "1"),  # with the former Phường Đình Bảng
    "Phường Đông Ngàn": ("7", "7", "100,0 %", "6", "85,7 %", "0"),
    "Phường Tân Hồng": ("5", "3", "60,0 %", "3", "60,0 %", "2"),
}
TOTAL = ("21", "18", "85,7 %", "15", "71,4 %", "3")


@pytest.fixture
def committee(tree):
    """Bắc Ninh's steering committee: its head, its standing deputy, and a former head whose term has ended."""
    body = make_body(tree["bac_ninh"], name=BODY_NAME)
    make_body(tree["bac_ninh"], name="Ban Thanh tra nhân dân tỉnh (thử)", kind=Body.Kind.INSPECTION_BOARD)
    since = datetime.date(2025, 7, 1)

    def member(name, role, start=since, end=None):
        person = Person.objects.create(full_name=name, unit=tree["bac_ninh"])
        return BodyMembership.objects.create(body=body, person=person, role=role, started_on=start, ended_on=end)

    R = BodyMembership.Role
    return {
        "body": body,
        "former": member("Phan Văn Cũ", R.HEAD, datetime.date(2020, 1, 1), datetime.date(2025, 6, 30)),
        "head": member("Nguyễn Văn Minh", R.HEAD),
        "deputy": member("Lê Thị Hoa", R.STANDING_DEPUTY),
    }


def _url(tree):
    return reverse("reports:dashboard_summary", args=[tree["bac_ninh"].pk]) + "?from=2025-01&to=2026-12"


def _form(client, tree) -> dict:
    """What the form page posts when nothing is changed."""
    response = client.get(_url(tree))
    assert response.status_code == 200
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def _need(tool):
    if not shutil.which(tool):
        if REQUIRE_SERVICES:
            pytest.fail(f"{tool} is missing")
        pytest.skip(f"{tool} is not installed")


def _pdf_text(content: bytes, tmp_path, name="summary.pdf", *pages, layout=True) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    args = ["pdftotext", "-layout"] if layout else ["pdftotext"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _annex_rows(text: str) -> dict:
    """Each annex row as {unit: its six figures}, read from the laid-out text."""
    rows = {}
    for line in text.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) >= 8 and cells[0].isdigit():
            rows[cells[1]] = tuple(cells[2:8])
        elif cells and cells[0] == "Tổng cộng":
            rows["Tổng cộng"] = tuple(cells[1:7])
    return rows


def test_the_form_opens_filled_in_from_the_committee(client, tree, users, history, committee, english):
    client.force_login(users["leader"])
    response = client.get(_url(tree))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["body"].value() == committee["body"].pk  # the steering committee, not the inspection board
    assert form["signer"].value() == committee["head"].pk  # its head today, not the former one
    assert [pk for pk, _label in form.fields["signer"].choices] == [
        committee["head"].pk,
        committee["deputy"].pk,
    ]
    assert form["parent"].value() == "TỈNH ỦY BẮC NINH"
    assert form["symbol"].value() == "-BC/BCĐ"
    assert form["signer_title"].value() == "T/M BAN CHỈ ĐẠO\nTRƯỞNG BAN"
    html = response.content.decode()
    assert BODY_NAME in html and "Nguyễn Văn Minh" in html and "Phan Văn Cũ" not in html
    assert "29/11/2026" in html  # the date, dd/mm/yyyy
    # the dashboard's button opens this form with the dashboard's filter
    page = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), RANGE).content.decode()
    assert reverse("reports:dashboard_summary", args=[tree["bac_ninh"].pk]) + "?from=2025-01&amp;to=2026-12" in page


def test_the_old_address_leads_to_the_form(client, tree, users, history, committee):
    client.force_login(users["leader"])
    response = client.get(reverse("reports:dashboard_pdf", args=[tree["bac_ninh"].pk]), RANGE)
    assert response.status_code == 302 and response["Location"] == _url(tree)


def test_the_summary_prints_as_the_committee_confirmed_it(client, tree, users, history, committee, tmp_path):
    _need("pdftotext")
    client.force_login(users["staff"])
    data = {
        **_form(client, tree),
        "symbol": "125-BC/BCĐ",
        "recipients": "- Ban Thường vụ Tỉnh ủy (để báo cáo);\n- Lưu: VT.",
    }
    response = client.post(_url(tree), {**data, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    flat = " ".join(_pdf_text(response.content, tmp_path, layout=False).split())
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "TỈNH ỦY BẮC NINH",
        "Số 125-BC/BCĐ",
        "Bắc Ninh, ngày 29 tháng 11 năm 2026",
        "BÁO CÁO",
        "từ tháng 01 năm 2025 đến tháng 12 năm 2026",
        "Ban Thường vụ Tỉnh ủy (để báo cáo);",
        "T/M BAN CHỈ ĐẠO",
        "TRƯỞNG BAN",
        "Nguyễn Văn Minh",
        "Trần Thị Bình",  # the head of the overdue ward, named
        "18 (85,7 %)",
        "PHỤ LỤC",
        "(Kèm theo Báo cáo số 125-BC/BCĐ ngày 29/11/2026 của " + BODY_NAME + ")",
    ):
        assert expected in flat, expected
    assert "BAN CHỈ ĐẠO XÂY DỰNG VÀ THỰC HIỆN QUY CHẾ DÂN CHỦ Ở CƠ SỞ TỈNH BẮC NINH" in flat  # its full name
    assert "Excel" not in flat and "BAN CHỈ ĐẠO QCDC" not in flat
    # every unit in the annex with the hand-counted figures, and the total
    pdf = tmp_path / "summary.pdf"
    pages = _pages(pdf)
    annex_page = next(p for p in range(1, pages + 1) if "PHỤ LỤC" in _pdf_text(pdf.read_bytes(), tmp_path, "x.pdf", p))
    assert annex_page <= 3  # the document itself stays within two pages
    rows = _annex_rows(_pdf_text(pdf.read_bytes(), tmp_path, "x.pdf", annex_page, pages))
    assert rows == {**ANNEX, "Tổng cộng": TOTAL}
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert {re.sub(r"^[A-Z]{6}\+", "", row.split()[0]).split("-")[0] for row in listing} == {"Tinos"}
    event = AuditEvent.objects.get(action="summary_printed")
    assert event.actor == users["staff"] and event.object_id == committee["body"].pk
    assert "125-BC/BCĐ" in event.summary and event.created_at is not None


def test_a_deputy_signs_for_the_head_and_a_state_header_takes_decree_30s_symbol(
    client, tree, users, history, committee, tmp_path
):
    _need("pdftotext")
    client.force_login(users["staff"])
    data = {
        **_form(client, tree),
        "header": "state",
        "parent": "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        "symbol": "15/BC-BCĐ",
        "signer": committee["deputy"].pk,
        "signer_title": "",  # left empty: the deputy's own authority is printed
        "format": "pdf",
    }
    flat = " ".join(_pdf_text(client.post(_url(tree), data).content, tmp_path, layout=False).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Độc lập - Tự do - Hạnh phúc" in flat
    assert "Số: 15/BC-BCĐ" in flat
    assert "KT. TRƯỞNG BAN PHÓ TRƯỞNG BAN THƯỜNG TRỰC" in flat and "Lê Thị Hoa" in flat
    assert "ĐẢNG CỘNG SẢN" not in flat and "Nguyễn Văn Minh" not in flat


def test_switching_to_the_state_header_without_retyping_prints_the_state_forms(
    client, tree, users, history, committee, tmp_path
):
    _need("pdftotext")
    client.force_login(users["staff"])
    data = {**_form(client, tree), "header": "state", "format": "pdf"}  # the rest as the form proposed it
    flat = " ".join(_pdf_text(client.post(_url(tree), data).content, tmp_path, layout=False).split())
    assert "ỦY BAN NHÂN DÂN TỈNH BẮC NINH" in flat and "TỈNH ỦY BẮC NINH" not in flat
    assert "TM. BAN CHỈ ĐẠO" in flat and "T/M" not in flat
    typed = {**data, "signer_title": "TM. BAN CHỈ ĐẠO\nPHÓ TRƯỞNG BAN TRỰC", "signer": committee["deputy"].pk}
    flat = " ".join(_pdf_text(client.post(_url(tree), typed).content, tmp_path, layout=False).split())
    assert "PHÓ TRƯỞNG BAN TRỰC" in flat  # what staff typed is printed as typed


def test_the_signer_must_belong_to_the_issuing_body(client, tree, users, history, committee, english):
    client.force_login(users["staff"])
    other = make_body(tree["ha_noi"], name="Ban Chỉ đạo QCDC Hà Nội")
    stranger = BodyMembership.objects.create(
        body=other,
        person=Person.objects.create(full_name="Người Ngoài", unit=tree["ha_noi"]),
        role=BodyMembership.Role.HEAD,
        started_on=datetime.date(2025, 1, 1),
    )
    for signer in (stranger.pk, committee["former"].pk):  # another province's committee; a term that has ended
        response = client.post(_url(tree), {**_form(client, tree), "signer": signer, "format": "pdf"})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert response.context["form"].errors["signer"]
    assert not AuditEvent.objects.filter(action="summary_printed").exists()


@pytest.mark.parametrize("who", ["reporter_tu_son", "staff_ha_noi", "nobody"])
def test_others_cannot_print_the_provinces_summary(client, tree, users, history, committee, who):
    client.force_login(users[who])
    assert client.get(_url(tree)).status_code == 404
    data = {"body": committee["body"].pk, "signer": committee["head"].pk, "format": "pdf"}
    assert client.post(_url(tree), data).status_code == 404


def test_the_summary_as_a_word_file_reads_back_in_libreoffice(client, tree, users, history, committee, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        if REQUIRE_SERVICES:
            pytest.fail("soffice (libreoffice-writer-nogui) is missing")
        pytest.skip("LibreOffice (soffice) is not installed")
    _need("pdftotext")
    from docx import Document

    client.force_login(users["staff"])
    response = client.post(_url(tree), {**_form(client, tree), "symbol": "125-BC/BCĐ", "format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].endswith('.docx"')
    path = tmp_path / "summary.docx"
    path.write_bytes(response.content)
    document = Document(str(path))
    assert document.styles["Normal"].font.name == "Times New Roman"
    section = document.sections[0]
    assert (round(section.left_margin.mm), round(section.right_margin.mm), round(section.top_margin.mm)) == (30, 15, 20)
    assert section.different_first_page_header_footer  # no page number on the first page
    assert "PAGE" in section.header._element.xml
    header = document.tables[0]
    assert "w:tblBorders" in header._tbl.xml and 'w:val="nil"' in header._tbl.xml  # a borderless two-column table
    assert header.cell(0, 0).text.splitlines()[0] == "TỈNH ỦY BẮC NINH"

    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(path)],
        check=True, capture_output=True, timeout=120, env=_libreoffice_env(tmp_path),
    )  # fmt: skip
    pdf = tmp_path / "out" / "summary.pdf"
    flat = " ".join(_pdf_text(pdf.read_bytes(), tmp_path, "lo.pdf", layout=False).split())
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "TỈNH ỦY BẮC NINH", "Số 125-BC/BCĐ", "T/M BAN CHỈ ĐẠO", "Nguyễn Văn Minh",
                     "18 (85,7 %)", "Trần Thị Bình", "PHỤ LỤC"):  # fmt: skip
        assert expected in flat, expected
    pages = _pages(pdf)
    annex_page = next(p for p in range(1, pages + 1) if "PHỤ LỤC" in _pdf_text(pdf.read_bytes(), tmp_path, "x.pdf", p))
    assert _annex_rows(_pdf_text(pdf.read_bytes(), tmp_path, "x.pdf", annex_page, pages)) == {
        **ANNEX,
        "Tổng cộng": TOTAL,
    }
    second = [line.strip() for line in _pdf_text(pdf.read_bytes(), tmp_path, "x.pdf", 2).splitlines() if line.strip()]
    assert second[0] == "2"  # the page number, at the top of page 2


def test_the_form_page_query_budget(client, tree, users, history, committee, django_assert_max_num_queries):
    client.force_login(users["leader"])
    with django_assert_max_num_queries(12):
        assert client.get(_url(tree)).status_code == 200


def test_the_annex_alone_as_pdf_and_word(client, tree, users, history, committee, tmp_path):
    _need("pdftotext")
    from docx import Document

    client.force_login(users["staff"])
    data = {**_form(client, tree), "symbol": "125-BC/BCĐ"}
    response = client.post(_url(tree), {**data, "format": "annex-pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "phu-luc-" in response["Content-Disposition"]
    text = _pdf_text(response.content, tmp_path)
    assert _pages(tmp_path / "summary.pdf") == 1
    assert "PHỤ LỤC" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" not in text and "Nơi nhận" not in text
    assert _annex_rows(text) == {**ANNEX, "Tổng cộng": TOTAL}
    response = client.post(_url(tree), {**data, "format": "annex-docx"})
    path = tmp_path / "annex.docx"
    path.write_bytes(response.content)
    document = Document(str(path))
    assert [p.text for p in document.paragraphs if p.text][:1] == ["PHỤ LỤC"]
    (table,) = document.tables
    rows = {row.cells[1].text: tuple(c.text for c in row.cells[2:]) for row in table.rows[1:]}
    assert rows == {**ANNEX, "Tổng cộng": TOTAL}
    assert AuditEvent.objects.filter(action="summary_printed", data__part="annex").count() == 2


def test_a_unit_without_a_committee_is_told_to_add_one(client, tree, users, history, english):
    client.force_login(users["staff"])
    response = client.get(_url(tree))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="summary-no-body"' in html and reverse("units:body_create", args=[tree["bac_ninh"].pk]) in html


@pytest.mark.parametrize(
    "start, end, words",
    [
        ((2026, 1), (2026, 12), "năm 2026"),
        ((2026, 1), (2026, 6), "6 tháng đầu năm 2026"),
        ((2026, 3), (2026, 3), "tháng 03 năm 2026"),
        ((2026, 1), (2026, 11), "từ tháng 01 đến tháng 11 năm 2026"),
        ((2025, 7), (2026, 6), "từ tháng 07 năm 2025 đến tháng 06 năm 2026"),
    ],
)
def test_the_period_in_official_words(start, end, words):
    from reports.dashboards.summary import period_phrase

    assert period_phrase(datetime.date(*start, 1), datetime.date(*end, 28)) == words


@pytest.mark.parametrize(
    "role, party, title",
    [
        ("head", True, "T/M BAN CHỈ ĐẠO\nTRƯỞNG BAN"),
        ("head", False, "TM. BAN CHỈ ĐẠO\nTRƯỞNG BAN"),
        ("deputy", True, "K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN"),
        ("standing_deputy", False, "KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN THƯỜNG TRỰC"),
        ("member", True, "T/L TRƯỞNG BAN\nTHÀNH VIÊN"),
    ],
)
def test_the_signers_authority_follows_their_role(role, party, title):
    from reports.dashboards.summary import signer_title

    membership = BodyMembership(role=role, body=Body(kind=Body.Kind.STEERING_COMMITTEE, name="Ban Chỉ đạo"))
    assert signer_title(membership, party=party) == title


def test_the_summary_says_its_days_late_are_working_days(client, tree, users, history, committee, tmp_path):
    """As the dashboard does: 3 late reports, 16 working days late between them (the hand count), 5,3 on average."""
    _need("pdftotext")
    client.force_login(users["staff"])
    response = client.post(_url(tree), {**_form(client, tree), "format": "pdf"})
    flat = " ".join(_pdf_text(response.content, tmp_path, layout=False).split())
    assert "Nộp chậm; số ngày làm việc chậm trung bình 3; 5,3" in flat


def test_choosing_another_signer_or_header_prints_their_own_authority_unless_one_was_typed(
    client, tree, users, history, committee, tmp_path
):
    """The form proposes the head's "T/M BAN CHỈ ĐẠO / TRƯỞNG BAN"; a deputy chosen in its place on a State document
    signs "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN THƯỜNG TRỰC", though the proposed title was left as it was."""
    _need("pdftotext")
    client.force_login(users["staff"])
    proposed = _form(client, tree)
    assert proposed["signer_title"] == "T/M BAN CHỈ ĐẠO\nTRƯỞNG BAN"
    data = {**proposed, "header": "state", "signer": committee["deputy"].pk, "format": "pdf"}
    data["signer_title"] = proposed["signer_title"].replace("\n", "\r\n")  # as a browser posts a textarea
    flat = " ".join(_pdf_text(client.post(_url(tree), data).content, tmp_path, layout=False).split())
    assert "KT. TRƯỞNG BAN PHÓ TRƯỞNG BAN THƯỜNG TRỰC" in flat and "Lê Thị Hoa" in flat and "T/M" not in flat
    # A title typed by hand is printed as typed.
    data["signer_title"] = "KT. TRƯỞNG BAN\r\nPHÓ TRƯỞNG BAN"
    flat = " ".join(_pdf_text(client.post(_url(tree), data).content, tmp_path, layout=False).split())
    assert "KT. TRƯỞNG BAN PHÓ TRƯỞNG BAN" in flat and "PHÓ TRƯỞNG BAN THƯỜNG TRỰC" not in flat
