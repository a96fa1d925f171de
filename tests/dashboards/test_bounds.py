"""A range far beyond the data (from=1000-01&to=9999-12) is narrowed to the years the reports cover: the page,
its workbooks and the API answer with two years of months, not twelve thousand."""

import datetime
import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

WIDE = {"from": "1000-01", "to": "9999-12"}


def test_the_page_narrows_a_huge_range_and_says_so(tree, users, history):
    client = Client()  # Vietnamese, the default
    client.force_login(users["leader"])
    response = client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), WIDE)
    assert response.status_code == 200
    flt = response.context["flt"]
    # The quarterly history's periods end in 2025 and 2026: whole years.
    assert (flt.start, flt.end, flt.clamped) == (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31), True)
    assert len(response.context["months"]) == 23  # 01/2025 … 11/2026, the months up to today
    assert 'id="fig-expected" data-value="21"' in response.content.decode()  # nothing lost
    assert "Khoảng thời gian đã được thu hẹp" in response.content.decode()
    assert len(response.content) < 200_000


def test_a_range_within_the_data_is_left_alone(client, tree, users, history):
    client.force_login(users["leader"])
    response = client.get(
        reverse("reports:dashboard", args=[tree["bac_ninh"].pk]), {"from": "2025-06", "to": "2026-06"}
    )
    flt = response.context["flt"]
    assert (flt.start, flt.end, flt.clamped) == (datetime.date(2025, 6, 1), datetime.date(2026, 6, 30), False)
    assert 'id="range-clamped"' not in response.content.decode()


def test_the_workbooks_and_the_api_narrow_it_too(client, tree, users, history):
    client.force_login(users["leader"])
    heat = client.get(reverse("reports:dashboard_xlsx", args=[tree["bac_ninh"].pk, "heatmap"]), WIDE)
    sheet = load_workbook(io.BytesIO(heat.content), read_only=True).active
    header = next(sheet.iter_rows(min_row=4, max_row=4, values_only=True))
    assert len(header) == 1 + 23 and header[1] == "01/2025"
    data = client.get(
        f"/api/v1/units/{tree['bac_ninh'].pk}/figures/", {"start": "1000-01-01", "end": "9999-12-31"}
    ).json()
    assert (data["start"], data["end"]) == ("2025-01-01", "2026-12-31")
    assert data["headline"]["expected"] == 21
