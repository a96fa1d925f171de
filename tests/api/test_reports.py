"""Reports through the API, as a ward's phone app and the committee's system would use it: every step
goes through reports.services, so the history is the one the pages show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import generation
from reports import services as report_services
from reports.models import Obligation, Report, ReportEvent, Status
from tests.api.conftest import complete_draft
from tests.factories import make_unit, make_user
from units.models import AuditEvent, RoleGrant, Unit


def test_a_ward_files_its_quarterly_report_with_a_token(api, client, tree, users, reporting):
    """The issue's scenario: list the ward's obligations, fill a draft, submit; the committee sees it."""
    me = api("reporter_tu_son")
    ward = me.get("/api/v1/me/").json()["grants"][0]["unit"]
    assert ward["id"] == tree["tu_son"].pk
    open_ones = me.get("/api/v1/obligations/", {"unit": ward["id"], "status": "open", "year": 2026}).json()
    q1 = next(o for o in open_ones["results"] if o["period_index"] == 1)
    assert q1["report"] is None and q1["form"]["code"] == "qcdc-quarter"
    form = me.get(f"/api/v1/report-forms/{q1['form']['id']}/").json()
    assert form["sections"] and form["indicators"]

    body = {"revision": 0, **complete_draft(reporting["form"])}
    created = me.post(f"/api/v1/obligations/{q1['id']}/report/", body, format="json")
    assert created.status_code == 201, created.json()
    report = created.json()
    assert report["status"] == "draft" and report["revision"] == 1 and report["problems"] == {}
    figures = {v["code"]: v for v in report["values"]}
    assert figures["MEETING_PARTICIPANTS"]["number"] == "1240.0000"

    # The form wants the head's signature: the reporter sends it, the head approves and submits.
    submit = me.post(f"/api/v1/reports/{report['id']}/submit/", {}, format="json")
    assert submit.status_code == 400 and submit.json()["errors"]["non_field_errors"] == [submit.json()["detail"]]
    assert me.post(f"/api/v1/reports/{report['id']}/request-approval/", {}, format="json").status_code == 200
    approved = api("head_tu_son").post(f"/api/v1/reports/{report['id']}/approve/", {"note": "Đồng ý"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "submitted"

    inbox = api("staff").get("/api/v1/reports/", {"reviewable": "true", "status": "submitted"}).json()
    assert [r["id"] for r in inbox["results"]] == [report["id"]]
    assert Report.objects.reviewable_by(users["staff"]).filter(pk=report["id"], status=Status.SUBMITTED).exists()

    history = api("staff").get(f"/api/v1/reports/{report['id']}/").json()
    assert [e["kind"] for e in history["events"]] == ["created", "approval_requested", "approved"]
    assert history["versions"][0]["number"] == 1
    assert AuditEvent.objects.filter(action="report.approved", object_id=report["id"]).exists()

    # The committee's web inbox shows it, and its page shows the history written through the API.
    client.force_login(users["staff"])
    inbox = client.get(reverse("reports:review_inbox")).content.decode()
    assert reverse("reports:report_detail", args=[q1["id"]]) in inbox
    page = client.get(report["web_url"]).content.decode()
    assert "Đồng ý" in page and users["head_tu_son"].display_name in page


def test_the_committee_returns_with_a_reason_then_accepts(api, users, reporting):
    report = reporting["report"]
    me = api("reporter_tu_son")
    saved = me.patch(
        f"/api/v1/reports/{report.pk}/",
        {"revision": report.revision, **complete_draft(reporting["form"])},
        format="json",
    )
    assert saved.status_code == 200
    me.post(f"/api/v1/reports/{report.pk}/request-approval/", {}, format="json")
    api("head_tu_son").post(f"/api/v1/reports/{report.pk}/approve/", {}, format="json")

    staff = api("staff")
    no_reason = staff.post(f"/api/v1/reports/{report.pk}/return/", {}, format="json")
    assert no_reason.status_code == 400 and list(no_reason.json()["errors"]) == ["reason"]
    returned = staff.post(f"/api/v1/reports/{report.pk}/return/", {"reason": "Bổ sung số liệu tiếp dân"}, format="json")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"

    current = me.get(f"/api/v1/reports/{report.pk}/").json()
    fixed = me.patch(
        f"/api/v1/reports/{report.pk}/",
        {"revision": current["revision"], "values": {"RECEPTION_DAYS": "13"}},
        format="json",
    )
    assert fixed.status_code == 200
    unsigned = me.post(f"/api/v1/reports/{report.pk}/submit/", {"note": "Đã bổ sung"}, format="json")
    assert unsigned.status_code == 400  # the corrected report needs the head's approval again
    me.post(f"/api/v1/reports/{report.pk}/request-approval/", {}, format="json")
    resubmitted = api("head_tu_son").post(
        f"/api/v1/reports/{report.pk}/approve/", {"note": "Đã bổ sung"}, format="json"
    )
    assert resubmitted.status_code == 200 and resubmitted.json()["status"] == "resubmitted"
    accepted = staff.post(f"/api/v1/reports/{report.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    kinds = list(ReportEvent.objects.filter(report=report).order_by("created_at", "id").values_list("kind", "note"))
    assert ("returned", "Bổ sung số liệu tiếp dân") in kinds and kinds[-1] == ("accepted", "")
    versions = me.get(f"/api/v1/reports/{report.pk}/").json()["versions"]
    head = users["head_tu_son"].display_name
    assert [(v["number"], v["approved_by"]) for v in versions] == [(1, head), (2, head)]
    assert me.patch(f"/api/v1/reports/{report.pk}/", {"revision": 99}, format="json").status_code == 400


def test_a_save_from_an_older_copy_is_a_409_with_the_newer_report(api, reporting):
    report = reporting["report"]
    me = api("reporter_tu_son")
    first = me.patch(
        f"/api/v1/reports/{report.pk}/", {"revision": report.revision, "values": {"BALLOTS": "3"}}, format="json"
    )
    assert first.status_code == 200
    stale = me.patch(
        f"/api/v1/reports/{report.pk}/", {"revision": report.revision, "values": {"BALLOTS": "4"}}, format="json"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "conflict" and body["current"]["revision"] == first.json()["revision"]
    assert "revision" in body["errors"]
    assert {v["code"]: v["raw"] for v in body["current"]["values"]}["BALLOTS"] == "3"


def test_field_errors_use_the_apis_names(api, reporting):
    report = reporting["report"]
    me = api("reporter_tu_son")
    bad = me.patch(
        f"/api/v1/reports/{report.pk}/", {"revision": report.revision, "values": {"NOPE": "1"}}, format="json"
    )
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["values.NOPE"]
    me.patch(
        f"/api/v1/reports/{report.pk}/", {"revision": report.revision, "values": {"BALLOTS": "hai"}}, format="json"
    )
    incomplete = api("head_tu_son").post(f"/api/v1/reports/{report.pk}/submit/", {}, format="json")
    assert incomplete.status_code == 400
    keys = set(incomplete.json()["errors"])
    assert "values.BALLOTS" in keys and any(k.startswith("narrative.") for k in keys)


READS = [
    ("/api/v1/obligations/{}/", "obligation"),
    ("/api/v1/obligations/{}/report/", "started"),
    ("/api/v1/reports/{}/", "report"),
]
STEPS = ["submit", "request-approval", "approve", "send-back", "accept", "return"]


@pytest.mark.parametrize(("url", "key"), READS)
@pytest.mark.parametrize("who", ["reporter_dong_ngan", "staff_ha_noi", "nobody"])
def test_users_of_other_units_get_404(api, reporting, url, key, who):
    assert api(who).get(url.format(reporting[key].pk)).status_code == 404


@pytest.mark.parametrize(("url", "key"), READS)
@pytest.mark.parametrize("who", ["reporter_tu_son", "head_tu_son", "leader", "staff", "admin"])
def test_the_ward_and_the_committees_above_read_it(api, reporting, url, key, who):
    assert api(who).get(url.format(reporting[key].pk)).status_code == 200


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("who", ["reporter_dong_ngan", "staff_ha_noi", "nobody"])
def test_outsiders_cannot_move_the_report(api, reporting, step, who):
    report = reporting["report"]
    response = api(who).post(f"/api/v1/reports/{report.pk}/{step}/", {"note": "x", "reason": "x"}, format="json")
    assert response.status_code == 404
    assert api(who).patch(f"/api/v1/reports/{report.pk}/", {"revision": 1}, format="json").status_code == 404
    obligation = reporting["obligation"]
    assert (
        api(who).post(f"/api/v1/obligations/{obligation.pk}/report/", {"revision": 0}, format="json").status_code == 404
    )
    assert not Report.objects.filter(obligation=obligation).exists()


@pytest.mark.parametrize("who", ["leader", "staff"])
def test_only_the_wards_own_people_write_its_report(api, reporting, who):
    obligation = reporting["obligation"]
    response = api(who).post(f"/api/v1/obligations/{obligation.pk}/report/", {"revision": 0}, format="json")
    assert response.status_code == 403 and response.json()["detail"]
    assert not Report.objects.filter(obligation=obligation).exists()


@pytest.mark.parametrize("step", ["accept", "return"])
@pytest.mark.parametrize("who", ["reporter_tu_son", "head_tu_son", "leader"])
def test_only_committee_staff_above_review(api, reporting, step, who):
    report = reporting["report"]
    response = api(who).post(f"/api/v1/reports/{report.pk}/{step}/", {"reason": "x"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("url", ["/api/v1/obligations/", "/api/v1/reports/"])
@pytest.mark.parametrize("who", ["reporter_dong_ngan", "staff_ha_noi", "nobody"])
def test_lists_never_show_another_wards_reports(api, reporting, tree, url, who):
    rows = api(who).get(url, {"page_size": 200}).json()["results"]
    assert all(r["unit"]["id"] != tree["tu_son"].pk for r in rows)


def test_obligation_filters_mirror_the_report_page(api, reporting, tree):
    client = api("staff")
    ward = client.get("/api/v1/obligations/", {"unit": tree["tu_son"].pk}).json()
    assert ward["count"] == 4 and {o["unit"]["id"] for o in ward["results"]} == {tree["tu_son"].pk}
    province = client.get("/api/v1/obligations/", {"unit": tree["bac_ninh"].pk, "sub": "true"}).json()
    assert province["count"] == 8
    drafts = client.get("/api/v1/obligations/", {"status": "draft"}).json()
    assert [o["id"] for o in drafts["results"]] == [reporting["started"].pk]
    assert drafts["results"][0]["report"]["id"] == reporting["report"].pk
    assert client.get("/api/v1/obligations/", {"status": "late"}).status_code == 400


def test_report_list_filters_by_unit_and_subtree(api, reporting, tree):
    client = api("staff")

    def ids(**params) -> list[int]:
        return [r["id"] for r in client.get("/api/v1/reports/", params).json()["results"]]

    started = reporting["report"].pk
    assert ids(unit=tree["tu_son"].pk) == [started]
    assert ids(unit=tree["bac_ninh"].pk) == []
    assert ids(unit=tree["bac_ninh"].pk, sub="true") == [started]
    assert ids(unit=tree["dong_ngan"].pk, sub="true") == []
    assert ids(unit=999_999, sub="true") == []


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# token + grants + former-units check + count + rows (+ the forms' sections and figures, values, for reports)
REPORT_LISTS = {"/api/v1/obligations/": 5, "/api/v1/reports/": 8, "/api/v1/report-forms/": 3}


def test_report_list_query_counts_do_not_grow_with_the_rows(api, reporting, tree, django_assert_max_num_queries):
    client = api("staff")
    client.get("/api/v1/me/")  # the token's last use is noted once a minute, not by the lists below
    before = {url: _queries(client, url) for url in REPORT_LISTS}
    for i in range(5):
        ward = make_unit(f"Phường Mới {i}", Unit.Kind.WARD, tree["bac_ninh"])
        reporter = make_user(f"reporter_moi_{i}", role=RoleGrant.Role.REPORTER, unit=ward)
        generation.obligations_generate(form=reporting["form"], year=2026)
        for obligation in Obligation.objects.filter(unit=ward):
            report_services.report_save_draft(actor=reporter, obligation=obligation, revision=0)
    after = {url: _queries(client, url) for url in REPORT_LISTS}
    assert after == before
    for url, budget in REPORT_LISTS.items():
        with django_assert_max_num_queries(budget):
            client.get(url)
