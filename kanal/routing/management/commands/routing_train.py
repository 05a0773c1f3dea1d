from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kanal.routing import datafiles
from kanal.routing.classifier import save_model
from kanal.routing.queries import data_dir, model_path
from kanal.routing.training import file_resources, train


class Command(BaseCommand):
    requires_system_checks = []  # a build step: needs no URLs, templates or database
    help = (
        "Rebuild the routing model file (kanal/routing/model/router.joblib) from the "
        "labelled development set and the keyword file. Deterministic; needs no database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            action="append",
            default=None,
            help="labelled JSONL (repeatable; default data/routing/dev.jsonl)",
        )
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args, file=None, output=None, **options):
        folder = data_dir()
        files = file or [folder / "dev.jsonl"]
        try:
            rows = [row for path in files for row in datafiles.read_labelled(path)]
            keywords, _ = file_resources(folder)
        except (OSError, datafiles.DataFileError) as exc:
            raise CommandError(str(exc)) from exc
        model, seconds = train(rows, keywords)
        target = output or model_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        save_model(model, target)
        size = target.stat().st_size / 1024
        self.stdout.write(
            f"trained on {len(rows)} messages in {seconds:.1f} s "
            f"(beta {model.beta}, gamma {model.gamma}, T {model.temperature}); "
            f"wrote {target} ({size:.0f} KiB)"
        )
