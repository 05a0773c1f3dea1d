from django.apps import AppConfig


class PpidConfig(AppConfig):
    name = "kanal.ppid"
    label = "ppid"
    verbose_name = "PPID"
