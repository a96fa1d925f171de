"""Odd input answered as the client's mistake: methods a page does not have, a first save from a
revision that never existed."""

import pytest
from django.urls import reverse

from reports.models import Report


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_pages_answer_only_get_and_post(client, users, tree, method):
    client.force_login(users["staff"])
    for url in ("/", tree["tu_son"].get_absolute_url(), reverse("directives:directive_list"), "/login/"):
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
        assert "POST" in response["Allow"]
    assert client.get("/").status_code == 200


def test_pages_that_only_show_refuse_a_post(client, users, tree):
    from tests.api.conftest import make_directive

    directive = make_directive(users["staff"], tree["bac_ninh"], "9-KH/TU")
    client.force_login(users["staff"])
    urls = [
        "/",
        tree["tu_son"].get_absolute_url(),
        reverse("directives:directive_list"),
        directive.get_absolute_url(),
        reverse("directives:directive_export"),
        "/people/",
        "/registers/",
        "/notifications/",
        "/evaluations/",
        "/reports/forms/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
        response = client.post(url, {"anything": "1"})
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD", url


def test_an_empty_post_to_the_new_directive_page_is_answered_with_the_form(client, users):
    client.force_login(users["staff"])
    response = client.post(reverse("directives:directive_create"), {})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.is_bound and "Hãy chọn đơn vị vào sổ văn bản này." in form.non_field_errors()
    assert form.errors["symbol"]


def test_a_first_api_save_from_a_revision_other_than_0_is_a_400(api, obligation, users):
    url = f"/api/v1/obligations/{obligation.pk}/report/"
    response = api("reporter_tu_son").post(url, {"revision": 7, "narrative": {}}, format="json")
    assert response.status_code == 400
    assert "revision" in response.json()["errors"]
    assert not Report.objects.filter(obligation=obligation).exists()
    assert api("reporter_tu_son").post(url, {"revision": 0, "narrative": {}}, format="json").status_code == 201


def _directive_body(tree, issued_on):
    from directives.models import DirectiveType

    return {
        "owner_unit": tree["bac_ninh"].pk,
        "doc_type": DirectiveType.objects.first().pk,
        "symbol": "21-KH/TU",
        "issuer": "Tỉnh ủy Bắc Ninh",
        "abstract": "Kế hoạch thực hiện quy chế dân chủ",
        "issued_on": issued_on,
    }


@pytest.mark.parametrize(
    ("issued_on", "message"), [("2030-01-01", "không thể ở tương lai"), ("1800-05-01", "trước năm 1945")]
)
def test_an_implausible_issue_date_is_refused_with_a_message(api, tree, issued_on, message):
    response = api("staff").post("/api/v1/directives/", _directive_body(tree, issued_on), format="json")
    assert response.status_code == 400
    assert message in response.json()["errors"]["issued_on"][0]


def test_a_deadline_before_the_issue_date_is_refused(api, tree):
    created = api("staff").post("/api/v1/directives/", _directive_body(tree, "2026-02-10"), format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/directives/{created.json()['id']}/assignments/"
    body = {"task": "Báo cáo kết quả", "deadline": "2026-01-31", "units": [tree["tu_son"].pk]}
    response = api("staff").post(url, body, format="json")
    assert response.status_code == 400
    assert "10/02/2026" in response.json()["errors"]["deadline"][0]
    assert api("staff").post(url, {**body, "deadline": "2026-03-31"}, format="json").status_code in (200, 201)


def test_an_issue_date_moved_after_a_tasks_deadline_is_refused(api, tree, client, users):
    created = api("staff").post("/api/v1/directives/", _directive_body(tree, "2026-02-10"), format="json")
    pk = created.json()["id"]
    body = {"task": "Báo cáo kết quả", "deadline": "2026-03-31", "units": [tree["tu_son"].pk]}
    assert api("staff").post(f"/api/v1/directives/{pk}/assignments/", body, format="json").status_code in (200, 201)

    client.force_login(users["staff"])
    url = reverse("directives:directive_edit", args=[pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "attachments"}
    response = client.post(url, {**data, "issued_on": "15/04/2026"})
    assert response.status_code == 200
    assert "31/03/2026" in " ".join(response.context["form"].errors["issued_on"])
    assert "hãy sửa hạn đó trước" in response.content.decode()
    assert api("staff").get(f"/api/v1/directives/{pk}/").json()["issued_on"] == "2026-02-10"
    assert client.post(url, {**data, "issued_on": "31/03/2026"}).status_code == 302
    assert api("staff").get(f"/api/v1/directives/{pk}/").json()["issued_on"] == "2026-03-31"
