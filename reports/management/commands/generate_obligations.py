import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import generation
from reports.models import ReportForm


class Command(BaseCommand):
    help = (
        "Create the reports units owe: every period of a year for the assigned periodic forms (all active "
        "ones, or --form CODE), and one report per directive task that requires one. Running it again "
        "creates nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            help="Every period of this year (default: the periods begun or starting within a month).",
        )
        parser.add_argument("--form", action="append", default=[], metavar="CODE", help="Only this form (repeatable).")

    def handle(self, *args, year: int | None, form: list[str], **options):
        forms = ReportForm.objects.active().filter(kind=ReportForm.Kind.PERIODIC)
        if form:
            forms = forms.filter(code__in=form)
            missing = set(form) - set(forms.values_list("code", flat=True))
            if missing:
                raise CommandError(f"No active periodic form with code {', '.join(sorted(missing))}.")
        if year is None and not form:
            created = generation.obligations_open_upcoming()
            self.stdout.write(
                self.style.SUCCESS(f"{created} obligations created (periods up to {self._horizon():%d/%m/%Y}).")
            )
            return
        year = year or timezone.localdate().year
        total = 0
        for report_form in forms:
            created = generation.obligations_generate(form=report_form, year=year)
            total += created
            self.stdout.write(f"{report_form.code}: {created}")
        total += generation.obligations_sync_assignments()
        self.stdout.write(self.style.SUCCESS(f"{total} obligations created for {year}."))

    @staticmethod
    def _horizon() -> datetime.date:
        return timezone.localdate() + datetime.timedelta(days=generation.LOOKAHEAD_DAYS)
