"""Sessions end after an idle office day; API tokens end with their owner's password, account or expiry."""

import datetime

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken
from units.models import AuditEvent

ME = "/api/v1/me/"
START = datetime.datetime(2026, 3, 2, 7, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


def test_a_session_left_idle_longer_than_an_office_day_is_logged_out(users, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 9 * 3600
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(users["staff"])
        assert client.get("/").status_code == 200
        # Used all day, an hour at a time: still signed in in the evening.
        for _ in range(10):
            clock.shift(datetime.timedelta(hours=1))
            assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(hours=9, minutes=2))
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        assert "_auth_user_id" not in client.session


def test_the_idle_limit_is_configurable(users, settings):
    settings.SESSION_IDLE_TIMEOUT = 15 * 60
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(users["staff"])
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(minutes=16))
        assert client.get("/").status_code == 302


def _client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_a_password_change_revokes_the_owners_tokens(users, tokens):
    user = users["reporter_tu_son"]
    client = _client(tokens["reporter_tu_son"])
    assert client.get(ME).status_code == 200
    page = Client()
    page.force_login(user)
    response = page.post(
        "/password/",
        {
            "old_password": "matkhau-Thu-2026",
            "new_password1": "Mat-khau-moi-2027",
            "new_password2": "Mat-khau-moi-2027",
        },
    )
    assert response.status_code == 302
    assert client.get(ME).status_code == 401
    token = ApiToken.objects.get(user=user)
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked", object_id=token.pk, data__reason="password_changed")
    # Other users' tokens are untouched.
    assert _client(tokens["staff"]).get(ME).status_code == 200


def test_the_profile_page_shows_tokens_revoked_by_a_password_change(users, tokens):
    user = users["reporter_tu_son"]
    user.set_password("Mat-khau-moi-2027")
    user.save()
    page = Client()
    page.force_login(user)
    html = page.get("/profile/").content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.revoked_at is not None
    assert reverse("api:token_revoke", args=[token.pk]) not in html and "đã thu hồi" in html.lower()


def test_disabling_the_account_revokes_for_good(users, tokens):
    user = users["reporter_tu_son"]
    client = _client(tokens["reporter_tu_son"])
    user.is_active = False
    user.save()
    assert client.get(ME).status_code == 401
    user.is_active = True
    user.save()
    assert client.get(ME).status_code == 401  # enabling the account again does not bring the token back
    assert ApiToken.objects.get(user=user).revoked_at is not None


def test_a_token_with_an_expiry_stops_by_itself(users, db):
    _token, secret = services.token_create(
        user=users["staff"], name="báo cáo quý", expires_at=timezone.now() + datetime.timedelta(days=30)
    )
    client = _client(secret)
    assert client.get(ME).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert client.get(ME).status_code == 401


def test_the_profile_page_makes_a_token_that_expires(users, db):
    client = Client()
    client.force_login(users["staff"])
    response = client.post("/profile/", {"name": "ứng dụng điện thoại", "expires_in": "90"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=users["staff"])
    assert token.expires_at is not None
    assert abs((token.expires_at - timezone.now()) - datetime.timedelta(days=90)) < datetime.timedelta(minutes=5)
    assert f"{timezone.localtime(token.expires_at):%d/%m/%Y}" in response.content.decode()
