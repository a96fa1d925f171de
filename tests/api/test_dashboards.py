"""GET /api/v1/units/{id}/figures/: the dashboard's figures under the pages' scope, as the schema says."""

import pytest
import schemathesis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.api.test_schema import CHECKS, SCHEMA_URL, wsgi_app  # noqa: F401  (fixture)
from tests.dashboards.conftest import history  # noqa: F401  (fixture: the hand-counted history)
from tests.dashboards.test_pages import _grow

URL = "/api/v1/units/{}/figures/"
RANGE = {"start": "2025-01-01", "end": "2026-12-31"}


@pytest.fixture(autouse=True)
def _today():
    import time_machine

    from tests.dashboards.conftest import TODAY, at

    with time_machine.travel(at(TODAY, 10), tick=False):
        yield


def test_figures_of_the_province_match_the_dashboard(api, tree, history):  # noqa: F811
    data = api("leader").get(URL.format(tree["bac_ninh"].pk), RANGE).json()
    assert data["today"] == "2026-11-29" and data["forms"] == []
    h = data["headline"]
    assert (h["expected"], h["received"], h["on_time"], h["late"], h["overdue"], h["returns"]) == (21, 18, 15, 3, 3, 2)
    assert h["on_time_rate"] == 71.4  # 15 / 21, rounded as the page rounds it
    children = {c["unit"]["name"]: c["figures"] for c in data["children"]}
    assert children["Phường Từ Sơn"]["expected"] == 9  # with the former Phường Đình Bảng
    assert [m["month"] for m in data["months"]][:2] == ["2025-03-01", "2025-06-01"]
    # Month by month the overdue reports carry the headline's name and add up to it (Từ Sơn's 2026 Q3, Tân Hồng's two).
    assert sum(m["overdue"] for m in data["months"]) == h["overdue"] == 3
    assert {m["month"]: m["overdue"] for m in data["months"] if m["overdue"]} == {
        "2025-12-01": 1,
        "2026-03-01": 1,
        "2026-09-01": 1,
    }


def test_a_form_filter_and_a_wrong_range(api, tree, history):  # noqa: F811
    other = api("leader").get(URL.format(tree["bac_ninh"].pk), {**RANGE, "form": history["form"].pk + 1})
    assert other.json()["headline"]["expected"] == 0 and other.json()["headline"]["reporting_rate"] is None
    wrong = api("leader").get(URL.format(tree["bac_ninh"].pk), {"start": "2026-05-01", "end": "2026-01-01"})
    assert wrong.status_code == 400 and "end" in wrong.json()["errors"]


@pytest.mark.parametrize("who", ["reporter_dong_ngan", "staff_ha_noi", "nobody"])
def test_a_sibling_units_figures_are_404(api, tree, history, who):  # noqa: F811
    response = api(who).get(URL.format(tree["tu_son"].pk))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["reporter_tu_son", "head_tu_son", "leader", "staff", "admin"])
def test_the_ward_and_those_above_it_read_its_figures(api, tree, history, who):  # noqa: F811
    assert api(who).get(URL.format(tree["tu_son"].pk), RANGE).json()["headline"]["expected"] == 9


def test_queries_do_not_grow_with_units_or_periods(api, tree, history):  # noqa: F811
    client = api("leader")
    url = URL.format(tree["bac_ninh"].pk)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, RANGE).status_code == 200
        return len(ctx.captured_queries)

    client.get(url, RANGE)  # the token's last use is written once a minute: not part of the count
    small = count()
    _grow(tree, 25, (2025, 2026))
    assert count() == small <= 12


@pytest.mark.parametrize("who", ["leader", "reporter_tu_son", "staff_ha_noi", None])
def test_the_figures_operation_keeps_to_the_description(wsgi_app, tree, history, tokens, who):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    operation = schema["/api/v1/units/{id}/figures/"]["GET"]
    headers = {"Authorization": f"Token {tokens[who]}"} if who else {}
    known = {"path_parameters": {"id": tree["bac_ninh"].pk}}
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
        operation.as_strategy(GenerationMode.POSITIVE, **known),
        operation.as_strategy(GenerationMode.POSITIVE, query={"start": "2025-01-01"}, **known),
    ]

    @settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(strategies))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
