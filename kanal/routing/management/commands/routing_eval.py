from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kanal.routing import datafiles
from kanal.routing.evaluation import evaluate, format_report
from kanal.routing.queries import data_dir
from kanal.routing.training import file_resources


class Command(BaseCommand):
    requires_system_checks = []  # a build step: needs no URLs, templates or database
    help = (
        "Cross-validated evaluation of the router and a plain baseline on a labelled JSONL "
        "file in the dev set's format (default data/routing/dev.jsonl)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=None)
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.9,
            help="auto-apply threshold to report (default 0.9)",
        )
        parser.add_argument("--errors", action="store_true", help="list misrouted messages")

    def handle(self, *args, file=None, folds=5, threshold=0.9, errors=False, **options):
        path = file or data_dir() / "dev.jsonl"
        try:
            rows = datafiles.read_labelled(path)
            keywords, gazetteer = file_resources(data_dir())
        except (OSError, datafiles.DataFileError) as exc:
            raise CommandError(str(exc)) from exc
        report = evaluate(rows, keywords, gazetteer, k=folds, auto_threshold=threshold)
        self.stdout.write(f"file: {path}")
        self.stdout.write(format_report(report))
        if errors:
            for row_id, gold, predicted in report.errors:
                self.stdout.write(f"  {row_id}: {gold} → {predicted}")
