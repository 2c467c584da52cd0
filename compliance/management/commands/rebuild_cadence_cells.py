import time

from django.core.management.base import BaseCommand

from compliance.services import cadence_cells_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the stored compliance grid (every body, granularity and column of the years that are over) "
        "from the meetings, rules and waivers. The hourly cadence job keeps it in step; use this after a bulk "
        "load or to repair it."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        written = cadence_cells_rebuild()
        self.stdout.write(f"{written} cells written in {time.perf_counter() - started:.1f} s")
