"""A directive's page shows a ward only its own tasks: the task list and the history alike."""

from django.test import Client

from tests.api.conftest import assign, make_directive

SECRET_TASK = "Rà soát riêng hồ sơ khiếu nại của Phường Từ Sơn"


def test_a_sibling_ward_reads_nothing_of_a_task_given_to_another(tree, users, api):
    directive = make_directive(users["staff"], tree["bac_ninh"], "7-KH/TU")
    assign(users["staff"], directive, tree["tu_son"], task=SECRET_TASK)
    assign(users["staff"], directive, tree["dong_ngan"], task="Báo cáo chung")

    sibling = Client()
    sibling.force_login(users["reporter_dong_ngan"])
    page = sibling.get(directive.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Báo cáo chung" in html
    assert SECRET_TASK not in html and "Phường Từ Sơn" not in html
    # The API says the same.
    rows = api("reporter_dong_ngan").get(f"/api/v1/directives/{directive.pk}/assignments/").json()["results"]
    assert [r["task"] for r in rows] == ["Báo cáo chung"]

    own = Client()
    own.force_login(users["reporter_tu_son"])
    assert SECRET_TASK in own.get(directive.get_absolute_url()).content.decode()
    staff = Client()
    staff.force_login(users["staff"])
    html = staff.get(directive.get_absolute_url()).content.decode()
    assert SECRET_TASK in html and "Báo cáo chung" in html


def test_the_duplicate_check_says_nothing_of_a_directive_the_user_may_not_see(tree, users, api):
    from directives.models import Directive

    secret = make_directive(
        users["staff"],
        tree["bac_ninh"],
        "15-KH/TU",
        issuer="Tỉnh ủy Bắc Ninh",
        confidentiality=Directive.Confidentiality.SECRET,
    )
    body = {
        "owner_unit": tree["ha_noi"].pk,
        "doc_type": secret.doc_type_id,
        "symbol": "15-KH/TU",
        "issuer": "Tỉnh ủy Bắc Ninh",
        "abstract": "Thử số ký hiệu",
        "issued_on": "2026-01-20",
    }
    response = api("staff_ha_noi").post("/api/v1/directives/", body, format="json")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Không thể vào sổ số, ký hiệu này" in response.json()["errors"]["symbol"][0]
    assert "Bắc Ninh" not in text.replace("Tỉnh ủy Bắc Ninh", "") and secret.get_absolute_url() not in text

    page = Client()
    page.force_login(users["staff_ha_noi"])
    form = {**body, "confidentiality": "normal", "urgency": "normal", "status": "in_force"}
    html = page.post("/directives/new/", form).content.decode()
    assert "Không thể vào sổ số, ký hiệu này" in html
    assert secret.get_absolute_url() not in html and "Tỉnh Bắc Ninh" not in html

    # Who may see it is told where it is.
    own = api("staff").post("/api/v1/directives/", {**body, "owner_unit": tree["bac_ninh"].pk}, format="json")
    assert own.status_code == 400 and secret.get_absolute_url() in own.content.decode()
