from django.apps import AppConfig


class FieldConfig(AppConfig):
    name = "kanal.field"
    label = "field"
    verbose_name = "Aplikasi lapangan"
