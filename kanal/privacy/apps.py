from datetime import timedelta

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "kanal.privacy"
    label = "privacy"
    verbose_name = "Pelindungan data pribadi"

    def ready(self) -> None:
        from kanal.core import schedule

        from . import tasks

        # Retention (UU 27/2022), daily: reporters of long-ended cases, their files, silent
        # channel conversations and raw events, finished PPID requesters.
        schedule.register("privacy.apply_retention", tasks.apply_retention, timedelta(days=1))
