from django.core.management.base import BaseCommand

from reports.generation import obligations_follow_sort_keys
from reports.tallies import tallies_rebuild


class Command(BaseCommand):
    help = (
        "Count the dashboards' roll-ups again from the obligations and the reports' values and write the rows "
        "that differ, in one transaction (after writing reports in bulk behind the services' back, or to check "
        "the live rows: right rows are not written), and copy the units' sort keys onto their obligations where "
        "they differ."
    )

    def handle(self, *args, **options):
        written = tallies_rebuild()
        written["obligations' unit sort keys"] = obligations_follow_sort_keys()
        if options["verbosity"]:
            for table, rows in written.items():
                self.stdout.write(f"{table}: {rows} rows")
