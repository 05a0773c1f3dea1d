from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "kanal.console"
    label = "console"
    verbose_name = "Staff console"

    def ready(self):
        from kanal.core.metrics import register

        from .metrics import channel_metrics

        register(channel_metrics)
