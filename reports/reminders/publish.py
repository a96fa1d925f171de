"""Putting send tasks on the broker without ever blocking or breaking the caller.

A web request that fires a notification must not wait for, or fail with, Redis: the connection gets
short timeouts, no retries, and any broker error is logged and swallowed. The delivery rows are already
in the database; the next sweep queues whatever was not queued here.
"""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def _connection():
    from qcdc.celery import app

    options = {}
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        timeout = settings.REMINDERS_BROKER_TIMEOUT
        options = {"socket_connect_timeout": timeout, "socket_timeout": timeout, "retry_on_timeout": False}
    return app.connection_for_write(
        settings.CELERY_BROKER_URL,
        connect_timeout=settings.REMINDERS_BROKER_TIMEOUT,
        transport_options={**settings.CELERY_BROKER_TRANSPORT_OPTIONS, **options},
    )


def _apply(task, arg_list) -> bool:
    try:
        with _connection() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
            for args in arg_list:
                task.apply_async(args, connection=conn, retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the sweep queues these rows again
        logger.warning("broker unavailable, %d task(s) left for the next sweep: %s", len(arg_list), exc)
        return False
    return True


def send_deliveries(ids: list[int]) -> bool:
    """Queue one task sending the deliveries ``ids``; False when the broker could not be reached."""
    from reports.tasks import send_deliveries as task

    return _apply(task, [(ids,)])


def sweep_obligation(obligation_id: int) -> bool:
    from reports.tasks import sweep_obligation as task

    return _apply(task, [(obligation_id,)])
