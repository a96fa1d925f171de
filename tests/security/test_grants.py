"""A role is given only to logins of people the granting staff manage; the form never tells whether a
user name exists elsewhere."""

import re

from django.urls import reverse

from units.models import RoleGrant


def _grant(client, unit, username):
    return client.post(reverse("units:unit_access", args=[unit.pk]), {"role": "reporter", "username": username})


def _errors(response) -> list[str]:
    return sorted(str(e) for field in response.context["form"].errors.values() for e in field)


def test_staff_cannot_grant_to_a_login_of_another_province_nor_learn_it_exists(client, tree, users):
    client.force_login(users["staff"])
    outsider = _grant(client, tree["tu_son"], users["staff_ha_noi"].username)
    unknown = _grant(client, tree["tu_son"], "khong-ai-co-ten-nay")
    assert outsider.status_code == unknown.status_code == 200
    assert _errors(outsider) == _errors(unknown) and _errors(outsider)
    strip = lambda r: re.sub(r'value="[^"]*"|name="csrfmiddlewaretoken"[^>]*', "", r.content.decode())  # noqa: E731
    assert strip(outsider).replace(users["staff_ha_noi"].username, "X") == strip(unknown).replace(
        "khong-ai-co-ten-nay", "X"
    )
    assert not RoleGrant.objects.filter(user=users["staff_ha_noi"], unit=tree["tu_son"]).exists()


def test_staff_grant_a_role_to_a_login_of_their_own_province(client, tree, users):
    client.force_login(users["staff"])
    response = _grant(client, tree["tu_son"], users["reporter_dong_ngan"].username)
    assert response.status_code == 302
    assert RoleGrant.objects.filter(user=users["reporter_dong_ngan"], unit=tree["tu_son"], role="reporter").exists()
