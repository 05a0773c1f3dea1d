from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kanal.routing import datafiles
from kanal.routing.actions import install_model
from kanal.routing.evaluation import evaluate, format_report
from kanal.routing.queries import data_dir, model_path
from kanal.routing.training import file_resources, train


class Command(BaseCommand):
    help = (
        "Retrain the routing model from the development set plus resolved cases exported "
        "as JSONL (same format). Prints the new model's cross-validated figures first and "
        "replaces the model file only when they reach --min-top1 and you confirm (or --yes)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            action="append",
            required=True,
            help="JSONL of resolved cases (repeatable)",
        )
        parser.add_argument("--without-dev-set", action="store_true")
        parser.add_argument("--min-top1", type=float, default=0.85)
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing")

    def handle(self, *args, file, without_dev_set=False, min_top1=0.85, yes=False, **options):
        folder = data_dir()
        paths = list(file) + ([] if without_dev_set else [folder / "dev.jsonl"])
        try:
            rows = [row for path in paths for row in datafiles.read_labelled(path)]
            keywords, gazetteer = file_resources(folder)
        except (OSError, datafiles.DataFileError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"evaluating a model trained on {len(rows)} messages …")
        report = evaluate(rows, keywords, gazetteer)
        self.stdout.write(format_report(report))
        top1 = report.figures["unit_top1"]
        if top1 < min_top1:
            raise CommandError(
                f"unit top-1 {100 * top1:.1f}% is below --min-top1 {100 * min_top1:.0f}%: "
                "the old model stays."
            )
        if not yes and input("Replace the model file? [y/N] ").strip().lower() != "y":
            self.stdout.write("kept the old model")
            return
        model, _ = train(rows, keywords)
        path = install_model(
            actor=None,
            model=model,
            path=model_path(),
            report={k: round(v, 4) for k, v in report.figures.items()},
        )
        self.stdout.write(f"installed {path}")
