from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kanal.routing import datafiles
from kanal.routing.classifier import save_model
from kanal.routing.queries import data_dir, model_path
from kanal.routing.training import TRAINING_FILES, resources, train


class Command(BaseCommand):
    requires_system_checks = []  # a build step: needs no URLs, templates or database
    help = (
        "Rebuild the routing model file (kanal/routing/model/router.joblib) from the "
        "labelled training files, the keyword and slang files and the unit registry. "
        "Deterministic; needs no database. The held-out files are never read."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            action="append",
            default=None,
            help="labelled JSONL (repeatable; default "
            + ", ".join(f"data/routing/{n}" for n in TRAINING_FILES)
            + ")",
        )
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args, file=None, output=None, **options):
        folder = data_dir()
        files = file or [folder / name for name in TRAINING_FILES]
        try:
            rows = [row for path in files for row in datafiles.read_labelled(path)]
            res = resources(folder)
        except (OSError, datafiles.DataFileError) as exc:
            raise CommandError(str(exc)) from exc
        model, seconds = train(rows, res)
        target = output or model_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        save_model(model, target)
        size = target.stat().st_size / 1024
        self.stdout.write(
            f"trained on {len(rows)} messages (+{len(res.registry)} registry texts) in "
            f"{seconds:.1f} s (beta {model.beta}, gamma {model.gamma}, T {model.temperature}, "
            f"auto-apply floor {model.auto_threshold}, oversight at {model.oversight_threshold}); "
            f"wrote {target} ({size:.0f} KiB)"
        )
