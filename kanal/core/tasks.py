"""Background-task plumbing: enqueue after commit, the heartbeat task, periodic jobs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend

from .models import Heartbeat

# The database queue claims higher priorities first, then the oldest. Most tasks keep
# the default (0). After a burst the follow-up work (routing, notices) can queue for
# minutes; these two kinds must not wait behind it.
PRIORITY_SCHEDULED = 20  # periodic jobs: sealing the audit chain, recovery, deadline sweeps
PRIORITY_INTAKE = 10  # a citizen's delivery becomes a case before earlier follow-up work


def enqueue_on_commit(task_obj, *args, **kwargs) -> None:
    """Have a task run once the current transaction commits; never if it rolls back.

    ``task_obj`` is a Task or its dotted path ("kanal.complaints.tasks.send_notice"):
    actions name their own app's tasks by path, because tasks sit above actions in the
    layer rule (a task calls an action; an action only asks for a task to run later).
    Another app's task is imported, never named by path, so the import contracts see
    the dependency (``kanal/core/tests/test_task_paths.py`` checks).

    With the database queue (the default) the task row is written in the caller's
    transaction: a transactional outbox. A worker sees it only once the transaction
    commits, a rollback removes it, no process crash between commit and enqueue can
    lose it, and the action costs one commit instead of two. Any other queue is told
    after commit. Outside a transaction the task is enqueued at once.
    """
    target = import_string(task_obj) if isinstance(task_obj, str) else task_obj
    if isinstance(target.get_backend(), DatabaseBackend):
        target.enqueue(*args, **kwargs)
        return
    transaction.on_commit(lambda: target.enqueue(*args, **kwargs))


@task()
def record_heartbeat(name: str) -> str:
    """Record that a worker ran a task just now. Safe to run twice (an upsert)."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return now.isoformat()
