from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kanal.audit"
    label = "audit"
    verbose_name = "Audit log"
