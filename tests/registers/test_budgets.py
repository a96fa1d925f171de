"""Every page and API list of the registers costs the same number of queries for 2 rows or 40."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registers import registry
from reports import generation
from reports.models import FormAssignment, Obligation
from tests.factories import make_unit
from tests.registers.conftest import make_rows
from tests.reports.conftest import form_by_code
from units.models import Unit

pytestmark = pytest.mark.django_db
BUDGET = 16


def _grow(tree, directive, n):
    for i in range(n):
        village = make_unit(f"Thôn {i}", Unit.Kind.VILLAGE, tree["tu_son"])
        make_rows(village, directive, day=datetime.date(2026, 2, 1 + i % 27), suffix=f" {i}")


def _urls(tree, obligation):
    urls = [
        reverse("registers:index"),
        reverse("registers:figures") + f"?unit={tree['tu_son'].pk}&start=2026-01-01&end=2026-03-31",
    ]
    urls.append(reverse("registers:heads_below") + f"?unit={tree['tu_son'].pk}&start=2026-01-01&end=2026-03-31")
    urls.append(reverse("reports:report_edit", args=[obligation.pk]))
    for slug in registry.REGISTERS:
        urls.append(reverse("registers:record_list", args=[slug]) + "?q=&start=2026-01-01")
        urls.append(f"/api/v1/{slug}/")
    return urls


def _counts(client, urls):
    out = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        out[url] = len(ctx.captured_queries)
    return out


def test_query_counts_do_not_grow_with_the_rows(client, users, tree, directive_120, django_assert_max_num_queries):
    form = form_by_code("qcdc-quarter")
    FormAssignment.objects.create(form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=datetime.date(2025, 1, 1))
    generation.obligations_generate(form=form, year=2026)
    obligation = Obligation.objects.get(form=form, unit=tree["tu_son"], year=2026, period_index=1)
    client.force_login(users["reporter_tu_son"])
    urls = _urls(tree, obligation)
    _grow(tree, directive_120, 2)
    small = _counts(client, urls)
    _grow(tree, directive_120, 38)
    large = _counts(client, urls)
    assert large == small
    for url in urls:
        # The figures page counts, per indicator, the wards with no row: one query each, whatever the rows.
        with django_assert_max_num_queries(40 if "report" in url or "figures" in url else BUDGET):
            client.get(url)


def test_detail_pages_have_a_fixed_budget(client, users, tree, directive_120, django_assert_max_num_queries):
    rows = make_rows(tree["tu_son"], directive_120)
    client.force_login(users["reporter_tu_son"])
    for slug, row in rows.items():
        with django_assert_max_num_queries(12):
            assert client.get(row.get_absolute_url()).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(f"/api/v1/{slug}/{row.pk}/").status_code == 200
