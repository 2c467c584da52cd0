"""Walk the audit trail's hash chain; exit non-zero and name every broken entry when it was tampered with."""

from django.core.management.base import BaseCommand, CommandError

from nrc.audit import audit_verify
from nrc.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain (edited or deleted entries break it)."

    def handle(self, *args, **options):
        problems = audit_verify()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"audit trail broken: {len(problems)} problem(s) found")
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {AuditEntry.objects.count()} entries verified"))
