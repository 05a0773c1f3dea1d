from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kanal.routing import datafiles
from kanal.routing.evaluation import evaluate, format_report
from kanal.routing.queries import data_dir
from kanal.routing.training import HELDOUT_FILES, TRAINING_FILES, resources


class Command(BaseCommand):
    requires_system_checks = []  # a build step: needs no URLs, templates or database
    help = (
        "Honest evaluation of the router: grouped cross-validation on the training files "
        "(whole writer/style groups held out) and the figures on the held-out files, each "
        "with a 95 % bootstrap interval, per unit, confusions, calibration and the baseline."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            action="append",
            default=None,
            help="labelled training JSONL (repeatable; default the shipped training files)",
        )
        parser.add_argument(
            "--heldout",
            type=Path,
            action="append",
            default=None,
            help="held-out JSONL (repeatable; default the shipped held-out files)",
        )
        parser.add_argument("--no-heldout", action="store_true")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--draws", type=int, default=1000, help="bootstrap draws (0: none)")
        parser.add_argument("--errors", action="store_true", help="list misrouted messages")

    def handle(self, *args, file=None, heldout=None, no_heldout=False, **options):
        folder = data_dir()
        files = file or [folder / name for name in TRAINING_FILES]
        held = [] if no_heldout else (heldout or [folder / name for name in HELDOUT_FILES])
        try:
            rows = [row for path in files for row in datafiles.read_labelled(path)]
            held_sets = [(path.name, datafiles.read_labelled(path)) for path in held]
            res = resources(folder)
        except (OSError, datafiles.DataFileError) as exc:
            raise CommandError(str(exc)) from exc
        report = evaluate(rows, res, heldout=held_sets, k=options["folds"], draws=options["draws"])
        self.stdout.write("training files: " + ", ".join(str(p) for p in files))
        self.stdout.write("held-out files: " + (", ".join(str(p) for p in held) or "none"))
        self.stdout.write(format_report(report))
        if options["errors"]:
            for row_id, gold, predicted in report.errors:
                self.stdout.write(f"  {row_id}: {gold} → {predicted}")
