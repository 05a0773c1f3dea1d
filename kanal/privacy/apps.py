from datetime import timedelta

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "kanal.privacy"
    label = "privacy"
    verbose_name = "Pelindungan data pribadi"

    def ready(self) -> None:
        from kanal.core import schedule

        from . import tasks

        # Retention (UU 27/2022): anonymise the personal data of long-closed cases daily.
        schedule.register("privacy.apply_retention", tasks.apply_retention, timedelta(days=1))
