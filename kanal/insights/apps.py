from datetime import timedelta

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "kanal.insights"
    label = "insights"
    verbose_name = "Insights (public figures, reads only)"

    def ready(self) -> None:
        from kanal.core import schedule

        from . import queries, tasks

        # The public pages serve the cached figures however old they are; this job is
        # what brings new cases in, so it runs once per cache interval.
        schedule.register(
            "insights.refresh_figures",
            tasks.refresh_figures_task,
            timedelta(seconds=queries.cache_seconds()),
        )
