from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from compliance.services import waiver_seed_reference
from nrc.reference import REFERENCE_FILE, reference_load


class Command(BaseCommand):
    help = "Load members, bodies, cadence rules, areas and the default venue from the reference file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=REFERENCE_FILE)

    def handle(self, *args, file: Path, **options):
        try:
            report = reference_load(path=file)
        except (ValidationError, OSError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(f"Reference data not loaded, nothing changed: {message}") from exc
        # Reference waivers need the bodies: the suspension of practical co-operation of 1 April 2014.
        if waiver_seed_reference():
            report.count("created", "waiver")
        if not report.changed:
            self.stdout.write("Reference data already up to date.")
            return
        for label, n in sorted(report.created.items()):
            self.stdout.write(f"created {n} {label}(s)")
        for label, n in sorted(report.updated.items()):
            self.stdout.write(f"updated {n} {label}(s)")
