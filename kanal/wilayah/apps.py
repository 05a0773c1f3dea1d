from django.apps import AppConfig


class WilayahConfig(AppConfig):
    name = "kanal.wilayah"
    label = "wilayah"
    verbose_name = "Wilayah"
