"""Heads of unit: one holder per post at a time, and who was accountable on a given day."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import make_person
from units import services
from units.models import AuditEvent, Headship

D = datetime.date


@pytest.fixture
def an(tree):
    return make_person("Nguyễn Văn An", email="an@tuson.vn", unit=tree["tu_son"])


@pytest.fixture
def binh(tree):
    return make_person("Lê Thị Bình", email="binh@tuson.vn", unit=tree["tu_son"])


def test_head_on_a_date_follows_the_terms(tree, an, binh):
    unit = tree["tu_son"]
    services.headship_create(
        actor=None, unit=unit, person=an, title="Bí thư", started_on=D(2020, 1, 1), ended_on=D(2025, 6, 30)
    )
    services.headship_create(actor=None, unit=unit, person=binh, title="Bí thư", started_on=D(2025, 7, 1))
    assert services.head_on(unit, D(2019, 12, 31)) is None
    assert services.head_on(unit, D(2025, 6, 30)).person == an
    assert services.head_on(unit, D(2025, 7, 1)).person == binh
    assert services.head_on(unit, D(2030, 1, 1)).person == binh


def test_an_overlapping_appointment_is_refused_with_the_holders_name(tree, an, binh):
    unit = tree["tu_son"]
    services.headship_create(actor=None, unit=unit, person=an, title="Bí thư", started_on=D(2020, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.headship_create(actor=None, unit=unit, person=binh, title="Bí thư", started_on=D(2025, 7, 1))
    assert "Nguyễn Văn An" in str(exc.value)
    assert Headship.objects.filter(unit=unit).count() == 1


def test_the_database_itself_refuses_overlapping_headships(tree, an, binh):
    unit = tree["tu_son"]
    Headship.objects.create(unit=unit, person=an, title="Bí thư", started_on=D(2020, 1, 1), ended_on=D(2025, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        Headship.objects.create(unit=unit, person=binh, title="Bí thư", started_on=D(2025, 12, 31), is_principal=False)
    with pytest.raises(IntegrityError), transaction.atomic():  # a second accountable head, other title
        Headship.objects.create(unit=unit, person=binh, title="Chủ tịch UBND", started_on=D(2024, 1, 1))
    # The next day is free; a non-accountable post with another title may overlap.
    Headship.objects.create(unit=unit, person=binh, title="Bí thư", started_on=D(2026, 1, 1))
    Headship.objects.create(unit=unit, person=an, title="Chủ tịch UBND", started_on=D(2024, 1, 1), is_principal=False)
    assert Headship.objects.filter(unit=unit).count() == 3


def test_same_post_in_another_unit_is_independent(tree, an, binh):
    services.headship_create(actor=None, unit=tree["tu_son"], person=an, title="Bí thư", started_on=D(2025, 7, 1))
    services.headship_create(actor=None, unit=tree["dong_ngan"], person=binh, title="Bí thư", started_on=D(2025, 7, 1))
    assert Headship.objects.count() == 2


def test_staff_appoint_a_new_head_without_login_from_the_unit_page(client, tree, users):
    client.force_login(users["staff"])
    url = reverse("units:headship_create", args=[tree["tu_son"].pk])
    response = client.post(
        url,
        {
            "new_full_name": "Phạm Minh Châu",
            "new_email": "chau@tuson.vn",
            "title": "Chủ tịch UBND",
            "is_principal": "on",
            "started_on": "2025-07-01",
        },
    )
    assert response.status_code == 302
    page = client.get(tree["tu_son"].get_absolute_url()).content.decode()
    assert "Phạm Minh Châu" in page and "chau@tuson.vn" in page
    event = AuditEvent.objects.get(action="headship.created")
    assert event.actor == users["staff"] and "Phạm Minh Châu" in event.summary


def test_an_overlap_on_the_form_shows_a_message_and_keeps_the_input(client, tree, users, an):
    services.headship_create(actor=None, unit=tree["tu_son"], person=an, title="Bí thư", started_on=D(2020, 1, 1))
    client.force_login(users["staff"])
    response = client.post(
        reverse("units:headship_create", args=[tree["tu_son"].pk]),
        {"new_full_name": "Phạm Minh Châu", "title": "Bí thư", "is_principal": "on", "started_on": "2025-07-01"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Văn An" in body and 'value="Phạm Minh Châu"' in body
    assert not Headship.objects.filter(person__full_name="Phạm Minh Châu").exists()


def test_a_post_says_which_body_it_heads_and_whether_it_is_a_deputys(tree, an, binh):
    unit = tree["tu_son"]
    secretary = services.headship_create(
        actor=None, unit=unit, person=an, title="Bí thư Đảng ủy", started_on=D(2025, 7, 1)
    )
    deputy = services.headship_create(
        actor=None, unit=unit, person=binh, title="Phó Chủ tịch UBND", started_on=D(2025, 7, 1), is_principal=False
    )
    director = services.headship_create(
        actor=None,
        unit=tree["dong_ngan"],
        person=an,
        title="Trưởng Ban Quản lý chợ",
        started_on=D(2025, 7, 1),
        function=Headship.Function.AGENCY,
    )
    assert (secretary.function, secretary.is_deputy) == (Headship.Function.PARTY, False)
    assert (deputy.function, deputy.is_deputy) == (Headship.Function.PEOPLES_COMMITTEE, True)
    assert director.function == Headship.Function.AGENCY  # chosen, where the title does not tell


def test_a_body_has_one_head_at_a_time_but_may_have_several_deputies(tree, an, binh):
    unit = tree["tu_son"]
    chi = make_person("Trần Văn Chí", unit=unit)
    services.headship_create(
        actor=None, unit=unit, person=an, title="Phó Chủ tịch UBND", started_on=D(2025, 7, 1), is_principal=False
    )
    services.headship_create(
        actor=None, unit=unit, person=binh, title="Phó Chủ tịch UBND", started_on=D(2025, 7, 1), is_principal=False
    )
    services.headship_create(
        actor=None, unit=unit, person=chi, title="Chủ tịch UBND", started_on=D(2025, 7, 1), is_principal=False
    )
    with pytest.raises(ValidationError):
        services.headship_create(
            actor=None, unit=unit, person=an, title="Chủ tịch UBND", started_on=D(2026, 1, 1), is_principal=False
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second chairman too
        Headship.objects.create(
            unit=unit, person=binh, title="Chủ tịch UBND", started_on=D(2026, 1, 1), is_principal=False
        )
    Headship.objects.create(
        unit=unit, person=chi, title="Phó Chủ tịch UBND", started_on=D(2026, 1, 1), is_principal=False
    )
    assert Headship.objects.filter(unit=unit, title="Phó Chủ tịch UBND", is_deputy=True).count() == 3
