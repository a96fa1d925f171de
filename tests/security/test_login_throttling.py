"""Password guessing: every login path locks an account and address, an address, or an account.

An account tried from one address is locked after a few failures; an address trying any accounts and an
account tried from any addresses after more. The locks and failures are django-axes' tables, seen (and
lifted) by an administrator in the admin, in Vietnamese.
"""

import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_user

PASSWORD = "matkhau-Thu-2026"  # tests.factories.make_user
ME = "/api/v1/me/"
DOCS = "/api/docs/"  # open to anyone: counted per address (/healthz is not counted at all)


ADDRESS_LIMIT = ACCOUNT_LIMIT = 6


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = ADDRESS_LIMIT
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = ACCOUNT_LIMIT
    return 3


def _login(client, username, password, address="10.0.0.1", path="/login/"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_lock_the_account_from_that_address_even_for_the_right_one(db, limit, caplog):
    user = make_user("canbo.tuson")
    client = Client()
    with caplog.at_level(logging.WARNING):
        for _ in range(limit - 1):
            response = _login(client, user.username, "sai-mat-khau")
            assert response.status_code == 200 and not _signed_in(client)
        response = _login(client, user.username, "sai-mat-khau")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()

    # The right password from that computer is refused while the lock lasts...
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 429 and not _signed_in(client)
    # ...and the owner at another computer still logs in: the guesser did not lock them out.
    owner = Client()
    assert _login(owner, user.username, PASSWORD, address="10.0.0.2").status_code == 302
    assert _signed_in(owner)

    failures = AccessFailureLog.objects.filter(username=user.username).order_by("attempt_time")
    assert [f.ip_address for f in failures] == ["10.0.0.1"] * (limit + 1)
    assert failures.filter(locked_out=True).exists()
    assert all(f.attempt_time is not None for f in failures)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert user.username in logged and "10.0.0.1" in logged


def test_one_account_tried_from_many_addresses_is_locked_everywhere(db, limit):
    user = make_user("truong.dongnguyen")
    for i in range(ACCOUNT_LIMIT - 1):
        _login(Client(), user.username, "sai", address=f"10.1.0.{i}")
    # Under the account's limit (and under each address's): the owner still logs in.
    assert AccessAttempt.objects.filter(username=user.username).count() == ACCOUNT_LIMIT - 1
    assert _login(Client(), user.username, PASSWORD, address="10.1.1.1").status_code == 302
    _login(Client(), user.username, "sai", address="10.1.0.99")
    response = _login(Client(), user.username, PASSWORD, address="10.1.1.1")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    # Other accounts from those addresses are not locked.
    other = make_user("baocao.dongnguyen")
    assert _login(Client(), other.username, PASSWORD, address="10.1.0.0").status_code == 302


def test_one_address_trying_many_accounts_is_locked(db, limit):
    make_user("baocao.tuson")
    client = Client()
    # An office behind one address where a few people mistype is not locked at the account's limit...
    for i in range(limit):
        _login(client, f"khong-co-{i}", "sai", address="10.0.0.9")
    assert _login(Client(), "baocao.tuson", PASSWORD, address="10.0.0.9").status_code == 302
    # ...but an address going through accounts is, at the address's limit, whatever account comes next.
    for i in range(limit, ADDRESS_LIMIT):
        _login(client, f"khong-co-{i}", "sai", address="10.0.0.9")
    response = _login(Client(), "baocao.tuson", PASSWORD, address="10.0.0.9")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    # The same account from another address still logs in: only the address was locked.
    response = _login(Client(), "baocao.tuson", PASSWORD, address="10.0.0.10")
    assert response.status_code == 302


def test_the_admin_login_is_locked_the_same_way(db, limit):
    admin = make_user("quantri", is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(limit):
        _login(client, admin.username, "sai", path="/admin/login/")
    response = _login(client, admin.username, PASSWORD, path="/admin/login/")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert not _signed_in(client)
    # Failures on either login page count towards the same lock.
    assert _login(Client(), admin.username, PASSWORD, path="/login/").status_code == 429


def test_an_administrator_sees_the_lock_and_lifts_it(db, limit):
    user = make_user("baocao.dongnguyen")
    for _ in range(limit):
        _login(Client(), user.username, "sai", address="10.0.0.4")
    assert _login(Client(), user.username, PASSWORD, address="10.0.0.4").status_code == 429

    admin = Client()
    admin.force_login(make_user("quantri", is_staff=True, is_superuser=True))
    index = admin.get(reverse("admin:index")).content.decode()
    assert "Khóa đăng nhập" in index and "Lần đăng nhập sai" in index
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    page = listing.content.decode()
    assert listing.status_code == 200 and user.username in page
    assert "Địa chỉ IP" in page and "Số lần sai" in page
    failures = admin.get(reverse("admin:axes_accessfailurelog_changelist")).content.decode()
    assert user.username in failures and "10.0.0.4" in failures
    locks = list(AccessAttempt.objects.filter(username=user.username).values_list("pk", flat=True))
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": locks, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()

    client = Client()
    assert _login(client, user.username, PASSWORD, address="10.0.0.4").status_code == 302
    assert _signed_in(client)


def test_logging_in_to_an_own_account_between_guesses_does_not_wipe_the_count(db, limit):
    victim, own = make_user("truong.tuson"), make_user("ke.doan")
    for _ in range(limit - 1):
        _login(Client(), victim.username, "sai")
    assert _login(Client(), own.username, PASSWORD).status_code == 302
    _login(Client(), victim.username, "sai")
    assert _login(Client(), victim.username, PASSWORD).status_code == 429


def test_failures_older_than_the_lock_time_no_longer_count(db, limit, settings):
    import datetime

    import time_machine

    user = make_user("truong.tuson")
    for _ in range(limit - 1):
        _login(Client(), user.username, "sai")
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=16)):
        _login(Client(), user.username, "sai")
        assert _login(Client(), user.username, PASSWORD).status_code == 302


def test_a_wrong_api_token_repeated_is_answered_429_with_retry_after(tokens, limit):
    guesser = APIClient(REMOTE_ADDR="10.0.0.5")
    guesser.credentials(HTTP_AUTHORIZATION="Token qcdc_doan-thu-1")
    codes = [guesser.get(ME).status_code for _ in range(limit + 1)]
    # As on the login pages, the failure that reaches the limit is answered with the lock already.
    assert codes == [401] * (limit - 1) + [429, 429]
    response = guesser.get(ME)
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["code"] == "throttled" and "Quá nhiều" in body["detail"]
    assert AccessFailureLog.objects.filter(ip_address="10.0.0.5").count() >= limit


def test_wrong_api_tokens_lock_their_address_with_429_and_retry_after(tokens, limit):
    guesser = APIClient(REMOTE_ADDR="10.0.0.5")
    codes = []
    for i in range(ADDRESS_LIMIT):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token qcdc_{i:03d}-doan-thu")
        codes.append(guesser.get(ME).status_code)
    assert codes == [401] * (ADDRESS_LIMIT - 1) + [429]
    # Even a real token is refused from that address while the lock lasts.
    guesser.credentials(HTTP_AUTHORIZATION=f"Token {tokens['staff']}")
    response = guesser.get(ME)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["code"] == "throttled" and "Quá nhiều" in body["detail"]
    assert AccessFailureLog.objects.filter(ip_address="10.0.0.5").count() == ADDRESS_LIMIT

    elsewhere = APIClient(REMOTE_ADDR="10.0.0.6")
    elsewhere.credentials(HTTP_AUTHORIZATION=f"Token {tokens['staff']}")
    assert elsewhere.get(ME).status_code == 200


def test_the_start_of_a_token_repeated_from_many_addresses_does_not_lock_the_token(tokens, limit):
    real = tokens["staff"]
    for i in range(ACCOUNT_LIMIT + 1):
        stranger = APIClient(REMOTE_ADDR=f"10.2.0.{i}")
        stranger.credentials(HTTP_AUTHORIZATION=f"Token {real[:12]}sai")
        assert stranger.get(ME).status_code == 401
    owner = APIClient(REMOTE_ADDR="10.2.1.1")
    owner.credentials(HTTP_AUTHORIZATION=f"Token {real}")
    assert owner.get(ME).status_code == 200


def test_the_api_answers_429_with_retry_after_over_its_rate(settings, api):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": "3/minute"}
    client = api("reporter_tu_son")
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(ME)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Quá nhiều yêu cầu")


def test_anonymous_api_calls_are_counted_per_address(settings, db):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anon": "2/minute"}
    client = APIClient(REMOTE_ADDR="10.0.0.7")
    codes = [client.get(DOCS).status_code for _ in range(3)]
    assert codes[2] == 429 and 429 not in codes[:2]
    assert APIClient(REMOTE_ADDR="10.0.0.8").get(DOCS).status_code != 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(settings, db, limit):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    make_user("baocao.tuson")
    client = Client()
    for i in range(limit):
        client.post("/login/", {"username": f"x{i}", "password": "sai"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AccessFailureLog.objects.filter(ip_address="203.0.113.9").count() == limit
    # Another client behind the same proxy is not locked by that one.
    response = Client().post(
        "/login/", {"username": "baocao.tuson", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.10"
    )
    assert response.status_code == 302
