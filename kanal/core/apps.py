from datetime import timedelta

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kanal.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.models.signals import post_delete, post_save

        from . import recovery, schedule, tasks
        from .logs import clear_request_id
        from .models import CalendarOverride
        from .queries import forget_calendar

        # A decree saved or removed in this process counts at once (the others within
        # queries.CALENDAR_RECHECK_SECONDS), however it was written (action, admin).
        for signal in (post_save, post_delete):
            signal.connect(forget_calendar, sender=CalendarOverride, weak=False)

        # Log lines after a request (the worker's, the scheduler's) carry no stale id.
        request_finished.connect(clear_request_id, dispatch_uid="kanal.core.clear_request_id")

        # The worker proves it is alive once a minute; the console shows the age.
        schedule.register("core.heartbeat", tasks.record_heartbeat, timedelta(minutes=1), "worker")
        # django_tasks_db leaves a killed worker's task RUNNING for ever; re-queue it.
        schedule.register(
            "core.requeue_abandoned_tasks", recovery.requeue_abandoned_tasks, timedelta(minutes=5)
        )
        schedule.register("core.prune_task_results", recovery.prune_task_results, timedelta(days=1))
