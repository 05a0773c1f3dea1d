from datetime import timedelta

from django.apps import AppConfig


class PpidConfig(AppConfig):
    name = "kanal.ppid"
    label = "ppid"
    verbose_name = "PPID"

    def ready(self) -> None:
        from kanal.core import schedule

        from . import tasks

        # Deadlines move by whole working days: an hourly sweep is plenty, and the
        # reminders' keys make repeated runs harmless.
        schedule.register("ppid.reminders", tasks.send_ppid_reminders_task, timedelta(hours=1))
