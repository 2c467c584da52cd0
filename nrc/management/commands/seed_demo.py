from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nrc.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo data set (deterministic, marked as demo). Refused where NRC_DEMO is off (production)."

    def handle(self, *args, **options):
        if not settings.NRC_DEMO:
            raise CommandError("Demo data is disabled here (NRC_DEMO is off).")
        report = demo_seed()
        self.stdout.write(", ".join(f"{n} {label}" for label, n in report.items()) or "Demo data already present.")
