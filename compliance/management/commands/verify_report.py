from django.core.management.base import BaseCommand, CommandError

from compliance.models import IssuedReport
from compliance.services import report_verify


class Command(BaseCommand):
    help = "Recompute an issued compliance report and compare it with the frozen content and its SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("report_id", type=int)

    def handle(self, *args, report_id: int, **options):
        report = IssuedReport.objects.select_related("issued_by").filter(pk=report_id).first()
        if report is None:
            raise CommandError(f"No issued report #{report_id}.")
        result = report_verify(report=report)
        self.stdout.write(f"report #{report.pk}, evaluated as of {report.evaluated_at.isoformat()}")
        self.stdout.write(f"stored SHA-256:     {report.sha256}")
        self.stdout.write(f"recomputed SHA-256: {result.recomputed_sha256}")
        self.stdout.write(f"stored content intact: {'yes' if result.stored_intact else 'NO'}")
        for line in result.differences[:100]:
            self.stdout.write(f"  {line}")
        if not result.ok:
            raise CommandError("MISMATCH: the report cannot be reproduced from the current data.")
        self.stdout.write(self.style.SUCCESS("OK: the report is reproduced exactly."))
