import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from units.official_lists import units_import


class Command(BaseCommand):
    help = (
        "Import the official list of administrative units in force since 01/07/2025 (vietnam_provinces) "
        "under the root unit 'Việt Nam'; with --legacy also the pre-2025 list and its successor links "
        "(vietnamadminunits). Safe to run again: units are matched on (code list, code)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--legacy", action="store_true", help="Also import the pre-2025 list (closed on 01/07/2025) and its links."
        )
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help="Only this current province (e.g. 24 for Bắc Ninh); repeatable. With --legacy: the former "
            "provinces merged into it.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(self, *args, legacy: bool, provinces: list[str] | None, no_progress: bool, **options):
        translation.activate(settings.LANGUAGE_CODE)  # history rows are written in the site's language
        started = time.perf_counter()
        progress = not no_progress and sys.stderr.isatty() and options["verbosity"] > 0
        try:
            result = units_import(legacy=legacy, provinces=provinces, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 0:
            read = ", ".join(f"{count} {name}" for name, count in result.counts.items())
            self.stdout.write(f"Read {read}.")
            self.stdout.write(self.style.SUCCESS(f"{result.summary()} ({time.perf_counter() - started:.1f} s)."))
            if result.links_unmatched:
                self.stdout.write(self.style.WARNING(f"{result.links_unmatched} successor links could not be matched."))
