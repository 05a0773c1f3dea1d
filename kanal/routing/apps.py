from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "kanal.routing"
    label = "routing"
    verbose_name = "Routing"
