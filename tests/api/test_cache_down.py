"""The API with its cache (Redis) frozen: the request counts and the marks of wrong tokens live there, and a
cache that never answers costs a request at most its timeouts, never a 500; wrong tokens are still locked
out by the login lock in the database."""

import os
import signal
import time

import pytest
from axes.models import AccessFailureLog
from rest_framework.test import APIClient

from api import services as api_services
from tests.reminders.services import RedisServer, require_redis_server

ME = "/api/v1/me/"


@pytest.fixture
def frozen_cache(settings, tmp_path):
    require_redis_server()
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    os.kill(server.process.pid, signal.SIGSTOP)
    yield server
    os.kill(server.process.pid, signal.SIGCONT)
    server.stop()


def timed(client, path, **headers):
    started = time.monotonic()
    response = client.get(path, **headers)
    return response, time.monotonic() - started


@pytest.mark.services
def test_the_api_answers_with_its_cache_frozen(users, frozen_cache, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _token, secret = api_services.token_create(user=users["reporter_tu_son"], name="script")
    client = APIClient(REMOTE_ADDR="10.0.0.9")
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {secret}").status_code == 200  # the first loads the site
    response, elapsed = timed(client, ME, HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 200 and response.json()["username"] == "reporter_ts"
    assert elapsed < 2, f"{elapsed:.1f} s"  # a timeout (0.5 s) for each of the two reads of the cache
    # A wrong token is refused and counted by the lock, though the cache cannot remember it ...
    codes = [timed(client, ME, HTTP_AUTHORIZATION="Token wrong-secret-123456")[0].status_code for _ in range(3)]
    assert codes[0] == 401 and codes[-1] == 429 and set(codes) <= {401, 429}, codes
    assert AccessFailureLog.objects.filter(ip_address="10.0.0.9").exists()
    # ... and the right token from another address still works.
    assert APIClient(REMOTE_ADDR="10.0.0.10").get(ME, HTTP_AUTHORIZATION=f"Token {secret}").status_code == 200


@pytest.mark.services
def test_the_health_probe_is_not_held_by_the_frozen_cache(db, frozen_cache):
    APIClient().get("/healthz")  # the first loads the site
    response, elapsed = timed(APIClient(), "/healthz")
    assert response.status_code == 200 and elapsed < 2, (response.status_code, f"{elapsed:.1f} s")
