import base64
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from kanal.accounts.actions import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current second-factor code of the demo accounts (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Only with DEBUG on.")
        code = totp(base64.b32decode(DEMO_TOTP_SECRET))
        remaining = 30 - int(time.time()) % 30
        self.stdout.write(f"{code:06d}  (valid for {remaining} more seconds)")
