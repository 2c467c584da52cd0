import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch
from django.utils import timezone

from committees.models import Body, CadenceRule
from compliance.evaluation import COUNCIL_ESTABLISHED, cadence_evaluate
from compliance.periods import midnight


class Command(BaseCommand):
    help = "Evaluate every cadence rule (as the hourly job does) and print the verdict of each rule and period."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="Evaluate at the end of this day (YYYY-MM-DD); default: now")
        parser.add_argument("--body", dest="body", help="Only this body (its code)")
        parser.add_argument("--all", action="store_true", help="Print every period, not only the last three per rule")

    def handle(self, *args, as_of=None, body=None, all=False, **options):
        at = timezone.now()
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(f"--as-of: '{as_of}' is not a date (YYYY-MM-DD).") from exc
            if day < COUNCIL_ESTABLISHED:
                raise CommandError("--as-of: the Council did not exist before 28 May 2002.")
            at = midnight(day + dt.timedelta(days=1))
        bodies = Body.objects.prefetch_related(
            Prefetch("cadence_rules", queryset=CadenceRule.objects.order_by("effective_from"))
        ).order_by("rank", "code")
        if body:
            bodies = bodies.filter(code=body)
            if not bodies.exists():
                raise CommandError(f"--body: unknown body code '{body}'.")
        evaluation = cadence_evaluate(at=at, bodies=list(bodies), all_bodies=not body, default_kind="year")
        codes = {b.pk: b.code for b in evaluation.bodies}
        units = evaluation.units
        if not all:
            last: dict[int, list] = {}
            for unit in units:
                last.setdefault(unit.rule.pk, []).append(unit)
            units = [u for rule_units in last.values() for u in rule_units[-3:]]
        self.stdout.write(f"Evaluated as of {at.isoformat()}")
        header = (
            f"{'BODY':<12} {'RULE':<14} {'PERIOD':<10} {'VERDICT':<15} {'HELD':>4} {'UNCF':>4} {'NEXT':>4} {'DAYS':>5}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for unit in units:
            rule = f">={unit.required}/{unit.rule.period or 'any'}"
            days = "" if unit.days_left is None else str(unit.days_left)
            self.stdout.write(
                f"{codes[unit.body_id]:<12} {rule:<14} {unit.period.label:<10} {unit.verdict:<15} "
                f"{unit.counts.held:>4} {unit.counts.unconfirmed:>4} {unit.counts.upcoming:>4} {days:>5}"
            )
        totals: dict[str, int] = {}
        for unit in evaluation.units:
            totals[unit.verdict] = totals.get(unit.verdict, 0) + 1
        self.stdout.write("Totals: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
