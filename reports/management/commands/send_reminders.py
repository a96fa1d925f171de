import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.models import Delivery
from reports.reminders import sending, sweep


class Command(BaseCommand):
    help = (
        "Run the reminder sweep now, as the beat does every few minutes: write the reminder and escalation "
        "stages due on the day and send them here, without a worker (--queue hands them to the workers "
        "instead). Running it twice sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Act as if today were this day (YYYY-MM-DD).")
        parser.add_argument("--queue", action="store_true", help="Queue the sending for the Celery workers.")

    def handle(self, *args, today: str | None, queue: bool, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today: {exc}") from exc
        result = sweep.sweep(today=day, publish=queue)
        self.stdout.write(
            f"{day:%d/%m/%Y}: {result.obligations} open obligation(s) looked at, {result.due} message(s) due."
        )
        if queue:
            self.stdout.write(f"{result.queued} message(s) queued for the workers.")
            return
        ids = list(Delivery.objects.filter(status=Delivery.Status.PENDING).order_by("id").values_list("id", flat=True))
        counts = dict.fromkeys(("sent", "skipped", "failed", "deferred", "undeliverable", "busy"), 0)
        for start in range(0, len(ids), 200):
            done = sending.deliveries_send(ids[start : start + 200], today=day)
            for key in counts:
                counts[key] += done[key]
        self.stdout.write(
            f"{counts['sent']} sent, {counts['skipped']} no longer needed, "
            f"{counts['failed'] + counts['deferred']} waiting for the mail server (tried again later), "
            f"{counts['undeliverable']} undeliverable (listed for the staff at /reminders/undeliverable/)."
        )
