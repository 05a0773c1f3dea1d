from datetime import timedelta

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "kanal.complaints"
    label = "complaints"
    verbose_name = "Pengaduan"

    def ready(self) -> None:
        from kanal.core import schedule

        from . import tasks

        schedule.register(
            "complaints.sweep_deadlines", tasks.sweep_complaint_deadlines, timedelta(minutes=15)
        )
