from datetime import timedelta

from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "kanal.publishing"
    label = "publishing"
    verbose_name = "Publikasi"

    def ready(self) -> None:
        from kanal.core import schedule

        from . import tasks

        # Scheduled items go live within a minute of their time; cross-posts still in
        # progress (Instagram containers, TikTok processing) are polled again.
        schedule.register("publishing.run", tasks.run_publishing, timedelta(minutes=1))
