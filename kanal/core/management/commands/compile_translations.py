"""Compile the gettext catalogues (.po → .mo) in pure Python, so no GNU gettext is needed."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile Kanal's .po catalogues to .mo (run by make; the .mo files are not committed)."

    def handle(self, *args, **options):
        count = 0
        project = Path(settings.BASE_DIR) / "kanal"
        catalogues = sorted(project.glob("locale/*/LC_MESSAGES/*.po")) + sorted(
            project.glob("*/locale/*/LC_MESSAGES/*.po")
        )
        for po_path in catalogues:
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
            self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
        self.stdout.write(f"{count} catalogue(s) compiled")
