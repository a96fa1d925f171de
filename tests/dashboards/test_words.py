"""One word per idea, in Vietnamese, on the page, the PDF and the workbooks: *phải nộp* for the reports due
(the units table once headed them "Hạn nộp", the due date's word), *chấp nhận* for accepted (never *tiếp
nhận*, which reads as "received"), *chậm* for late (never *muộn*)."""

import io
import subprocess
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.dashboards.test_pages import RANGE
from tests.dashboards.test_summary import committee  # noqa: F401  (fixture: Bắc Ninh's steering committee)


def _vietnamese(users):
    client = Client()
    client.force_login(users["leader"])
    return client


def test_the_units_table_heads_the_reports_due_phai_nop(tree, users, history):
    html = _vietnamese(users).get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), RANGE).content.decode()
    head = html.split('id="units-table"', 1)[1].split("</thead>", 1)[0]
    assert "Phải nộp" in head and "Hạn nộp" not in head
    # Petitions are received (*tiếp nhận*), as the form's indicator says: the one right use of the word.
    text = html.casefold().replace("kiến nghị tiếp nhận", "")
    assert "tiếp nhận" not in text and "muộn" not in text
    assert "được chấp nhận trong hạn" in text and "nộp chậm" in text


def test_the_pdf_and_the_workbook_use_the_same_words(tree, users, history, committee, tmp_path):  # noqa: F811
    client = _vietnamese(users)
    pdf = tmp_path / "s.pdf"
    url = reverse("reports:dashboard_summary", args=[tree["bac_ninh"].pk]) + "?" + urlencode(RANGE)
    form = client.get(url).context["form"]  # the summary as its form proposes it
    response = client.post(url, {**{name: form[name].value() for name in form.fields}, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.casefold()
    assert "tiếp nhận" not in text and "muộn" not in text
    assert "được chấp nhận trong hạn" in text and "nộp chậm" in text and "phải nộp" in text
    book = client.get(reverse("reports:dashboard_xlsx", args=[tree["bac_ninh"].pk, "units"]), RANGE)
    headers = [c.value for c in load_workbook(io.BytesIO(book.content)).active[4]]
    assert "Phải nộp" in headers and "Được chấp nhận trong hạn (%)" in headers
    assert not [h for h in headers if "tiếp nhận" in h.casefold() or "muộn" in h.casefold()]
