"""Celery entry points: thin, safe to run twice (unique rows and claimed sends see to it)."""

from celery import shared_task
from django.utils import timezone

from reports import generation
from reports.reminders import digest, sending, sweep


@shared_task(acks_late=True)
def open_upcoming_periods() -> int:
    """Open the report periods starting within a month and the reports owed for directive tasks."""
    return generation.obligations_open_upcoming()


@shared_task(acks_late=True)
def sweep_reminders() -> dict:
    """The beat's sweep: write the reminder stages due today and queue everything unsent."""
    result = sweep.sweep(today=timezone.localdate())
    return {"due": result.due, "queued": result.queued}


@shared_task(
    acks_late=True,
    autoretry_for=(sending.MailUnavailable,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=sending.MAX_ATTEMPTS,
)
def send_deliveries(ids: list[int]) -> dict:
    """Send these deliveries; a mail server failure retries the task later, with growing pauses."""
    return sending.deliveries_send(ids)


@shared_task(
    acks_late=True,
    autoretry_for=(sending.MailUnavailable,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=sending.MAX_ATTEMPTS,
)
def send_weekly_digest() -> dict:
    return digest.digest_send(today=timezone.localdate())
