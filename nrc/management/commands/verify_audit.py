"""Walk the audit trail's hash chain; exit non-zero and name every broken entry when it was tampered with."""

from django.core.management.base import BaseCommand, CommandError

from nrc.audit import audit_verify
from nrc.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain (edited or deleted entries break it)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            metavar="HASH",
            help="A head hash printed by an earlier run and kept elsewhere: entries removed from the end of the "
            "trail since then (which leave no broken link) are detected too.",
        )

    def handle(self, *args, head=None, **options):
        problems = audit_verify()
        if head and not AuditEntry.objects.filter(hash=head).exists():
            problems.append(f"recorded head {head}: no longer in the trail (entries removed from the end)")
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"audit trail broken: {len(problems)} problem(s) found")
        latest = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or "-"
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {AuditEntry.objects.count()} entries verified"))
        self.stdout.write(f"head: {latest}")
