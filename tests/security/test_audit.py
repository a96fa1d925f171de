"""The audit trail: refused requests (who, where from, what), and writes made in the Django admin,
recorded like the services' own; the admin shows a headship overlap on the form."""

import datetime
import logging

from django.test import Client
from django.urls import reverse

from tests.factories import make_person, make_user
from units.models import AuditEvent, Headship, RoleGrant, Unit


def test_a_refused_page_is_logged_and_audited_with_user_and_path(client, users, caplog):
    client.force_login(users["reporter_tu_son"])
    with caplog.at_level(logging.WARNING, logger="qcdc.security"):
        response = client.get(reverse("directives:directive_create"), REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 403
    line = next(r.getMessage() for r in caplog.records if "access denied" in r.getMessage())
    assert "reporter_ts" in line and "10.2.2.2" in line and "/directives/new/" in line
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == users["reporter_tu_son"] and event.data["path"] == "/directives/new/"
    assert event.data["address"] == "10.2.2.2" and event.created_at is not None


def test_a_refused_api_write_is_audited_too(api, users):
    response = api("reporter_tu_son").post("/api/v1/directives/", {}, format="json")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == users["reporter_tu_son"] and event.data["path"] == "/api/v1/directives/"


def _admin(db) -> tuple[Client, object]:
    admin = make_user("quantri", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client, admin


def test_a_role_granted_in_the_admin_writes_the_audit_row_of_the_service(tree, users):
    client, admin = _admin(None)
    response = client.post(
        reverse("admin:units_rolegrant_add"),
        {"user": users["nobody"].pk, "role": RoleGrant.Role.REPORTER, "unit": tree["tu_son"].pk},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    grant = RoleGrant.objects.get(user=users["nobody"])
    event = AuditEvent.objects.get(action="role.granted", object_id=grant.pk)
    assert event.actor == admin and event.unit == tree["tu_son"] and event.data["via"] == "admin"


def test_a_unit_renamed_and_deleted_in_the_admin_is_audited(tree, users):
    client, admin = _admin(None)
    village = tree["village"]
    data = {
        "name": "Thôn Đông Mới",
        "kind": village.kind,
        "type_name": village.type_name,
        "parent": village.parent_id,
        "code": "",
        "code_scheme": village.code_scheme,
        "address": "",
        "headships-TOTAL_FORMS": "0",
        "headships-INITIAL_FORMS": "0",
        "succession_links_out-TOTAL_FORMS": "0",
        "succession_links_out-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:units_unit_change", args=[village.pk]), data)
    assert response.status_code == 302, [str(e) for e in response.context["errors"]] if response.context else ""
    event = AuditEvent.objects.get(action="unit.updated", object_id=village.pk)
    assert event.actor == admin and "name" in event.data["fields"]
    pk = village.pk
    response = client.post(reverse("admin:units_unit_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302 and not Unit.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(action="unit.deleted", object_id=pk, actor=admin).exists()


def test_an_overlapping_headship_in_the_admin_is_an_error_on_the_form(tree, users):
    client, _admin_user = _admin(None)
    holder = make_person("Nguyễn Văn An", unit=tree["tu_son"])
    Headship.objects.create(
        unit=tree["tu_son"], person=holder, title="Bí thư", started_on=datetime.date(2025, 7, 1), is_principal=True
    )
    other = make_person("Trần Văn Bình", unit=tree["tu_son"])
    response = client.post(
        reverse("admin:units_headship_add"),
        {
            "unit": tree["tu_son"].pk,
            "person": other.pk,
            "title": "Bí thư",
            "is_principal": "on",
            "started_on": "2026-01-01",
            "ended_on": "",
            "decision": "",
        },
    )
    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.content.decode() and "01/07/2025" in response.content.decode()
    assert Headship.objects.filter(unit=tree["tu_son"]).count() == 1


def test_two_overlapping_terms_typed_together_on_the_unit_page_are_an_error_not_a_500(tree, users):
    client, _admin_user = _admin(None)
    village = tree["village"]
    a, b = make_person("Lê Văn A", unit=village), make_person("Lê Văn B", unit=village)
    data = {
        "name": village.name,
        "kind": village.kind,
        "type_name": village.type_name,
        "parent": village.parent_id,
        "code": "",
        "code_scheme": village.code_scheme,
        "address": "",
        "headships-TOTAL_FORMS": "2",
        "headships-INITIAL_FORMS": "0",
        "succession_links_out-TOTAL_FORMS": "0",
        "succession_links_out-INITIAL_FORMS": "0",
    }
    for i, person in enumerate((a, b)):
        data.update(
            {
                f"headships-{i}-person": person.pk,
                f"headships-{i}-title": "Trưởng thôn",
                f"headships-{i}-is_principal": "on",
                f"headships-{i}-started_on": f"2026-0{i + 1}-01",
                f"headships-{i}-ended_on": "",
                f"headships-{i}-decision": "",
            }
        )
    response = client.post(reverse("admin:units_unit_change", args=[village.pk]), data)
    assert response.status_code == 200
    assert "chồng lên nhau" in response.content.decode()
    assert not Headship.objects.filter(unit=village).exists()
