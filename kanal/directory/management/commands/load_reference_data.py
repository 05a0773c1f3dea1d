from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kanal.directory.actions import load_categories, load_units
from kanal.wilayah.actions import load_wilayah


class Command(BaseCommand):
    help = (
        "Load a region's wilayah, boundaries, unit registry and categories from its data "
        "folder (default: KANAL_REGION_DIR). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--region-dir",
            type=Path,
            default=None,
            help="folder with wilayah.csv, kelurahan.geojson, units.csv, categories.csv",
        )

    def handle(self, *args, region_dir: Path | None, **options):
        folder = region_dir or settings.KANAL_REGION_DIR
        required = ["wilayah.csv", "units.csv", "categories.csv"]
        missing = [name for name in required if not (folder / name).exists()]
        if missing:
            raise CommandError(
                f"{folder} lacks {', '.join(missing)}. Point --region-dir (or KANAL_REGION_DIR) "
                "at a folder shaped like data/regions/bandar-lampung."
            )
        boundaries = folder / "kelurahan.geojson"
        steps = [
            (
                "wilayah",
                lambda: load_wilayah(
                    folder / "wilayah.csv", boundaries if boundaries.exists() else None
                ),
            ),
            ("units", lambda: load_units(folder / "units.csv")),
            ("categories", lambda: load_categories(folder / "categories.csv")),
        ]
        for i, (name, step) in enumerate(steps, 1):
            self.stdout.write(f"[{i}/{len(steps)}] {name}: ", ending="")
            self.stdout.flush()
            self.stdout.write(str(step()))
