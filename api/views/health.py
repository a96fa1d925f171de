"""``/healthz`` for load balancers: is the database reachable, is the Celery broker reachable.

No login, no throttle and no writes: one ``SELECT 1`` and one broker ping. Whatever state the database or Redis is in
(refusing connections, or accepting them and never answering, like a frozen process), the probe answers
within ``TIMEOUT``: each check has connect and socket timeouts and runs in a thread of its own that the
probe stops waiting for. A check still stuck from an earlier probe is waited on again rather than started
twice, so a frozen server holds at most one thread per check, never a web worker.
"""

import contextlib
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

STATES = ["ok", "down"]
TIMEOUT = 2  # seconds; a load balancer probes often and must not pile up waiting requests
CHECK_TIMEOUT = 1.5  # each check's connect and socket timeouts, and the longest the probe waits for it

_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")
_running: dict[str, Future] = {}
_lock = threading.Lock()


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() is not None
    except Exception:
        return False


def _database_check() -> bool:
    """``database_ok`` on the checking thread's own connection, closed afterwards."""
    try:
        return database_ok()
    finally:
        with contextlib.suppress(Exception):  # a broken connection is already reported as down
            connection.close()


def broker_ok() -> bool:
    url = settings.CELERY_BROKER_URL
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    if url.startswith("filesystem://"):
        # The embedded broker is a folder: it is up when the web process can write where the worker reads.
        folders = {options.get("data_folder_in"), options.get("data_folder_out")} - {None}
        return bool(folders) and all(os.path.isdir(f) and os.access(f, os.W_OK | os.X_OK) for f in folders)
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        client = redis.Redis.from_url(
            url, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT, retry=Retry(NoBackoff(), 0)
        )
        try:
            return bool(client.ping())
        except Exception:
            return False
        finally:
            client.close()
    from kombu import Connection

    timeouts = {"socket_connect_timeout": CHECK_TIMEOUT, "socket_timeout": CHECK_TIMEOUT}
    try:
        with Connection(url, connect_timeout=CHECK_TIMEOUT, transport_options={**options, **timeouts}) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=CHECK_TIMEOUT)
        return True
    except Exception:
        return False


def _started(name: str, check) -> Future:
    with _lock:
        future = _running.get(name)
        if future is None or future.done():
            future = _running[name] = _pool.submit(check)
        return future


def checks() -> dict[str, str]:
    """Both checks at once; a check that has not answered within CHECK_TIMEOUT counts as down."""
    futures = {"database": _started("database", _database_check), "broker": _started("broker", broker_ok)}
    deadline = time.monotonic() + CHECK_TIMEOUT
    body = {}
    for name, future in futures.items():
        try:
            ok = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            ok = False
        body[name] = "ok" if ok else "down"
    return body


class HealthSerializer(serializers.Serializer):
    database = serializers.ChoiceField(choices=STATES)
    broker = serializers.ChoiceField(choices=STATES)


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # Not throttled: the API's request counts live in Redis, which the probe must be able to report down
    # within TIMEOUT; the probe's own cost is bounded by its checks (at most one running each).
    throttle_classes: list = []

    @extend_schema(
        summary="Health of the database and the Celery broker, for load balancers",
        description="Answers within 2 seconds whatever state the database or Redis is in; not rate-limited.",
        auth=[],
        responses={
            200: OpenApiResponse(HealthSerializer, description="Both are reachable."),
            503: OpenApiResponse(HealthSerializer, description="At least one is down."),
        },
    )
    def get(self, request):
        body = checks()
        healthy = all(v == "ok" for v in body.values())
        response = Response(body, status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        return response
