"""Kanal's Prometheus metrics, computed when /metrics is scraped.

Gauges, not counters: each scrape reads the current state from the database, so every
web process answers the same and nothing is lost on a restart. The task queue's gauges
are here; apps add their own with :func:`register` (the console registers the channel
gauges: webhook failures, failed deliveries, silent channels).

- ``kanal_tasks{queue,status}``: tasks READY, RUNNING and FAILED per queue
- ``kanal_task_oldest_ready_age_seconds{queue}``: how long the oldest runnable task has
  waited (0 when none): a growing value means too few workers for that queue
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

STATUSES = (TaskResultStatus.READY, TaskResultStatus.RUNNING, TaskResultStatus.FAILED)

_sources: list[Callable[[], Iterable[Metric]]] = []


def register(source: Callable[[], Iterable[Metric]]) -> None:
    """Add a function yielding metric families to every scrape (once per function)."""
    if source not in _sources:
        _sources.append(source)


def task_metrics() -> Iterable[Metric]:
    queues = list(settings.TASKS["default"]["QUEUES"])
    counts = {
        (row["queue_name"], row["status"]): row["n"]
        for row in DBTaskResult.objects.filter(status__in=STATUSES)
        .values("queue_name", "status")
        .annotate(n=Count("id"))
    }
    tasks = GaugeMetricFamily(
        "kanal_tasks", "Tasks in the queue by queue and status", labels=["queue", "status"]
    )
    for queue in sorted({*queues, *(q for q, _ in counts)}):
        for status in STATUSES:
            tasks.add_metric([queue, status.value], counts.get((queue, status.value), 0))
    yield tasks

    now = timezone.now()
    runnable = Q(run_after=get_date_max()) | Q(run_after__lte=now)
    oldest = dict(
        DBTaskResult.objects.filter(runnable, status=TaskResultStatus.READY)
        .values("queue_name")
        .annotate(oldest=Min("enqueued_at"))
        .values_list("queue_name", "oldest")
    )
    age = GaugeMetricFamily(
        "kanal_task_oldest_ready_age_seconds",
        "Seconds the oldest runnable READY task has waited, per queue",
        labels=["queue"],
    )
    for queue in sorted({*queues, *oldest}):
        since = oldest.get(queue)
        age.add_metric([queue], (now - since).total_seconds() if since else 0.0)
    yield age


class _Collector:
    def collect(self):
        for source in (task_metrics, *_sources):
            yield from source()


_registry = CollectorRegistry(auto_describe=False)
_registry.register(_Collector())


def render() -> tuple[bytes, str]:
    """The current metrics in Prometheus text format, and its content type."""
    return generate_latest(_registry), CONTENT_TYPE_LATEST
