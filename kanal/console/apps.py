from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "kanal.console"
    label = "console"
    verbose_name = "Staff console"
