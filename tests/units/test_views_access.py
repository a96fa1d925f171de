"""Every page of units, heads, bodies and people: the right people get in, a sibling gets a 404."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import make_body, make_person
from units import services
from units.models import BodyMembership, Headship


@pytest.fixture
def objects(tree, users):
    """A head, a steering committee with a member, and a person, all in Phường Từ Sơn."""
    tu_son = tree["tu_son"]
    head = make_person("Nguyễn Văn An", email="an@tuson.vn", unit=tu_son)
    headship = Headship.objects.create(
        unit=tu_son, person=head, title="Bí thư Đảng ủy", started_on=datetime.date(2025, 7, 1)
    )
    body = make_body(tu_son)
    membership = BodyMembership.objects.create(
        body=body, person=head, role=BodyMembership.Role.HEAD, started_on=datetime.date(2025, 7, 15)
    )
    return {"unit": tu_son, "headship": headship, "body": body, "membership": membership, "person": head}


def _pages(o):
    """(url name, object key) of every GET page that belongs to one unit."""
    return [
        ("units:unit_detail", "unit"),
        ("units:unit_children", "unit"),
        ("units:unit_create", "unit"),
        ("units:unit_edit", "unit"),
        ("units:headship_create", "unit"),
        ("units:body_create", "unit"),
        ("units:headship_end", "headship"),
        ("units:body_detail", "body"),
        ("units:body_edit", "body"),
        ("units:membership_add", "body"),
        ("units:person_detail", "person"),
        ("units:person_edit", "person"),
        ("units:unit_access", "unit"),
    ]


PAGES = _pages(None)


@pytest.mark.parametrize(("name", "key"), PAGES)
@pytest.mark.parametrize("who", ["reporter_dong_ngan", "staff_ha_noi", "nobody"])
def test_users_of_other_units_get_404(client, users, objects, name, key, who):
    client.force_login(users[who])
    assert client.get(reverse(name, args=[objects[key].pk])).status_code == 404


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_provincial_staff_open_every_page_of_a_ward(client, users, objects, name, key):
    client.force_login(users["staff"])
    assert client.get(reverse(name, args=[objects[key].pk])).status_code == 200


@pytest.mark.parametrize(
    ("name", "key"),
    [
        p
        for p in PAGES
        if p[0] in ("units:unit_detail", "units:body_detail", "units:person_detail", "units:unit_children")
    ],
)
@pytest.mark.parametrize("who", ["reporter_tu_son", "head_tu_son", "leader"])
def test_people_of_the_unit_read_its_pages(client, users, objects, name, key, who):
    client.force_login(users[who])
    assert client.get(reverse(name, args=[objects[key].pk])).status_code == 200


@pytest.mark.parametrize(
    ("name", "key"),
    [
        p
        for p in PAGES
        if p[0] not in ("units:unit_detail", "units:body_detail", "units:person_detail", "units:unit_children")
    ],
)
@pytest.mark.parametrize("who", ["reporter_tu_son", "head_tu_son", "leader"])
def test_readers_cannot_change_anything(client, users, objects, name, key, who):
    client.force_login(users[who])
    assert client.get(reverse(name, args=[objects[key].pk])).status_code == 403


def test_ending_a_membership_of_another_province_is_404(client, users, objects):
    client.force_login(users["staff_ha_noi"])
    url = reverse("units:membership_end", args=[objects["membership"].pk])
    assert client.post(url, {"ended_on": "2026-01-01"}).status_code == 404
    objects["membership"].refresh_from_db()
    assert objects["membership"].ended_on is None


def test_anonymous_visitors_are_sent_to_login(client, objects):
    response = client.get(reverse("units:unit_detail", args=[objects["unit"].pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_lists_show_only_units_and_people_in_scope(client, users, objects, tree):
    services.person_create(actor=None, full_name="Trần Thị Hà Nội", unit=tree["hoan_kiem"])
    client.force_login(users["reporter_dong_ngan"])
    assert "Từ Sơn" not in client.get(reverse("units:unit_tree"), {"q": "tu son"}).content.decode()
    people = client.get(reverse("units:person_list")).content.decode()
    assert "Nguyễn Văn An" not in people and "Trần Thị Hà Nội" not in people
    client.force_login(users["staff"])
    people = client.get(reverse("units:person_list"), {"q": "nguyen van"}).content.decode()
    assert "Nguyễn Văn An" in people and "Trần Thị Hà Nội" not in people


def test_staff_create_a_reporter_login_for_a_ward(client, tree, users):
    client.force_login(users["staff"])
    url = reverse("units:unit_access", args=[tree["tu_son"].pk])
    response = client.post(
        url,
        {
            "role": "reporter",
            "username": "baocao.moi",
            "full_name": "Vũ Thị Lan",
            "email": "lan@tuson.vn",
            "password": "Mat-khau-2026-dai",
        },
    )
    assert response.status_code == 302
    assert "Vũ Thị Lan" in client.get(url).content.decode()
    client.logout()
    assert client.login(username="baocao.moi", password="Mat-khau-2026-dai")
    assert client.get(tree["tu_son"].get_absolute_url()).status_code == 200
    assert client.get(tree["dong_ngan"].get_absolute_url()).status_code == 404


def test_staff_cannot_give_the_administrator_role(client, tree, users):
    client.force_login(users["staff"])
    response = client.post(
        reverse("units:unit_access", args=[tree["tu_son"].pk]), {"role": "admin", "username": users["nobody"].username}
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not users["nobody"].role_grants.exists()


def test_access_pages_are_closed_to_readers_and_siblings(client, tree, users):
    url = reverse("units:unit_access", args=[tree["tu_son"].pk])
    client.force_login(users["reporter_tu_son"])
    assert client.get(url).status_code == 403
    client.force_login(users["staff_ha_noi"])
    assert client.get(url).status_code == 404
    grant = users["reporter_tu_son"].role_grants.get()
    assert client.post(reverse("units:grant_revoke", args=[grant.pk])).status_code == 404
    assert users["reporter_tu_son"].role_grants.exists()
