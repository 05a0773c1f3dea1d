"""Periodic jobs: the scheduler decides *when*; the work itself is an ordinary task.

Apps register their jobs in ``AppConfig.ready()`` with :func:`register`. The scheduler
command calls :func:`enqueue_due_jobs`, then sleeps until :func:`next_due_at` (no
polling in between); a row lock per job makes two schedulers (or a restart) enqueue
each run once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .models import ScheduledJob
from .tasks import PRIORITY_SCHEDULED


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: object  # a django_tasks Task
    every: timedelta
    args: tuple = ()


_registry: dict[str, PeriodicJob] = {}


def register(name: str, task_obj, every: timedelta, *args) -> None:
    """Run ``task_obj(*args)`` every ``every``. Registering a name twice replaces it."""
    _registry[name] = PeriodicJob(name, task_obj, every, args)


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_registry.values(), key=lambda j: j.name)


def is_due(last: datetime | None, every: timedelta, now: datetime) -> bool:
    return last is None or now - last >= every


def enqueue_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every registered job whose interval has passed; returns their names.

    One query reads every job's last run; only a job that looks due is locked and
    checked again (another scheduler may have enqueued it in between), so a tick with
    nothing due costs one query.
    """
    now = now or timezone.now()
    jobs = registered_jobs()
    last = _last_runs(jobs)
    enqueued = []
    for job in jobs:
        if job.name in last and not is_due(last[job.name], job.every, now):
            continue
        if job.name not in last:
            ScheduledJob.objects.get_or_create(name=job.name)
        with transaction.atomic():
            row = ScheduledJob.objects.select_for_update().get(name=job.name)
            if not is_due(row.last_enqueued_at, job.every, now):
                continue
            row.last_enqueued_at = now
            row.save(update_fields=["last_enqueued_at"])
            # The database queue: same transaction. Ahead of ordinary work, so a backlog
            # cannot delay the sealer or the recovery job past their promises; on the
            # periodic queue, so a deployment can give them workers of their own.
            job.task.using(priority=PRIORITY_SCHEDULED, queue_name="periodic").enqueue(*job.args)
        enqueued.append(job.name)
    return enqueued


def next_due_at(now: datetime | None = None) -> datetime | None:
    """When the earliest registered job falls due (``now`` if one is due already).

    ``None`` when no job is registered. The scheduler sleeps until this moment instead
    of polling: another scheduler enqueuing a job only moves the moment later, so an
    early wake-up costs one query and a late one cannot happen.
    """
    now = now or timezone.now()
    jobs = registered_jobs()
    last = _last_runs(jobs)
    due = []
    for job in jobs:
        ran = last.get(job.name)
        due.append(now if ran is None else max(now, ran + job.every))
    return min(due, default=None)


def _last_runs(jobs: list[PeriodicJob]) -> dict[str, datetime | None]:
    rows = ScheduledJob.objects.filter(name__in=[job.name for job in jobs])
    return dict(rows.values_list("name", "last_enqueued_at"))
