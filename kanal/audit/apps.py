from datetime import timedelta

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kanal.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from kanal.core import schedule

        from . import tasks

        # Actions write events unsealed (no lock on the hot path); the sealer chains
        # them. The interval bounds how long an event is outside the chain.
        schedule.register("audit.seal", tasks.seal_audit_events, timedelta(seconds=10))
