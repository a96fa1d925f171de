"""The unit page leads to the unit's reports: the button is there for whoever may open the page, and
the page it opens is the unit's own list of reports to file; a sibling ward sees neither."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from reports import generation
from reports.models import FormAssignment, ReportForm


@pytest.fixture
def vi_client(settings):
    """As a Vietnamese user sees the site (the default language, set explicitly)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    return client


@pytest.fixture
def quarterly(tree):
    form = ReportForm.objects.get(code="qcdc-quarter")
    FormAssignment.objects.create(form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=datetime.date(2026, 1, 1))
    generation.obligations_generate(form=form, year=2026, until=datetime.date(2026, 1, 1))
    return form


@pytest.mark.parametrize("who", ["reporter_tu_son", "head_tu_son", "staff", "leader"])
def test_the_unit_page_has_a_reports_button_that_opens_the_units_reports(vi_client, tree, users, quarterly, who):
    vi_client.force_login(users[who])
    unit = tree["tu_son"]
    target = reverse("reports:unit_obligations", args=[unit.pk])
    page = vi_client.get(unit.get_absolute_url()).content.decode()
    assert f'href="{target}">Báo cáo</a>' in page
    reports = vi_client.get(target)
    assert reports.status_code == 200
    body = reports.content.decode()
    assert "Báo cáo của Phường Từ Sơn" in body and "Quý I/2026" in body  # its quarterly report is owed


def test_a_sibling_ward_sees_neither_the_page_nor_its_reports(vi_client, tree, users, quarterly):
    vi_client.force_login(users["reporter_dong_ngan"])
    unit = tree["tu_son"]
    assert vi_client.get(unit.get_absolute_url()).status_code == 404
    assert vi_client.get(reverse("reports:unit_obligations", args=[unit.pk])).status_code == 404
    own = vi_client.get(tree["dong_ngan"].get_absolute_url()).content.decode()
    assert reverse("reports:unit_obligations", args=[tree["dong_ngan"].pk]) in own
