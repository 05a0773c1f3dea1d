"""Check the audit log's hash chain; exits non-zero when it was tampered with."""

from django.core.management.base import BaseCommand, CommandError

from kanal.audit.queries import verify_chain


class Command(BaseCommand):
    help = "Verify that no audit event was changed, removed or inserted (the hash chain)."

    def handle(self, *args, **options):
        report = verify_chain()
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(f"audit chain broken ({report.checked} events checked)")
        self.stdout.write(f"audit chain intact: {report.checked} events")
