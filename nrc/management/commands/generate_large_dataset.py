import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nrc.large_dataset import SEED, LargeDatasetError, large_dataset_generate, large_dataset_reset


class Command(BaseCommand):
    help = (
        "Generate the large, deterministic data set for performance work: 25 years (2002-2026), every body of the "
        "Declaration plus 300 working groups with cadence rules, about 100,000 meetings with agendas and "
        "attendance, extraordinary-session requests, joint decisions and cadence flags. Meant for a dedicated "
        "database (e.g. nrc_bench). Refused where NRC_DEMO is off (production) unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1 is the full set; smaller keeps 300×S working groups and the last 25×√S years (for tests).",
        )
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="The day that separates held from scheduled meetings (YYYY-MM-DD; default: today).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First delete every meeting (and what hangs off it), the generated working groups and users.",
        )
        parser.add_argument("--force", action="store_true", help="Run even where NRC_DEMO is off.")

    def handle(self, *args, scale, seed, today, reset, force, **options):
        if not settings.NRC_DEMO and not force:
            raise CommandError("Generated data is disabled here (NRC_DEMO is off); use --force on a scratch database.")
        if reset:
            large_dataset_reset()
        try:
            report = large_dataset_generate(
                scale=scale, seed=seed, today=today, log=lambda line: self.stdout.write(f"  {line}")
            )
        except LargeDatasetError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(", ".join(f"{n} {label}" for label, n in report.counts.items()))
        self.stdout.write(f"{sum(report.seconds.values()):.1f} s in all")
