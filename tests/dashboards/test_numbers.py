"""One rounding and one way of writing numbers for the card, the units table, the workbook, the PDF and the API.

Từ Sơn is given four late reports, 3 + 5 + 4 + 5 = 17 days late: an average of 4.25 days, the case where
rounding half to even on the binary float (4,2) and rounding half up (4,3) disagree."""

import datetime
import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import numbers, tallies
from reports.models import Obligation
from tests.dashboards.conftest import summary_pdf
from tests.dashboards.test_pages import RANGE

API_RANGE = {"start": "2025-01-01", "end": "2026-12-31"}


@pytest.mark.parametrize(
    ("value", "rate", "avg"),
    [
        (4.25, "4,3 %", "4,3"),
        (13 * 100 / 14, "92,9 %", "92,9"),
        (100.0, "100,0 %", "100,0"),
        (0.05, "0,1 %", "0,1"),
        (1386.04, "1.386,0 %", "1.386,0"),
        (None, "—", "—"),
    ],
)
def test_one_rounding_half_up_written_the_vietnamese_way(value, rate, avg):
    assert numbers.percent(value) == rate
    assert numbers.average(value) == avg


@pytest.mark.parametrize(
    ("value", "text"), [(1386, "1.386"), (150166, "150.166"), (7, "7"), (12.5, "12,5"), (0, "0"), (-1200, "-1.200")]
)
def test_counts_are_grouped_by_thousands_with_a_dot(value, text):
    assert numbers.number(value) == text


@pytest.fixture
def quarter_days(tree, history):
    """Từ Sơn's late reports: its own 2026 Q2 (3 days), Đình Bảng's 2025 Q2 (5 days, merged in) and two more."""
    late = Obligation.objects.filter(unit=tree["tu_son"], on_time=True).order_by("due_date")[:2]
    for o, days in zip(late, (4, 5), strict=True):
        Obligation.objects.filter(pk=o.pk).update(on_time=False, days_late=days)
        tallies.obligation_changed(o)
    return tree["tu_son"]


def test_the_average_days_late_reads_4_3_everywhere(client, tree, users, quarter_days, tmp_path):
    client.force_login(users["leader"])
    tu_son = quarter_days
    # The card on Từ Sơn's own dashboard.
    page = client.get(reverse("reports:dashboard", args=[tu_son.pk]), RANGE).content.decode()
    card = page.split('id="fig-late"', 1)[1].split("</div></div>", 1)[0]
    assert "(4,3)" in card
    # Its row in the province's units table.
    province = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), RANGE).content.decode()
    row = province.split(f'<tr data-unit="{tu_son.pk}">', 1)[1].split("</tr>", 1)[0]
    assert "<td>4,3</td>" in row and "4,2" not in row
    # The workbook of the units: a number, rounded the same way.
    xlsx = client.get(reverse("reports:dashboard_xlsx", args=[tree["bac_ninh"].pk, "units"]), RANGE)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    headers = [c.value for c in sheet[4]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["Phường Từ Sơn"][headers.index("Average working days late")] == 4.3
    # The summary Từ Sơn's steering committee prints, as its form proposes it.
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(summary_pdf(client, tu_son))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "4; 4,3" in text
    # The API.
    data = client.get(f"/api/v1/units/{tree['bac_ninh'].pk}/figures/", API_RANGE).json()
    child = next(c["figures"] for c in data["children"] if c["unit"] and c["unit"]["id"] == tu_son.pk)
    assert child["average_days_late"] == 4.3 and child["days_late"] == 17 and child["late"] == 4


def test_big_counts_are_grouped_on_the_card_and_in_the_table(client, tree, users, history):
    """1.386 reports due: the card and the units table write it with a dot, the workbook keeps a number."""
    from tests.dashboards.test_pages import _grow

    _grow(tree, 70, (2025, 2026))  # 70 wards × 23 months of monthly reports, with the quarterly history
    expected = Obligation.objects.filter(
        unit__path__startswith=tree["bac_ninh"].path, due_date__lte=datetime.date(2026, 11, 29)
    ).count()
    assert expected > 1000
    client.force_login(users["leader"])
    page = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), RANGE).content.decode()
    card = page.split('id="fig-expected"', 1)[1].split("</div></div>", 1)[0]
    assert numbers.number(expected) in card and f"{expected // 1000}.{expected % 1000:03d}" in card


def test_the_digest_e_mail_groups_thousands_too():
    from django.template.loader import render_to_string

    context = {
        "name": "Lãnh đạo",
        "title": "Đơn vị có báo cáo quá hạn",
        "units": [{"unit__name": "Tỉnh Bắc Ninh", "count": 1386, "oldest": datetime.date(2026, 1, 7)}],
        "url": "http://127.0.0.1:8000/",
    }
    assert "Tỉnh Bắc Ninh: 1.386 (" in render_to_string("reports/email/digest.txt", context)
    assert "<strong>1.386</strong>" in render_to_string("reports/email/digest.html", context)


@pytest.mark.parametrize(("value", "text"), [("4419", "4.419"), ("12.5", "12,5"), ("3", "3")])
def test_the_records_figure_beside_a_total_is_written_as_the_total_is(value, text):
    """The registers' figure beside a reported total (110.224) reads 4.419, not 4419; a share 12,5."""
    from decimal import Decimal

    from reports.dashboards import html

    behind = {
        "value": Decimal(value),
        "link": "/registers/disclosures/",
        "without": 0,
        "without_link": "",
        "start": datetime.date(2026, 1, 1),
        "end": datetime.date(2026, 6, 30),
    }
    cell = html.indicators_tbody(
        [{"key": "1:X", "code": "X", "label": "X", "value": 1, "reports": 1}], {"1:X": behind}, query=""
    )
    link = cell[cell.index('data-testid="behind-X"') :]
    assert link[link.index(">") + 1 : link.index("</a>")] == text
