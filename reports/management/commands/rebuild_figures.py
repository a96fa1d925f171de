from django.core.management.base import BaseCommand

from reports.tallies import tallies_rebuild


class Command(BaseCommand):
    help = (
        "Write the dashboards' roll-ups again from the obligations and the reports' values, in one transaction "
        "(after writing reports in bulk behind the services' back, or to check the live rows)."
    )

    def handle(self, *args, **options):
        written = tallies_rebuild()
        if options["verbosity"]:
            for table, rows in written.items():
                self.stdout.write(f"{table}: {rows} rows")
