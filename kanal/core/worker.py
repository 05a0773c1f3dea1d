"""The task worker behind ``manage.py task_worker``: claims tasks in batches.

It replaces ``django_tasks_db``'s ``db_worker`` (same queue table, same ordering:
higher priority first, then the oldest) and spends less per task:

- **One claim per batch.** Up to ``claim`` ready rows are locked (``SKIP LOCKED`` on
  PostgreSQL, so workers on many machines share the queue) and marked RUNNING in one
  transaction: two statements and one commit for the batch, where ``db_worker`` spends
  a transaction per task.
- **Results written together.** Each task's own writes commit inside the task; its
  outcome (SUCCESSFUL or FAILED, the return value or the traceback) is kept and
  written for the whole batch in one transaction (one UPDATE per distinct outcome,
  usually one), at the batch's end or after
  ``FLUSH_SECONDS``, whichever comes first.

What it promises:

- **SIGTERM/SIGINT** finish the task that is running, write the outcomes, and put the
  claimed tasks that had not started back to READY (as they were, this worker's id
  removed), then exit. A second signal exits at once, as ``db_worker`` does.
- **A killed worker's tasks run again.** Its claimed rows stay RUNNING; the recovery
  job (:mod:`kanal.core.recovery`) puts rows RUNNING longer than the lease back to
  READY. A task that ran but whose outcome was not yet written runs a second time:
  delivery is at least once, and every Kanal task is safe to run twice (house rule 6).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from traceback import format_exception

from django.db import close_old_connections, transaction
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from .processes import StopSignal

logger = logging.getLogger("kanal.worker")

FLUSH_SECONDS = 1.0  # longest a finished task's outcome waits in memory
OUTCOME_FIELDS = ["status", "return_value", "finished_at", "exception_class_path", "traceback"]


@dataclass
class WorkerOptions:
    queues: list[str]  # ["*"] for every queue
    worker_id: str
    claim: int = 10  # rows claimed at once
    interval: float = 1.0  # seconds between looks at an empty queue
    drain: bool = False  # run what is ready, then exit (tests, one-off runs)
    backend: str = "default"


class TaskWorker:
    def __init__(self, options: WorkerOptions, stop: StopSignal | None = None):
        self.options = options
        self.stop = stop or StopSignal()
        self.ran = 0
        self._done: list[DBTaskResult] = []
        self._oldest_done = 0.0

    # --- claiming ------------------------------------------------------------------
    def _ready(self):
        rows = DBTaskResult.objects.ready().filter(backend_name=self.options.backend)
        if "*" not in self.options.queues:
            rows = rows.filter(queue_name__in=self.options.queues)
        return rows

    def claim(self) -> list[DBTaskResult] | None:
        """Lock and mark RUNNING up to ``claim`` ready rows, in queue order.

        None when the database was locked (SQLite; try again later), else the rows.
        """
        rows = self._ready()
        try:
            with exclusive_transaction(rows.db):
                batch = list(rows.select_for_update(skip_locked=True)[: self.options.claim])
                if batch:
                    now = timezone.now()
                    for row in batch:
                        row.status = TaskResultStatus.RUNNING
                        row.started_at = now
                        row.worker_ids = [*row.worker_ids, self.options.worker_id]
                    _update_alike(batch, ["status", "started_at", "worker_ids"])
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise
        return batch

    def release(self, rows: list[DBTaskResult]) -> None:
        """Put claimed rows that never started back to READY, as they were before."""
        if not rows:
            return
        for row in rows:
            row.status = TaskResultStatus.READY
            row.started_at = None
            row.worker_ids = row.worker_ids[:-1]
        with transaction.atomic():
            _update_alike(rows, ["status", "started_at", "worker_ids"])
        logger.info("Returned %d unstarted task(s) to the queue", len(rows))

    # --- running -------------------------------------------------------------------
    def run_one(self, row: DBTaskResult) -> None:
        """Run one claimed task and keep its outcome for :meth:`flush`."""
        sender = None
        try:
            task = row.task
            result = row.task_result
            sender = type(task.get_backend())
            task_started.send(sender=sender, task_result=result)
            value = task.call(*result.args, **result.kwargs)
            json.dumps(value)  # a value the column cannot hold fails the task here
            row.status = TaskResultStatus.SUCCESSFUL
            row.return_value = value
            row.exception_class_path = row.traceback = ""
        except Exception as exc:  # a failing task is recorded, never kills the worker
            row.status = TaskResultStatus.FAILED
            row.return_value = None
            row.exception_class_path = f"{type(exc).__module__}.{type(exc).__qualname__}"
            row.traceback = "".join(format_exception(exc))
            logger.warning("Task id=%s failed: %s", row.id, row.exception_class_path)
        row.finished_at = timezone.now()
        if not self._done:
            self._oldest_done = time.monotonic()
        self._done.append(row)
        self.ran += 1
        if sender is not None:
            try:
                task_finished.send(sender=sender, task_result=row.task_result)
            except Exception:  # logging receivers only; the outcome is kept either way
                logger.exception("task_finished receiver failed for id=%s", row.id)

    def flush(self) -> None:
        """Write the kept outcomes in one transaction (one commit)."""
        if not self._done:
            return
        done, self._done = self._done, []
        with transaction.atomic():
            _update_alike(done, OUTCOME_FIELDS)

    def run_batch(self, batch: list[DBTaskResult]) -> None:
        for n, row in enumerate(batch):
            if self.stop.stopped:
                self.flush()
                self.release(batch[n:])
                return
            self.run_one(row)
            if time.monotonic() - self._oldest_done >= FLUSH_SECONDS:
                self.flush()
        self.flush()

    def run(self) -> int:
        """Work until stopped (or, with ``drain``, until nothing is ready); tasks run."""
        logger.info(
            "Task worker %s started; queues %s, claiming %d at a time",
            self.options.worker_id,
            ",".join(self.options.queues),
            self.options.claim,
        )
        while not self.stop.stopped:
            close_old_connections()  # a connection that broke while idle is replaced
            batch = self.claim()
            if batch:
                self.run_batch(batch)
                continue
            if batch is not None and self.options.drain:
                break
            self.stop.sleep(self.options.interval)
        close_old_connections()
        return self.ran


def _update_alike(rows: list[DBTaskResult], fields: list[str]) -> None:
    """Write ``fields`` of ``rows``: one UPDATE per set of rows with equal values.

    A batch's rows mostly agree (claimed together: the same status, time and worker
    list; finished: the same status and return value), so this is usually one short
    statement, where ``bulk_update``'s CASE per row and field cost more CPU than the
    tasks' own queries. ``finished_at`` is not compared: rows that agree on the rest
    get the latest of their finish times (they finished within ``FLUSH_SECONDS``).
    """
    groups: dict[str, list[DBTaskResult]] = {}
    for row in rows:
        same = {f: getattr(row, f) for f in fields if f != "finished_at"}
        groups.setdefault(json.dumps(same, default=str, sort_keys=True), []).append(row)
    for alike in groups.values():
        values = {f: getattr(alike[0], f) for f in fields}
        if "finished_at" in values:
            values["finished_at"] = max(row.finished_at for row in alike)
        DBTaskResult.objects.filter(pk__in=[row.pk for row in alike]).update(**values)
