"""Background-task plumbing: enqueue after commit, the heartbeat task, periodic jobs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import Heartbeat


def enqueue_on_commit(task_obj, *args, **kwargs) -> None:
    """Enqueue a task once the current transaction commits; never if it rolls back.

    ``task_obj`` is a Task or its dotted path ("kanal.complaints.tasks.send_notice"):
    actions name their tasks by path, because tasks sit above actions in the layer
    rule (a task calls an action; an action only asks for a task to run later).
    Outside a transaction the task is enqueued at once (Django runs on_commit
    callbacks immediately in autocommit mode).
    """

    def enqueue():
        target = import_string(task_obj) if isinstance(task_obj, str) else task_obj
        target.enqueue(*args, **kwargs)

    transaction.on_commit(enqueue)


@task()
def record_heartbeat(name: str) -> str:
    """Record that a worker ran a task just now. Safe to run twice (an upsert)."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return now.isoformat()
