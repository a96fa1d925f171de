"""The unit pages as staff and officials use them, with query budgets that do not grow with size."""

import datetime

from django.urls import reverse

from tests.factories import make_body, make_person, make_unit
from units import services
from units.models import AuditEvent, BodyMembership, Headship, Unit


def _grow(unit, n):
    for i in range(n):
        child = make_unit(f"Thôn {i}", Unit.Kind.VILLAGE, unit)
        person = make_person(f"Trưởng thôn {i}", unit=child)
        Headship.objects.create(unit=child, person=person, title="Trưởng thôn", started_on=datetime.date(2024, 1, 1))
        body = make_body(unit, name=f"Ban {i}")
        BodyMembership.objects.create(body=body, person=person, started_on=datetime.date(2025, 1, 1))
        Headship.objects.create(
            unit=unit, person=person, title=f"Phó {child.pk}", is_principal=False, started_on=datetime.date(2024, 1, 1)
        )
        services.audit_record(actor=None, action="test", obj=child, unit=unit, summary=f"change {i}")


def test_unit_page_query_count_does_not_grow(client, tree, users, django_assert_max_num_queries):
    client.force_login(users["staff"])
    url = tree["tu_son"].get_absolute_url()
    _grow(tree["tu_son"], 2)
    with django_assert_max_num_queries(
        19
    ):  # 16, one for the watches shown to committee staff, two for the evaluations and commendations panel
        assert client.get(url).status_code == 200
    _grow(tree["tu_son"], 30)
    with django_assert_max_num_queries(19):
        assert client.get(url).status_code == 200


def test_tree_and_search_query_count_does_not_grow(client, tree, users, django_assert_max_num_queries):
    client.force_login(users["admin"])
    for n in (2, 60):
        _grow(tree["dong_ngan"], n if n == 2 else 58)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("units:unit_tree")).status_code == 200
        with django_assert_max_num_queries(9):
            assert client.get(reverse("units:unit_children", args=[tree["dong_ngan"].pk])).status_code == 200
        with django_assert_max_num_queries(9):
            assert client.get(reverse("units:unit_tree"), {"q": "thon"}).status_code == 200
        with django_assert_max_num_queries(9):
            assert client.get(reverse("units:person_list")).status_code == 200


def test_children_are_paginated(client, tree, users):
    _grow(tree["dong_ngan"], 55)
    client.force_login(users["staff"])
    first = client.get(reverse("units:unit_children", args=[tree["dong_ngan"].pk])).content.decode()
    assert first.count("<li>") == 51  # 50 units and the "show more" button
    second = client.get(reverse("units:unit_children", args=[tree["dong_ngan"].pk]), {"page": 2}).content.decode()
    assert "Thôn Đông" in first + second


def test_search_without_diacritics_finds_the_ward(client, tree, users):
    client.force_login(users["staff"])
    body = client.get(reverse("units:unit_tree"), {"q": "DONG NGAN"}).content.decode()
    assert "Phường Đông Ngàn" in body and "Phường Từ Sơn" not in body


def test_staff_add_a_village_and_the_change_is_recorded(client, tree, users):
    client.force_login(users["staff"])
    response = client.post(
        reverse("units:unit_create", args=[tree["tu_son"].pk]),
        {"name": "Tổ dân phố Đa Hội", "kind": Unit.Kind.RESIDENTIAL_GROUP, "opened_on": "2025-07-01"},
    )
    village = Unit.objects.get(name="Tổ dân phố Đa Hội")
    assert response.status_code == 302 and response.url == village.get_absolute_url()
    assert village.parent == tree["tu_son"] and village.path.startswith(tree["tu_son"].path)
    assert AuditEvent.objects.filter(action="unit.created", object_id=village.pk, actor=users["staff"]).exists()
    assert "Tổ dân phố Đa Hội" in client.get(tree["tu_son"].get_absolute_url()).content.decode()


def test_a_bad_date_is_explained_next_to_the_field_and_nothing_is_lost(client, tree, users):
    client.force_login(users["staff"])
    response = client.post(
        reverse("units:unit_create", args=[tree["tu_son"].pk]),
        {"name": "Thôn Mới", "kind": Unit.Kind.VILLAGE, "opened_on": "2025-07-01", "closed_on": "2025-01-01"},
    )
    assert response.status_code == 200
    assert 'value="Thôn Mới"' in response.content.decode()
    assert not Unit.objects.filter(name="Thôn Mới").exists()


def test_moving_a_unit_moves_its_subtree(tree):
    services.unit_update(actor=None, unit=tree["dong_ngan"], parent=tree["ha_noi"])
    tree["village"].refresh_from_db()
    assert tree["village"].path.startswith(tree["ha_noi"].path)
    assert tree["village"].depth == 3
    assert [u.name for u in tree["village"].ancestors()] == ["Việt Nam", "Thành phố Hà Nội", "Phường Đông Ngàn"]
