"""Celery entry points: thin, safe to run twice (unique rows and claimed sends see to it)."""

from celery import shared_task
from django.utils import timezone

from reports import generation
from reports.reminders import digest, outage, sending, sweep


@shared_task(acks_late=True)
def open_upcoming_periods() -> int:
    """Open the report periods starting within a month and the reports owed for directive tasks."""
    return generation.obligations_open_upcoming()


@shared_task(acks_late=True)
def sweep_reminders() -> dict:
    """The beat's sweep: write the reminder stages due today, queue everything unsent (and the failed e-mails
    whose pause is over), and tell the administrators if the mail server has been failing for long."""
    result = sweep.sweep(today=timezone.localdate())
    digest.digest_retry(today=timezone.localdate())
    mail_down = outage.outage_check() is not None
    return {"due": result.due, "queued": result.queued, "mail_down": mail_down}


@shared_task(acks_late=True)
def send_deliveries(ids: list[int]) -> dict:
    """Send these deliveries. An e-mail the mail server did not take gets a time for its next attempt on its
    row, and the beat queues it again then: no retry waits in the broker, so none is lost with it."""
    return sending.deliveries_send(ids)


@shared_task(acks_late=True)
def send_weekly_digest() -> dict:
    """Monday's digest; an e-mail the mail server did not take is sent again by the sweeps (``digest_retry``)."""
    return digest.digest_send(today=timezone.localdate())
