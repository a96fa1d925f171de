"""``/healthz`` for load balancers: is the database reachable, is the Celery broker reachable.

No login and no writes: one ``SELECT 1`` and one broker connection, each with a short timeout.
"""

import os

from django.conf import settings
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

STATES = ["ok", "down"]
TIMEOUT = 2  # seconds; a load balancer probes often and must not pile up waiting requests


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() is not None
    except Exception:
        return False


def broker_ok() -> bool:
    url = settings.CELERY_BROKER_URL
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    if url.startswith("filesystem://"):
        # The embedded broker is a folder: it is up when the web process can write where the worker reads.
        folders = {options.get("data_folder_in"), options.get("data_folder_out")} - {None}
        return bool(folders) and all(os.path.isdir(f) and os.access(f, os.W_OK | os.X_OK) for f in folders)
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=TIMEOUT, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=TIMEOUT)
        return True
    except Exception:
        return False


class HealthSerializer(serializers.Serializer):
    database = serializers.ChoiceField(choices=STATES)
    broker = serializers.ChoiceField(choices=STATES)


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Health of the database and the Celery broker, for load balancers",
        auth=[],
        responses={
            200: OpenApiResponse(HealthSerializer, description="Both are reachable."),
            503: OpenApiResponse(HealthSerializer, description="At least one is down."),
        },
    )
    def get(self, request):
        body = {
            "database": "ok" if database_ok() else "down",
            "broker": "ok" if broker_ok() else "down",
        }
        healthy = all(v == "ok" for v in body.values())
        response = Response(body, status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        return response
