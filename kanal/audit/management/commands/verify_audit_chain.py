"""Check the audit log's hash chain; exits non-zero when it was tampered with."""

from django.core.management.base import BaseCommand, CommandError

from kanal.audit.actions import seal_pending
from kanal.audit.queries import verify_chain


class Command(BaseCommand):
    help = "Verify that no audit event was changed, removed or inserted (the hash chain)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal",
            action="store_true",
            help="seal the events waiting for the sealer first (as the scheduler would)",
        )

    def handle(self, *args, seal: bool, **options):
        if seal:
            self.stdout.write(f"sealed {seal_pending()} waiting events")
        report = verify_chain()
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(f"audit chain broken ({report.checked} events checked)")
        waiting = f"; {report.pending} recent events wait for the sealer" if report.pending else ""
        self.stdout.write(f"audit chain intact: {report.checked} events{waiting}")
