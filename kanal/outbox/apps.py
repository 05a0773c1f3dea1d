from datetime import timedelta

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "kanal.outbox"
    label = "outbox"
    verbose_name = "Outbox"

    def ready(self) -> None:
        from kanal.core import schedule

        from . import tasks

        # A worker killed between recording and sending leaves a message pending; the
        # sweep hands it to a worker again (sending is safe to run twice).
        schedule.register("outbox.sweep", tasks.sweep_outbox, timedelta(minutes=10))
