from datetime import timedelta

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kanal.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import recovery, schedule, tasks

        # The worker proves it is alive once a minute; the console shows the age.
        schedule.register("core.heartbeat", tasks.record_heartbeat, timedelta(minutes=1), "worker")
        # django_tasks_db leaves a killed worker's task RUNNING for ever; re-queue it.
        schedule.register(
            "core.requeue_abandoned_tasks", recovery.requeue_abandoned_tasks, timedelta(minutes=5)
        )
        schedule.register("core.prune_task_results", recovery.prune_task_results, timedelta(days=1))
