from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "kanal.publishing"
    label = "publishing"
    verbose_name = "Publikasi"
