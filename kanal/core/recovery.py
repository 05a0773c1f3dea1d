"""Recovery of background tasks whose worker died (django_tasks_db does not do it).

The installed ``django_tasks_db`` (0.13) marks a task RUNNING when a worker claims it
and only changes it again when that worker finishes. A worker killed with SIGKILL, or
a machine that loses power, leaves the row RUNNING for ever: nobody runs the task
again. A task may also be marked FAILED only because the database went away for a
moment (a restart, a failover).

:func:`requeue_abandoned_tasks` is a periodic job (register it with
``kanal.core.schedule.register``): RUNNING rows claimed longer ago than the lease
(``KANAL_TASK_LEASE_SECONDS``, 15 minutes by default) are put back to READY, and rows
that FAILED with a database connection error are retried, each up to
``KANAL_TASK_MAX_ATTEMPTS`` claims (5); after that the row is marked FAILED with
:class:`AbandonedTask`, so a task that kills its worker every time cannot loop for ever.

This is at-least-once delivery: a task still running after its lease (slow, not dead)
may run twice. Every Kanal task is written to be safe to run twice (house rule 6), so
the lease only has to be longer than a normal task, not than every possible one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

# Failures that say "the database was not there", not "the task is wrong".
TRANSIENT_FAILURES = frozenset(
    {
        "django.db.utils.OperationalError",
        "django.db.utils.InterfaceError",
        "psycopg.OperationalError",
        "psycopg.InterfaceError",
        "psycopg.errors.AdminShutdown",
        "psycopg.errors.ConnectionFailure",
    }
)
BATCH = 500


class AbandonedTask(Exception):
    """The task was claimed too many times without finishing (its worker kept dying)."""


@dataclass(frozen=True)
class RecoveryResult:
    requeued: int
    retried: int
    given_up: int


def lease() -> timedelta:
    return timedelta(seconds=settings.KANAL_TASK_LEASE_SECONDS)


def max_attempts() -> int:
    return settings.KANAL_TASK_MAX_ATTEMPTS


def _give_up(row: DBTaskResult, now, reason: str) -> None:
    row.status = TaskResultStatus.FAILED
    row.finished_at = now
    row.exception_class_path = f"{AbandonedTask.__module__}.{AbandonedTask.__qualname__}"
    row.traceback = reason
    row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])


def _back_to_ready(row: DBTaskResult) -> None:
    row.status = TaskResultStatus.READY
    row.started_at = None
    row.finished_at = None
    row.exception_class_path = ""
    row.traceback = ""
    row.save(
        update_fields=["status", "started_at", "finished_at", "exception_class_path", "traceback"]
    )


@transaction.atomic
def recover_tasks(now=None) -> RecoveryResult:
    """Re-queue RUNNING tasks past their lease and FAILED ones with a connection error.

    Rows are locked with SKIP LOCKED, so a worker claiming or finishing a row at the same
    moment is never blocked and never overwritten. Returns how many rows were re-queued
    (abandoned), retried (transient failure) and given up (too many attempts).
    """
    now = now or timezone.now()
    requeued = retried = given_up = 0
    stale = (
        DBTaskResult.objects.select_for_update(skip_locked=True)
        .filter(status=TaskResultStatus.RUNNING, started_at__lt=now - lease())
        .order_by("started_at")[:BATCH]
    )
    for row in stale:
        if len(row.worker_ids) >= max_attempts():
            _give_up(row, now, f"claimed {len(row.worker_ids)} times without finishing")
            given_up += 1
        else:
            _back_to_ready(row)
            requeued += 1
    failed = (
        DBTaskResult.objects.select_for_update(skip_locked=True)
        .filter(
            status=TaskResultStatus.FAILED,
            exception_class_path__in=TRANSIENT_FAILURES,
            finished_at__gte=now - timedelta(days=1),
        )
        .order_by("finished_at")[:BATCH]
    )
    for row in failed:
        if len(row.worker_ids) < max_attempts():
            _back_to_ready(row)
            retried += 1
    return RecoveryResult(requeued, retried, given_up)


@task()
def requeue_abandoned_tasks() -> dict:
    """Periodic job: see :func:`recover_tasks`. Safe to run twice (and concurrently)."""
    result = recover_tasks()
    return {"requeued": result.requeued, "retried": result.retried, "given_up": result.given_up}


def prune_finished_tasks(now=None, batch: int = 5000) -> int:
    """Delete finished task rows: successful ones after ``KANAL_TASK_KEEP_DAYS`` (14),
    failed ones after ``KANAL_TASK_KEEP_FAILED_DAYS`` (90); returns how many.

    Every action and periodic job leaves a row (the audit sealer alone 8,640 a day), and
    the queue's claim query reads past them. Failed rows are kept longer: they are what
    someone investigates. Deleted in batches so no transaction holds many row locks.
    """
    now = now or timezone.now()
    keep = timedelta(days=int(settings.KANAL_TASK_KEEP_DAYS))
    keep_failed = timedelta(days=int(settings.KANAL_TASK_KEEP_FAILED_DAYS))
    old = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - keep)
        | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - keep_failed)
    )
    total = 0
    while ids := list(old.values_list("pk", flat=True)[:batch]):
        total += DBTaskResult.objects.filter(pk__in=ids).delete()[0]
    return total


@task()
def prune_task_results() -> int:
    """Periodic job: see :func:`prune_finished_tasks`. Safe to run twice."""
    return prune_finished_tasks()
