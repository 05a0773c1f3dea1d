"""Background-task plumbing: enqueue after commit, the heartbeat task, periodic jobs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Heartbeat


def enqueue_on_commit(task_obj, *args, **kwargs) -> None:
    """Enqueue ``task_obj`` once the current transaction commits; never if it rolls back.

    Outside a transaction the task is enqueued at once (Django runs on_commit
    callbacks immediately in autocommit mode).
    """
    transaction.on_commit(lambda: task_obj.enqueue(*args, **kwargs))


@task()
def record_heartbeat(name: str) -> str:
    """Record that a worker ran a task just now. Safe to run twice (an upsert)."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return now.isoformat()
