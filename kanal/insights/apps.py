from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "kanal.insights"
    label = "insights"
    verbose_name = "Insights (public figures, reads only)"
