from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kanal.routing import datafiles
from kanal.routing.actions import install_model
from kanal.routing.evaluation import format_block, heldout_block
from kanal.routing.queries import corrected_cases, data_dir, load_model, model_path
from kanal.routing.training import HELDOUT_FILES, TRAINING_FILES, resources, train

# A retrained model must not lose more than this on the held-apart data (in top-1 and in
# oversight recall) against the installed one; 0: it must not score worse at all.
TOLERANCE = 0.0


class Command(BaseCommand):
    help = (
        "Retrain the routing model from the shipped training files plus the city's own "
        "corrections (cases whose unit an operator chose, --from-cases) and/or labelled "
        "JSONL files. Scores the installed and the new model on the same held-apart data "
        "(the held-out files and every fifth corrected case), prints both, and installs "
        "the new one only if it scores no worse, reaches --min-top1 and you confirm."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, action="append", default=[], help="labelled JSONL (repeatable)"
        )
        parser.add_argument(
            "--from-cases",
            action="store_true",
            help="add the cases whose unit an operator chose (re-routes included)",
        )
        parser.add_argument(
            "--heldout",
            type=Path,
            action="append",
            default=None,
            help="held-apart JSONL (repeatable; default the shipped held-out files)",
        )
        parser.add_argument("--without-dev-set", action="store_true")
        parser.add_argument("--min-top1", type=float, default=0.85)
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing")

    def handle(self, *args, **options):
        folder = data_dir()
        paths = list(options["file"])
        if not options["without_dev_set"]:
            paths += [folder / name for name in TRAINING_FILES]
        held_paths = options["heldout"] or [folder / name for name in HELDOUT_FILES]
        try:
            rows = [row for path in paths for row in datafiles.read_labelled(path)]
            held = [row for path in held_paths for row in datafiles.read_labelled(path)]
            res = resources(folder)
        except (OSError, datafiles.DataFileError) as exc:
            raise CommandError(str(exc)) from exc
        if options["from_cases"]:
            cases = corrected_cases()
            rows += [r for r in cases if not r["held_apart"]]
            held += [r for r in cases if r["held_apart"]]
            self.stdout.write(
                f"{len(cases)} cases routed by a person: "
                f"{sum(not r['held_apart'] for r in cases)} to train on, "
                f"{sum(r['held_apart'] for r in cases)} held apart"
            )
        if not rows or not held:
            raise CommandError("nothing to train on, or no held-apart data to judge by")
        self.stdout.write(f"training a model on {len(rows)} messages …")
        model, _ = train(rows, res)
        after = heldout_block("the new model", held, rows, model, res, draws=200)
        old = load_model(model_path()) if model_path().exists() else None
        before = (
            heldout_block("the installed model", held, rows, old, res, draws=200) if old else None
        )
        if before:
            self.stdout.write("\n".join(format_block(before)[:14]))
        self.stdout.write("\n".join(format_block(after)[:14]))
        top1 = after.figures["unit_top1"]
        if top1 < options["min_top1"]:
            raise CommandError(
                f"unit top-1 {100 * top1:.1f}% is below --min-top1 "
                f"{100 * options['min_top1']:.0f}%: the old model stays."
            )
        if before:
            worse = [
                key
                for key in ("unit_top1", "oversight_recall")
                if after.figures[key] == after.figures[key]
                and before.figures[key] == before.figures[key]
                and after.figures[key] < before.figures[key] - TOLERANCE
            ]
            if worse:
                raise CommandError(
                    "the new model scores worse than the installed one on the held-apart data "
                    f"({', '.join(worse)}): the old model stays."
                )
        if not options["yes"] and input("Replace the model file? [y/N] ").strip().lower() != "y":
            self.stdout.write("kept the old model")
            return
        path = install_model(
            actor=None,
            model=model,
            path=model_path(),
            report={
                "held_apart": len(held),
                "before_top1": round(before.figures["unit_top1"], 4) if before else None,
                **{k: round(v, 4) for k, v in after.figures.items() if v == v},
            },
        )
        self.stdout.write(f"installed {path}")
