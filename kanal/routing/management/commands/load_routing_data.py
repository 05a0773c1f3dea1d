from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kanal.routing.actions import load_routing_data
from kanal.routing.datafiles import DataFileError
from kanal.routing.queries import data_dir as default_data_dir


class Command(BaseCommand):
    help = (
        "Load the routing keywords and place gazetteer from data/routing/ "
        "(keywords.csv, gazetteer.csv) into the editable tables. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=None)

    def handle(self, *args, data_dir: Path | None = None, **options):
        folder = data_dir or default_data_dir()
        try:
            report = load_routing_data(
                keywords_csv=folder / "keywords.csv", gazetteer_csv=folder / "gazetteer.csv"
            )
        except (OSError, DataFileError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"keywords: {report['keywords']}")
        self.stdout.write(f"gazetteer: {report['gazetteer']}")
        if report["skipped_units"]:
            self.stdout.write(
                "skipped keywords of unknown units (load reference data first?): "
                + ", ".join(report["skipped_units"])
            )
