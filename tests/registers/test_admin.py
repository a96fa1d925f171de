"""The admin lists every model of the registers; rows are read-only there, the configuration is not."""

import pytest
from django.contrib import admin

from registers import models as m

pytestmark = pytest.mark.django_db


def test_every_register_model_has_an_admin_page(admin_client, rows_tu_son):
    for model in (
        m.Disclosure,
        m.CommunityDecision,
        m.VillageCharter,
        m.Consultation,
        m.Supervision,
        m.Conference,
        m.CitizenReception,
        m.MatterKind,
        m.ReceptionRule,
        m.IndicatorBinding,
        m.RecordAttachment,
        m.FigureOverride,
    ):
        assert model in admin.site._registry, model
        url = f"/admin/registers/{model._meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url
    row = rows_tu_son["disclosures"]
    assert admin_client.get(f"/admin/registers/disclosure/{row.pk}/change/").status_code == 200
    assert admin_client.get("/admin/registers/disclosure/add/").status_code == 403


def test_a_binding_naming_an_unknown_filter_is_refused(admin_client):
    from reports.models import Indicator

    indicator = Indicator.objects.filter(code="DISCLOSURES").first()
    binding = m.IndicatorBinding.objects.get(indicator=indicator)
    response = admin_client.post(
        f"/admin/registers/indicatorbinding/{binding.pk}/change/",
        {
            "indicator": indicator.pk,
            "register": "disclosures",
            "measure": "count",
            "field": "",
            "filters": '{"colour": "red"}',
            "condition": "{}",
        },
    )
    assert response.status_code == 200 and "colour" in response.content.decode()
    binding.refresh_from_db()
    assert binding.filters == {}
