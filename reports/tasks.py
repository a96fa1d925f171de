"""Celery entry points: thin, safe to run twice (the obligations' unique constraints see to it)."""

from celery import shared_task

from reports import generation


@shared_task(acks_late=True)
def open_upcoming_periods() -> int:
    """Open the report periods starting within a month and the reports owed for directive tasks."""
    return generation.obligations_open_upcoming()
