from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kanal.portal"
    label = "portal"
    verbose_name = "Public portal"
