"""The API's JSON writer: byte for byte what DRF's own renderer writes, for the lists as served and for the
values DRF's encoder knows; DRF's renderer still writes what orjson cannot (an indented body, an integer
beyond 64 bits)."""

import datetime
import decimal
import uuid
import zoneinfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from api.renderers import FastJSONRenderer


@pytest.mark.parametrize("path", ["/api/v1/reports/", "/api/v1/obligations/", "/api/v1/directives/", "/api/v1/me/"])
def test_a_response_is_what_drfs_renderer_writes(api, tree, users, reporting, objects, path):
    response = api("staff").get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == JSONRenderer().render(response.data)
    assert "Phường Từ Sơn".encode() in response.content or path == "/api/v1/me/"  # UTF-8, not \u escapes


def test_dates_numbers_and_texts_are_written_as_drf_writes_them():
    hanoi = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    data = {
        "utc": datetime.datetime(2026, 4, 6, 9, 0, 5, 120, tzinfo=datetime.UTC),
        "hanoi": datetime.datetime(2026, 4, 6, 16, 0, tzinfo=hanoi),
        "naive": datetime.datetime(2026, 4, 6, 16, 0),
        "day": datetime.date(2026, 4, 6),
        "time": datetime.time(7, 30),
        "span": datetime.timedelta(days=2, seconds=3),
        "decimal": decimal.Decimal("12.50"),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "lazy": gettext_lazy("Submitted"),
        "separators": "dòng một\u2028dòng hai\u2029hết",
        "nested": [{"a": (1, 2.5, None, True)}, {3: "khóa số"}],
    }
    fast = FastJSONRenderer().render(data)
    assert fast == JSONRenderer().render(data)
    assert b"\\u2028" in fast and b"\xe2\x80\xa8" not in fast


def test_what_orjson_cannot_write_is_left_to_drfs_renderer():
    big = {"count": 2**70}
    assert FastJSONRenderer().render(big) == JSONRenderer().render(big) == b'{"count":1180591620717411303424}'
    indented = FastJSONRenderer().render({"a": [1]}, "application/json; indent=2")
    assert indented == JSONRenderer().render({"a": [1]}, "application/json; indent=2") == b'{\n  "a": [\n    1\n  ]\n}'
    assert FastJSONRenderer().render(None) == b""
