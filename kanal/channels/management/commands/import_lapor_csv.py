"""Import an SP4N-LAPOR! export file (CSV): each report lands once in the case register."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kanal.channels import tasks
from kanal.channels.adapters import lapor


class Command(BaseCommand):
    help = "Import reports from a LAPOR! export (CSV); reports already imported are skipped."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--process", action="store_true", help="process now instead of by the worker"
        )

    def handle(self, *args, path: Path, process: bool, **options):
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        reports = lapor.parse_export_csv(path.read_bytes())
        if not reports:
            raise CommandError("No reports found: the file needs a tracking id and a text column.")
        new = tasks.import_lapor_reports([{**r, "source": "csv"} for r in reports])
        if process:
            from kanal.channels.models import EventStatus, InboundEvent

            for pk in InboundEvent.objects.filter(
                provider="lapor", status=EventStatus.PENDING
            ).values_list("pk", flat=True):
                tasks.process_event(pk)
        self.stdout.write(f"{len(reports)} reports read, {new} new.")
