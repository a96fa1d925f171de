"""Nothing typed is lost: drafts keep anything, two people on one draft get a conflict with both texts, and
an expired session keeps the text and sends the user back to the form after logging in."""

import pytest
from django.urls import reverse

from reports import services
from reports.models import Report, ReportValue
from tests.reports.conftest import fill, post_data

pytestmark = pytest.mark.django_db


def _section(obligation, n=0):
    return list(obligation.form.sections.all())[n]


def test_a_draft_keeps_what_was_typed_even_when_it_is_wrong(obligation, users):
    report = fill(obligation, users["reporter_tu_son"], {"MEETINGS": "chín", "MEETING_PARTICIPANTS": "1.240"})
    values = {v.indicator.code: v for v in ReportValue.objects.filter(report=report).select_related("indicator")}
    assert values["MEETINGS"].raw == "chín" and values["MEETINGS"].value_decimal is None
    assert values["MEETING_PARTICIPANTS"].value_decimal == 1240
    assert values["COMMITTEE_CONSOLIDATED"].raw == "yes" and values["COMMITTEE_CONSOLIDATED"].value_decimal == 1


def test_two_saves_from_the_same_copy_conflict_and_nothing_is_overwritten(obligation, users):
    section = _section(obligation)
    first = fill(obligation, users["reporter_tu_son"])
    services.report_save_draft(
        actor=users["head_tu_son"],
        obligation=obligation,
        revision=first.revision,
        narrative={str(section.pk): "Của anh"},
    )
    with pytest.raises(services.EditConflict) as excinfo:
        services.report_save_draft(
            actor=users["reporter_tu_son"],
            obligation=obligation,
            revision=first.revision,
            narrative={str(section.pk): "Của chị"},
        )
    theirs = excinfo.value.report
    assert theirs.narrative[str(section.pk)] == "Của anh" and theirs.updated_by == users["head_tu_son"]
    assert Report.objects.get(pk=first.pk).narrative[str(section.pk)] == "Của anh"


def test_the_form_shows_both_texts_on_a_conflict(client, obligation, users):
    section = _section(obligation)
    report = fill(obligation, users["reporter_tu_son"])
    stale = post_data(obligation, report)
    services.report_save_draft(
        actor=users["head_tu_son"],
        obligation=obligation,
        revision=report.revision,
        narrative={str(section.pk): "Bản của người đứng đầu"},
    )
    client.force_login(users["reporter_tu_son"])
    stale[section.field_name] = "Bản của cán bộ báo cáo"
    response = client.post(reverse("reports:report_edit", args=[obligation.pk]), {**stale, "action": "save"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Bản của cán bộ báo cáo" in page and "Bản của người đứng đầu" in page
    assert "saved this report at" in page
    # The form now carries their revision: saving again keeps this text, knowingly.
    again = client.post(
        reverse("reports:report_edit", args=[obligation.pk]),
        {**stale, "revision": report.revision + 1, "action": "save"},
    )
    assert again.status_code == 302
    assert Report.objects.get(pk=report.pk).narrative[str(section.pk)] == "Bản của cán bộ báo cáo"


def test_autosave_saves_and_answers_a_conflict_with_their_text(client, obligation, users):
    section = _section(obligation)
    url = reverse("reports:report_autosave", args=[obligation.pk])
    client.force_login(users["reporter_tu_son"])
    data = post_data(obligation, None)
    response = client.post(url, data)
    assert response.status_code == 200 and response.json()["revision"] == 1
    client.force_login(users["head_tu_son"])
    response = client.post(url, {**data, section.field_name: "Sửa của người đứng đầu", "revision": 1})
    assert response.json()["revision"] == 2
    client.force_login(users["reporter_tu_son"])
    response = client.post(url, {**data, section.field_name: "Sửa của tôi", "revision": 1})
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "conflict" and body["revision"] == 2
    assert {"name": section.field_name, "label": section.title, "theirs": "Sửa của người đứng đầu"} in body["fields"]


def test_an_expired_session_keeps_the_text_and_returns_to_the_form(client, obligation):
    response = client.post(reverse("reports:report_autosave", args=[obligation.pk]), {"revision": 0})
    assert response.status_code == 401
    edit = reverse("reports:report_edit", args=[obligation.pk])
    assert response.json()["login_url"] == f"{reverse('login')}?next={edit}"
    assert client.get(edit).url == f"{reverse('login')}?next={edit}"
    assert not Report.objects.exists()


def test_autosave_of_a_submitted_report_is_refused(client, obligation, users):
    report = fill(obligation, users["reporter_tu_son"])
    services.report_submit(actor=users["head_tu_son"], report=report)
    client.force_login(users["reporter_tu_son"])
    response = client.post(
        reverse("reports:report_autosave", args=[obligation.pk]), post_data(obligation, Report.objects.get())
    )
    assert response.status_code == 409 and response.json()["error"] == "not_editable"


def test_a_submitted_report_sends_the_form_to_the_read_only_page(client, obligation, users):
    report = fill(obligation, users["reporter_tu_son"])
    services.report_submit(actor=users["head_tu_son"], report=report)
    client.force_login(users["reporter_tu_son"])
    response = client.get(reverse("reports:report_edit", args=[obligation.pk]))
    assert response.status_code == 302 and response.url == reverse("reports:report_detail", args=[obligation.pk])
    page = client.get(response.url).content.decode()
    assert "Continue writing" not in page and 'name="reason"' not in page
