from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "kanal.directory"
    label = "directory"
    verbose_name = "Perangkat daerah"
