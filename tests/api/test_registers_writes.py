"""A script enters and changes register rows through /api/v1/ as a ward official does on the pages: the
same checks, the same scope (another unit's row or unit is a 404), the same audit, the same computed result."""

import pytest
from django.db import connection

from registers.models import CommunityDecision, Conference, Disclosure, MatterKind
from registers.registry import REGISTERS
from tests.api.conftest import disclosure_body
from tests.registers.conftest import make_directive_120, make_rows
from units.models import AuditEvent

pytestmark = pytest.mark.django_db


def _audit(action: str, record) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=record.pk).order_by("pk"))


def _ballot(unit, agreeing: int) -> dict:
    return {
        "unit": unit.pk,
        "date": "2026-02-15",
        "subject": "Bỏ phiếu đóng góp làm đường khu phố",
        "matter_kind": MatterKind.objects.filter(is_active=True).order_by("position").first().pk,
        "method": "ballot",
        "households_total": 300,
        "households_present": 250,
        "households_agreeing": agreeing,
    }


def test_a_ward_enters_a_disclosure_with_its_token(api, users, tree):
    response = api("reporter_tu_son").post("/api/v1/disclosures/", disclosure_body(tree["tu_son"]), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["subject"] == "Dự toán ngân sách phường năm 2026" and body["unit"]["id"] == tree["tu_son"].pk
    row = Disclosure.objects.get(pk=body["id"])
    assert row.entered_by == users["reporter_tu_son"] and row.group == "budget" and row.days_posted == 30
    (event,) = _audit("register.disclosures.created", row)
    assert event.actor == users["reporter_tu_son"] and event.unit == tree["tu_son"]
    assert api("reporter_tu_son").get(f"/api/v1/disclosures/{row.pk}/").status_code == 200


@pytest.mark.parametrize("agreeing", [150, 151])
def test_a_ballots_result_is_computed_as_on_the_page(api, tree, agreeing):
    """More than the kind's threshold of the community's households must agree: proved by plain SQL."""
    response = api("reporter_tu_son").post(
        "/api/v1/community-decisions/", _ballot(tree["tu_son"], agreeing), format="json"
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.households_agreeing * 100 > d.households_total * k.threshold_percent FROM "
            "registers_communitydecision d JOIN registers_matterkind k ON k.id = d.matter_kind_id WHERE d.id = %s",
            [pk],
        )
        expected = bool(cursor.fetchone()[0])
    assert response.json()["carried"] is expected is (agreeing == 151)
    assert CommunityDecision.objects.get(pk=pk).carried is expected


def test_changing_a_ballot_recomputes_it_and_the_audit_keeps_the_change(api, users, tree):
    client = api("head_tu_son")
    pk = client.post("/api/v1/community-decisions/", _ballot(tree["tu_son"], 150), format="json").json()["id"]
    response = client.patch(f"/api/v1/community-decisions/{pk}/", {"households_agreeing": 200}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["carried"] is True and response.json()["households_total"] == 300  # the rest kept
    row = CommunityDecision.objects.get(pk=pk)
    assert row.carried and row.households_agreeing == 200 and row.updated_by == users["head_tu_son"]
    (event,) = _audit("register.community-decisions.updated", row)
    assert event.data == {"households_agreeing": ["150", "200"]} and event.actor == users["head_tu_son"]


def test_the_rows_rules_answer_400_with_the_field(api, tree):
    client = api("reporter_tu_son")
    bad = client.post("/api/v1/community-decisions/", _ballot(tree["tu_son"], 260), format="json")
    assert bad.status_code == 400 and "households_agreeing" in bad.json()["errors"]
    bad = client.post("/api/v1/disclosures/", {**disclosure_body(tree["tu_son"]), "group": "nonsense"}, format="json")
    assert bad.status_code == 400 and "group" in bad.json()["errors"]
    bad = client.post("/api/v1/disclosures/", {**disclosure_body(tree["tu_son"]), "subject": ""}, format="json")
    assert bad.status_code == 400 and "subject" in bad.json()["errors"]
    pk = client.post("/api/v1/disclosures/", disclosure_body(tree["tu_son"]), format="json").json()["id"]
    bad = client.patch(f"/api/v1/disclosures/{pk}/", {"date": "20/13/2026"}, format="json")
    assert bad.status_code == 400 and "date" in bad.json()["errors"]
    assert CommunityDecision.objects.count() == 0 and Disclosure.objects.count() == 1


def test_another_units_rows_and_units_are_404_and_readers_403(api, users, tree):
    ours = api("reporter_tu_son").post("/api/v1/disclosures/", disclosure_body(tree["tu_son"]), format="json").json()
    # Đông Ngàn's reporter cannot see Từ Sơn: entering a row for it or changing one of its rows is a 404.
    outsider = api("reporter_dong_ngan")
    assert outsider.post("/api/v1/disclosures/", disclosure_body(tree["tu_son"]), format="json").status_code == 404
    assert outsider.patch(f"/api/v1/disclosures/{ours['id']}/", {"days_posted": 1}, format="json").status_code == 404
    assert (
        api("staff_ha_noi").post("/api/v1/disclosures/", disclosure_body(tree["tu_son"]), format="json").status_code
        == 404
    )
    # The province's leader reads the ward's rows but does not write them.
    leader = api("leader")
    assert leader.get(f"/api/v1/disclosures/{ours['id']}/").status_code == 200
    assert leader.post("/api/v1/disclosures/", disclosure_body(tree["tu_son"]), format="json").status_code == 403
    assert leader.patch(f"/api/v1/disclosures/{ours['id']}/", {"days_posted": 1}, format="json").status_code == 403
    assert api().post("/api/v1/disclosures/", disclosure_body(tree["tu_son"]), format="json").status_code == 401
    assert Disclosure.objects.get().days_posted == 30 and Disclosure.objects.count() == 1
    # The committee staff above the ward enter rows for it.
    assert api("staff").post("/api/v1/disclosures/", disclosure_body(tree["tu_son"]), format="json").status_code == 201


def test_a_conference_names_only_a_directive_the_user_sees(api, tree):
    directive = make_directive_120(tree)
    body = {
        "unit": tree["tu_son"].pk,
        "date": "2026-03-05",
        "subject": "Hội nghị quán triệt Kết luận 120-KL/TW",
        "kind": Conference._meta.get_field("kind").choices[0][0],
        "directive": directive.pk,
        "party_cells_total": 12,
        "party_cells_reached": 11,
        "resident_attendees": 80,
    }
    response = api("reporter_tu_son").post("/api/v1/conferences/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Conference.objects.get().directive == directive
    bad = api("reporter_tu_son").post("/api/v1/conferences/", {**body, "directive": 10**9}, format="json")
    assert bad.status_code == 400 and "directive" in bad.json()["errors"]


def _body_of(register, row) -> dict:
    """A row's fields as a script sends them: links by id, dates as yyyy-mm-dd."""
    body = {"unit": row.unit_id}
    for name in register.all_fields:
        value = getattr(row, name)
        body[name] = value.pk if hasattr(value, "pk") else value.isoformat() if hasattr(value, "isoformat") else value
    return body


@pytest.mark.parametrize("slug", list(REGISTERS))
def test_every_register_is_entered_and_changed_only_in_scope(api, users, tree, slug):
    register = REGISTERS[slug]
    row = make_rows(tree["tu_son"], make_directive_120(tree))[slug]
    before = register.model.objects.count()
    response = api("reporter_tu_son").post(f"/api/v1/{slug}/", _body_of(register, row), format="json")
    assert response.status_code == 201, response.json()
    created = register.model.objects.get(pk=response.json()["id"])
    assert register.model.objects.count() == before + 1 and created.entered_by == users["reporter_tu_son"]
    assert len(_audit(f"register.{slug}.created", created)) == 1
    change = {"subject": "Đã sửa qua API"}
    assert api("reporter_dong_ngan").patch(f"/api/v1/{slug}/{created.pk}/", change, format="json").status_code == 404
    assert api("reporter_dong_ngan").post(f"/api/v1/{slug}/", _body_of(register, row), format="json").status_code == 404
    assert api("reporter_tu_son").patch(f"/api/v1/{slug}/{created.pk}/", change, format="json").status_code == 200
    created.refresh_from_db()
    assert created.subject == "Đã sửa qua API" and len(_audit(f"register.{slug}.updated", created)) == 1
