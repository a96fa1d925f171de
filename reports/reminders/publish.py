"""Putting send tasks on the broker without ever blocking or breaking the caller.

A web request that fires a notification must not wait for, or fail with, Redis: the connection gets
short timeouts, no retries, and any broker error is logged and swallowed. The delivery rows are already
in the database; the next sweep queues whatever was not queued here.
"""

import logging

from celery import current_app
from django.conf import settings

logger = logging.getLogger(__name__)


SEND_DELIVERIES = "reports.tasks.send_deliveries"  # by name: the tasks module imports the sweep, not this one


def _connection():
    options = {}
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        timeout = settings.REMINDERS_BROKER_TIMEOUT
        options = {"socket_connect_timeout": timeout, "socket_timeout": timeout, "retry_on_timeout": False}
    return current_app.connection_for_write(
        settings.CELERY_BROKER_URL,
        connect_timeout=settings.REMINDERS_BROKER_TIMEOUT,
        transport_options={**settings.CELERY_BROKER_TRANSPORT_OPTIONS, **options},
    )


def send_deliveries(chunks: list[list[int]]) -> int:
    """Queue one sending task per chunk of delivery ids over one connection; return how many chunks were
    queued (fewer than given when the broker could not be reached or failed midway)."""
    queued = 0
    try:
        with _connection() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
            for ids in chunks:
                current_app.send_task(SEND_DELIVERIES, args=(ids,), connection=conn, retry=False)
                queued += 1
    except Exception as exc:  # noqa: BLE001 - any broker failure: the sweep queues these rows again
        logger.warning("broker unavailable, %d task(s) left for the next sweep: %s", len(chunks) - queued, exc)
    return queued
