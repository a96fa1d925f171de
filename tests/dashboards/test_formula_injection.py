"""Every Excel export writes text as text: a name or a text that starts like a formula stays text.

The planted values come in through the ORM, as a unit, a person, a directive or a report could be
named by the people who keep them; each export is read back from the bytes the user downloads.
"""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import Report
from tests.directives.conftest import make_directive
from units.models import Person, Unit

RANGE = {"from": "2025-01", "to": "2026-12"}
UNIT = '=HYPERLINK("http://evil.example/","Phường Từ Sơn")'
PERSON = "@SUM(1+1)*cmd|' /C calc'!A0"
ABSTRACT = "+cmd|' /C notepad'!A0"
ISSUER = "-2+3"
NARRATIVE = "=1+1"
TAB = "\t=1+2"


@pytest.fixture
def planted(tree, users, history):
    Unit.objects.filter(pk=tree["tu_son"].pk).update(name=UNIT)
    Person.objects.filter(pk=history["heads"]["binh"].person_id).update(full_name=PERSON)
    make_directive(users["staff"], tree["bac_ninh"], symbol=TAB, abstract=ABSTRACT, issuer=ISSUER)
    report = Report.objects.get(obligation=history["returned_twice"])
    report.narrative = dict.fromkeys(report.narrative, NARRATIVE)
    report.save(update_fields=["narrative"])
    return report


def exports(tree, history, report):
    bn, person = tree["bac_ninh"].pk, history["heads"]["binh"].person_id
    table = lambda name: reverse("reports:dashboard_xlsx", args=[bn, name])  # noqa: E731
    return {
        "units": (table("units"), [UNIT]),
        "heatmap": (table("heatmap"), [UNIT]),
        "trend": (table("trend"), []),
        "overdue": (table("overdue"), [UNIT, PERSON]),
        "indicators": (table("indicators"), []),
        "directives": (table("directives"), []),
        "heads": (reverse("reports:heads_xlsx", args=[bn]), [PERSON]),
        "head": (reverse("reports:head_detail_xlsx", args=[bn, person]), [PERSON]),
        "register": (reverse("directives:directive_export"), [TAB, ABSTRACT, ISSUER]),
        "report": (reverse("reports:report_xlsx", args=[report.obligation_id]), [NARRATIVE]),
        "units template": (reverse("units:excel_template"), []),
    }


@pytest.mark.parametrize(
    "name",
    [
        "units",
        "heatmap",
        "trend",
        "overdue",
        "indicators",
        "directives",
        "heads",
        "head",
        "register",
        "report",
        "units template",
    ],
)
def test_no_export_writes_a_formula(client, tree, users, history, planted, name):
    url, expected = exports(tree, history, planted)[name]
    client.force_login(users["staff"])
    response = client.get(url, {"year": 2016} if name == "register" else RANGE)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)
    book = load_workbook(io.BytesIO(content))
    texts = {
        cell.value.replace("\r", "\t")
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "s" and isinstance(cell.value, str)
    }
    for value in expected:
        assert value in texts or value.replace("\t", "") in texts, (name, value)
    assert not any(cell.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)
