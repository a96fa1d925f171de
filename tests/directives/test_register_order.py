"""The register lists directives in one order on its page and in the API: newest first, undated last."""

import datetime
import re

from django.urls import reverse
from rest_framework.test import APIClient

from api import services as api_services
from tests.directives.conftest import make_directive


def _make(users, tree):
    staff, unit = users["staff"], tree["bac_ninh"]
    for symbol, day in (
        ("01-KH/TU", datetime.date(2024, 3, 1)),
        ("02-KH/TU", None),
        ("03-KH/TU", datetime.date(2026, 1, 5)),
        ("04-KH/TU", datetime.date(2024, 3, 1)),  # the same day as 01: the later entry first
        ("05-KH/TU", None),
    ):
        make_directive(staff, unit, symbol=symbol, issued_on=day)


EXPECTED = ["03-KH/TU", "04-KH/TU", "01-KH/TU", "05-KH/TU", "02-KH/TU"]


def test_the_register_page_lists_newest_first_and_undated_last(client, tree, users):
    _make(users, tree)
    client.force_login(users["staff"])
    page = client.get(reverse("directives:directive_list")).content.decode()
    shown = list(dict.fromkeys(re.findall(r"\d\d-KH/TU", page)))
    assert shown == EXPECTED


def test_the_api_lists_the_register_in_the_page_order(tree, users):
    _make(users, tree)
    _token, secret = api_services.token_create(user=users["staff"], name="script")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    body = api.get("/api/v1/directives/").json()
    assert [row["symbol"] for row in body["results"]] == EXPECTED
