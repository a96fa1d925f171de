import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from demo.units import PASSWORD, demo_load
from reports import periods


class Command(BaseCommand):
    help = (
        "Load the demo: the official unit lists (current, and the pre-2025 list of Bắc Ninh), heads and "
        "steering committees for the communes of Bắc Ninh and the former wards of Từ Sơn, one login per role, "
        "reports at each step, and Kết luận 120-KL/TW with the Bắc Ninh plans carrying it out and their tasks. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not draw progress bars.")

    def handle(self, *args, no_progress: bool, **options):
        translation.activate(settings.LANGUAGE_CODE)  # history rows are written in the site's language
        started = time.perf_counter()
        logins = demo_load(progress=not no_progress and sys.stderr.isatty() and options["verbosity"] > 0)
        due = self._reminder_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo loaded in {time.perf_counter() - started:.1f} s."))
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.role:<8}  {login.unit.name}  ({login.full_name})")
        if due:
            self.stdout.write(
                f"Reminders: a report of Phường Từ Sơn is due on {due.due_date:%d/%m/%Y}; the worker sends its reminder "
                f"within minutes. See the escalation now: manage.py send_reminders --today "
                f"{periods.add_working_days(due.due_date, 1):%Y-%m-%d}"
            )

    def _reminder_demo(self):
        """A report due on the next working day (demo.reminders), for Phường Từ Sơn of the demo."""
        from demo.reminders import demo_reminders_load
        from demo.units import TU_SON
        from units.models import Unit

        tu_son = Unit.objects.filter(code_scheme=Unit.CodeScheme.CURRENT, code=TU_SON).first()
        return demo_reminders_load(tu_son=tu_son) if tu_son else None
