"""kanal.core.recovery on the test database: which task rows come back, which give up.

Quick (no processes killed), so it runs with the ordinary suite; the real SIGKILL
proof is test_worker_kill.py (marker ``faults``).
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kanal.core.recovery import recover_tasks
from kanal.core.tasks import record_heartbeat

pytestmark = pytest.mark.django_db


def task_row(status, *, started_ago=None, finished_ago=None, workers=1, error=""):
    result = record_heartbeat.enqueue("recovery-test")
    now = timezone.now()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status,
        started_at=now - started_ago if started_ago is not None else None,
        finished_at=now - finished_ago if finished_ago is not None else None,
        worker_ids=[f"w{i}" for i in range(workers)],
        exception_class_path=error,
    )
    return result.id


def status_of(pk) -> str:
    return DBTaskResult.objects.get(pk=pk).status


def test_a_task_running_past_its_lease_is_queued_again(settings):
    settings.KANAL_TASK_LEASE_SECONDS = 60
    abandoned = task_row(TaskResultStatus.RUNNING, started_ago=timedelta(minutes=5))
    busy = task_row(TaskResultStatus.RUNNING, started_ago=timedelta(seconds=10))

    result = recover_tasks()

    assert (result.requeued, result.given_up) == (1, 0)
    assert status_of(abandoned) == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=abandoned).started_at is None
    assert status_of(busy) == TaskResultStatus.RUNNING


def test_a_task_that_keeps_killing_its_worker_is_given_up(settings):
    settings.KANAL_TASK_LEASE_SECONDS = 60
    settings.KANAL_TASK_MAX_ATTEMPTS = 3
    poison = task_row(TaskResultStatus.RUNNING, started_ago=timedelta(hours=1), workers=3)

    assert recover_tasks().given_up == 1
    row = DBTaskResult.objects.get(pk=poison)
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "kanal.core.recovery.AbandonedTask"


def test_only_failures_from_a_lost_database_connection_are_retried():
    lost_db = task_row(
        TaskResultStatus.FAILED,
        finished_ago=timedelta(minutes=1),
        error="django.db.utils.OperationalError",
    )
    real_bug = task_row(
        TaskResultStatus.FAILED, finished_ago=timedelta(minutes=1), error="builtins.KeyError"
    )
    done = task_row(TaskResultStatus.SUCCESSFUL, finished_ago=timedelta(minutes=1))

    assert recover_tasks().retried == 1
    assert status_of(lost_db) == TaskResultStatus.READY
    assert status_of(real_bug) == TaskResultStatus.FAILED
    assert status_of(done) == TaskResultStatus.SUCCESSFUL
