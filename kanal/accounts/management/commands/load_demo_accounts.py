from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kanal.accounts.actions import DEMO_PASSWORD, DEMO_TOTP_SECRET, ensure_demo_accounts


class Command(BaseCommand):
    help = "Create one demo account per role, pre-enrolled in TOTP (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="allow outside DEBUG (the password and secret are public)",
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo accounts have a public password; refusing with DEBUG off. "
                "Use --force on a throw-away system only."
            )
        created = sum(1 for _, new in ensure_demo_accounts() if new)
        self.stdout.write(
            f"demo accounts: {created} created; password {DEMO_PASSWORD}, "
            f"TOTP secret {DEMO_TOTP_SECRET}"
        )
