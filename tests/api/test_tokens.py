"""API tokens: made and revoked on the profile page, stored only as a hash, and the key to the API."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken, token_digest
from units.models import AuditEvent, RoleGrant

ME = "/api/v1/me/"


def test_a_token_opens_the_api_as_its_user(api, users):
    response = api("reporter_tu_son").get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == users["reporter_tu_son"].username


def test_bearer_is_accepted_too(tokens, users):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['staff']}")
    assert client.get(ME).json()["username"] == users["staff"].username


@pytest.mark.parametrize(
    "header",
    ["Token qcdc_not-a-real-secret", "Token", "Token a b", "Bearer ", "Token \u00e9\u00e9"],
)
def test_a_wrong_or_malformed_token_is_401_with_the_error_body(tokens, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    response = client.get(ME)
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


def test_no_credentials_is_401_and_says_how_to_authenticate(db):
    response = APIClient().get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_revoked_token_stops_working_at_once(api, users):
    token = ApiToken.objects.get(user=users["reporter_tu_son"])
    client = api("reporter_tu_son")
    assert client.get(ME).status_code == 200
    services.token_revoke(user=users["reporter_tu_son"], token=token)
    assert client.get(ME).status_code == 401


def test_the_token_of_a_deactivated_user_stops_working(api, users):
    client = api("reporter_tu_son")
    users["reporter_tu_son"].is_active = False
    users["reporter_tu_son"].save()
    assert client.get(ME).status_code == 401


def test_a_token_user_has_the_scope_of_every_grant_they_hold_now(api, tree, users):
    """The grants come with the token's own query: each of them counts, and a change counts on the next request."""
    client = api("reporter_tu_son")
    assert client.get(f"/api/v1/units/{tree['tu_son'].pk}/").status_code == 200
    assert client.get(f"/api/v1/units/{tree['hoan_kiem'].pk}/").status_code == 404
    grant = RoleGrant.objects.create(user=users["reporter_tu_son"], role=RoleGrant.Role.STAFF, unit=tree["ha_noi"])
    assert client.get(f"/api/v1/units/{tree['hoan_kiem'].pk}/").status_code == 200
    assert client.get(f"/api/v1/units/{tree['tu_son'].pk}/").status_code == 200
    grant.delete()
    assert client.get(f"/api/v1/units/{tree['hoan_kiem'].pk}/").status_code == 404


def test_only_the_hash_of_the_secret_is_stored(users):
    token, secret = services.token_create(user=users["staff"], name="Hệ thống báo cáo tỉnh")
    token.refresh_from_db()
    assert token.digest == token_digest(secret) and len(token.digest) == 64
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert secret not in stored
    audit = AuditEvent.objects.get(action="api_token.created", object_id=token.pk)
    assert secret not in audit.summary and secret not in str(audit.data)


def test_last_use_is_noted_at_most_once_a_minute(api, users):
    token = ApiToken.objects.get(user=users["staff"])
    client = api("staff")
    client.get(ME)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(ME)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=5))
    client.get(ME)
    token.refresh_from_db()
    assert token.last_used_at > first - datetime.timedelta(minutes=5)


def test_a_user_cannot_revoke_someone_elses_token_through_the_service(users, english):
    token, _secret = services.token_create(user=users["staff"], name="x")
    with pytest.raises(Exception, match="not yours"):
        services.token_revoke(user=users["reporter_tu_son"], token=token)


def test_a_user_may_hold_a_bounded_number_of_tokens(users, english):
    for i in range(services.MAX_ACTIVE_TOKENS):
        services.token_create(user=users["leader"], name=f"app {i}")
    with pytest.raises(Exception, match="revoke one"):
        services.token_create(user=users["leader"], name="one too many")


# The profile page


@pytest.fixture
def browser(settings):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _csrf(client, url: str) -> str:
    client.get(url)
    return client.cookies["csrftoken"].value


def test_a_user_makes_a_token_on_the_profile_page_and_sees_the_secret_once(browser, users, english):
    browser.force_login(users["reporter_tu_son"])
    url = reverse("api:profile")
    page = browser.get(url)
    assert page.status_code == 200 and "You have no API tokens" in page.content.decode()
    response = browser.post(url, {"name": "Ứng dụng điện thoại", "csrfmiddlewaretoken": _csrf(browser, url)})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    token = ApiToken.objects.get(user=users["reporter_tu_son"])
    secret = html.split('id="new-secret" type="text" readonly value="')[1].split('"')[0]
    assert token_digest(secret) == token.digest and "shown only this once" in html
    again = browser.get(url).content.decode()
    assert secret not in again and "Ứng dụng điện thoại" in again and token.hint in again

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get(ME).status_code == 200

    revoke = reverse("api:token_revoke", args=[token.pk])
    assert browser.post(revoke, {"csrfmiddlewaretoken": _csrf(browser, url)}).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_at <= timezone.now()
    assert api.get(ME).status_code == 401
    assert "revoked" in browser.get(url).content.decode()


def test_the_profile_page_needs_the_csrf_token(browser, users):
    browser.force_login(users["staff"])
    assert browser.post(reverse("api:profile"), {"name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(user=users["staff"]).exists()


def test_a_nameless_token_is_refused_with_a_message(browser, users, english):
    browser.force_login(users["staff"])
    url = reverse("api:profile")
    response = browser.post(url, {"name": "   ", "csrfmiddlewaretoken": _csrf(browser, url)})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not ApiToken.objects.filter(user=users["staff"]).exists()


def test_nobody_revokes_another_users_token(browser, users):
    token, _secret = services.token_create(user=users["staff"], name="x")
    browser.force_login(users["staff_ha_noi"])
    url = reverse("api:profile")
    response = browser.post(reverse("api:token_revoke", args=[token.pk]), {"csrfmiddlewaretoken": _csrf(browser, url)})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_profile_page_is_for_logged_in_users_and_linked_from_the_menu(browser, users):
    response = browser.get(reverse("api:profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    browser.force_login(users["staff"])
    assert reverse("api:profile") in browser.get(reverse("home")).content.decode()
