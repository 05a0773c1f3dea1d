from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "kanal.complaints"
    label = "complaints"
    verbose_name = "Pengaduan"
