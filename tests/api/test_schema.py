"""The OpenAPI description at /api/schema/ says what the API really does.

Schemathesis generates requests for every operation from the description (valid ones and invalid ones,
with ids that exist and ids that do not), sends them to the WSGI application as users of different
roles and units, and checks each response: no server error, a status code, content type and body that
the description declares.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registers.models import MatterKind
from registers.registry import REGISTERS
from tests.api.conftest import complete_draft, disclosure_body

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SCHEMA_URL = "/api/schema/?format=json"
# Enough to try each parameter and body field a few ways, while the module stays well under two minutes.
EXAMPLES = 12
# Which object of the fixture each path's {id} names, so that cases reach real objects too.
ID_OF = {
    "/api/v1/units/": "unit",
    "/api/v1/bodies/": "body",
    "/api/v1/people/": "person",
    "/api/v1/directives/": "directive",
    "/api/v1/assignments/": "assignment",
    "/api/v1/report-forms/": "form",
    "/api/v1/obligations/": "started",
    "/api/v1/reports/": "report",
    **{f"/api/v1/{slug}/": slug for slug in REGISTERS},
    "/api/v1/watches/": "watch",
    "/api/v1/evaluations/": "evaluation",
    "/api/v1/commendations/": "commendation",
}


def good_bodies(objects) -> dict:
    """A valid body for each write, so that the successful answers are checked too."""
    unit, directive, report = objects["unit"], objects["directive"], objects["report"]
    draft = {"revision": report.revision, **complete_draft(objects["form"])}
    return {
        ("POST", "/api/v1/obligations/{id}/report/"): draft,
        ("PATCH", "/api/v1/reports/{id}/"): draft,
        ("POST", "/api/v1/reports/{id}/return/"): {"reason": "Bổ sung số liệu"},
        ("POST", "/api/v1/reports/{id}/send-back/"): {"note": "Viết lại phần II"},
        ("POST", "/api/v1/commendations/"): {
            "unit": unit.pk,
            "decision_symbol": "15/QĐ-UBND",
            "decision_date": "2026-05-04",
            "issuer": "UBND tỉnh Bắc Ninh",
            "reason": "Điển hình dân vận khéo",
        },
        ("POST", "/api/v1/directives/"): {
            "owner_unit": unit.pk,
            "doc_type": directive.doc_type_id,
            "symbol": "9-KH/ĐU",
            "issuer": "Đảng ủy phường Từ Sơn",
            "abstract": "Kế hoạch đối thoại",
        },
        ("POST", "/api/v1/watches/"): {
            "unit": objects["headship"].unit_id,
            "reason": "Chậm",
            "review_on": "2030-01-31",
        },
        ("POST", "/api/v1/watches/{id}/visits/"): {
            "kind": "visit",
            "happened_on": "2026-01-05",
            "findings": "Đã làm việc",
        },
        ("POST", "/api/v1/watches/{id}/close/"): {"outcome": "improved", "result": "Đã khắc phục"},
        ("POST", "/api/v1/disclosures/"): disclosure_body(unit),
        ("PATCH", "/api/v1/disclosures/{id}/"): {"days_posted": 15},
        ("POST", "/api/v1/community-decisions/"): {
            "unit": unit.pk,
            "date": "2026-02-15",
            "subject": "Bỏ phiếu làm đường",
            "matter_kind": MatterKind.objects.order_by("position").first().pk,
            "method": "ballot",
            "households_total": 300,
            "households_present": 250,
            "households_agreeing": 151,
        },
        ("PATCH", "/api/v1/community-decisions/{id}/"): {"households_agreeing": 120},
        ("POST", "/api/v1/directives/{id}/assignments/"): {
            "task": "Báo cáo kết quả",
            "deadline": "2030-12-31",
            "root": unit.pk,
            "include_root": True,
        },
    }


@pytest.fixture
def wsgi_app():
    """Django's WSGI application inside the test's transaction.

    A real handler closes "old" connections when a request starts and ends, which would end the test's
    transaction; Django's test client switches that off the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_description_is_served_valid_and_complete(client, db):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            if path != "/healthz":
                assert "401" in codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert {"400", "403"} <= codes, (method, path)
            if "{id}" in path:
                assert "404" in codes, (method, path)
    assert spec["components"]["schemas"]["Error"]["required"] == ["code", "detail", "errors"]


def test_the_documentation_page_is_served_from_our_own_static_files(client, db):
    from django.contrib.staticfiles import finders

    html = client.get("/api/docs/").content.decode()
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html  # the start-up script is a file of its own (the CSP forbids inline ones)
    script = client.get("/api/docs/", {"script": ""}).content.decode()
    assert '"validatorUrl": null' in script
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert f"/static/drf_spectacular_sidecar/swagger-ui-dist/{asset}" in html
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}")


@pytest.fixture
def register_rows(objects):
    """One row of each register for the ward, so that reading one is checked too."""
    from tests.registers.conftest import make_rows

    return make_rows(objects["directive"].owner_unit, objects["directive"])


@pytest.mark.slow
@pytest.mark.parametrize("who", ["admin", "staff", "reporter_tu_son", "head_tu_son", "staff_ha_noi", None])
def test_every_operation_keeps_to_the_description(wsgi_app, objects, reporting, register_rows, tokens, who):
    objects = {**objects, **reporting, **register_rows}
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    headers = {"Authorization": f"Token {tokens[who]}"} if who else {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 29
    for operation in operations:
        strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
        known = {}
        if "{id}" in operation.path:
            known["path_parameters"] = {
                "id": objects[next(v for k, v in ID_OF.items() if operation.path.startswith(k))].pk
            }
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, **known))
        good = good_bodies(objects).get((operation.method.upper(), operation.path))
        if good is not None:
            strategies.append(operation.as_strategy(GenerationMode.POSITIVE, body=good, **known))

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(strategies))
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
