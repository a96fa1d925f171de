"""A text over its limit is refused with the limit named, and what was typed stays in the form."""

import pytest
from django.urls import reverse

from reports.models import Report
from reports.validation import MAX_NARRATIVE
from tests.reports.conftest import fill, post_data

LONG = "Đã tổ chức hội nghị. " * (MAX_NARRATIVE // 20)  # a little over the limit


@pytest.fixture
def draft(obligation, users):
    return fill(obligation, users["reporter_tu_son"])


def test_the_report_page_refuses_an_over_long_text_and_keeps_it(client, obligation, users, draft):
    assert len(LONG) > MAX_NARRATIVE
    section = obligation.form.sections.first()
    client.force_login(users["reporter_tu_son"])
    data = post_data(obligation, draft, **{section.field_name: LONG, "action": "save"})
    response = client.post(reverse("reports:report_edit", args=[obligation.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert f"có {len(LONG):,} ký tự; giới hạn là 50.000".replace(",", ".") in page
    assert LONG.strip() in page  # the whole text is still in its box
    assert 'maxlength="' not in page.split(section.field_name, 1)[1].split(">", 1)[0]
    assert Report.objects.get(pk=draft.pk).narrative[str(section.pk)] != LONG
    assert Report.objects.get(pk=draft.pk).revision == draft.revision


def test_the_autosave_refuses_it_too_and_saves_nothing(client, obligation, users, draft):
    section = obligation.form.sections.first()
    client.force_login(users["reporter_tu_son"])
    data = post_data(obligation, draft, **{section.field_name: LONG})
    response = client.post(reverse("reports:report_autosave", args=[obligation.pk]), data)
    assert response.status_code == 400
    assert "giới hạn là 50.000" in response.json()["message"]
    assert Report.objects.get(pk=draft.pk).revision == draft.revision


def test_the_api_refuses_an_over_long_text_naming_the_limit(api, obligation, users, draft):
    section = obligation.form.sections.first()
    url = f"/api/v1/obligations/{obligation.pk}/report/"
    body = {"revision": draft.revision, "narrative": {str(section.pk): LONG}}
    response = api("reporter_tu_son").post(url, body, format="json")
    assert response.status_code == 400, response.content[:300]
    errors = response.json()["errors"]
    messages = [m for key, found in errors.items() if key.startswith("narrative") for m in found]
    assert messages and any("50000" in m or "50.000" in m for m in messages), errors
    assert Report.objects.get(pk=draft.pk).narrative[str(section.pk)] != LONG


def test_report_text_is_stored_in_nfc_without_control_characters(client, obligation, users, draft):
    import unicodedata

    section = obligation.form.sections.first()
    client.force_login(users["reporter_tu_son"])
    typed = unicodedata.normalize("NFD", "Đã họp dân\x07 ở thôn\u202e Đồng Tâm\r\nlần 2\x1b")
    data = post_data(obligation, draft, **{section.field_name: typed, "action": "save"})
    client.post(reverse("reports:report_edit", args=[obligation.pk]), data)
    stored = Report.objects.get(pk=draft.pk).narrative[str(section.pk)]
    assert stored == "Đã họp dân ở thôn Đồng Tâm\nlần 2"
