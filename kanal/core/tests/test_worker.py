"""The task worker (manage.py task_worker): batch claims, outcomes, stop and crash."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.signals import task_started
from django_tasks_db.models import DBTaskResult

from kanal.core.models import Heartbeat
from kanal.core.processes import StopSignal
from kanal.core.recovery import recover_tasks
from kanal.core.tasks import record_heartbeat
from kanal.core.worker import TaskWorker, WorkerOptions


def worker(claim=10, **kw) -> TaskWorker:
    options = WorkerOptions(queues=["*"], worker_id="w-test", claim=claim, drain=True, **kw)
    return TaskWorker(options, StopSignal())


def statuses() -> dict[str, str]:
    return {r.args_kwargs["args"][0]: r.status for r in DBTaskResult.objects.all()}


@pytest.mark.django_db(transaction=True)
def test_the_worker_claims_in_batches_and_runs_every_task_once():
    names = [f"t{n}" for n in range(7)]
    for name in names:
        record_heartbeat.enqueue(name)
    w = worker(claim=3)
    first = w.claim()
    assert len(first) == 3
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 3
    assert {tuple(r.worker_ids) for r in DBTaskResult.objects.filter(status="RUNNING")} == {
        ("w-test",)
    }
    w.run_batch(first)
    assert w.run() == 7  # the other four, in two more claims
    assert set(statuses().values()) == {"SUCCESSFUL"}
    assert sorted(Heartbeat.objects.values_list("name", flat=True)) == names
    # Each row has its own outcome: the time its heartbeat recorded.
    for row in DBTaskResult.objects.all():
        heartbeat = Heartbeat.objects.get(name=row.args_kwargs["args"][0])
        assert row.return_value == heartbeat.seen_at.isoformat() and row.finished_at


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_recorded_failed_and_the_rest_still_run():
    record_heartbeat.enqueue("fine")
    broken = record_heartbeat.enqueue("broken")
    DBTaskResult.objects.filter(pk=broken.id).update(
        args_kwargs={"args": ["too", "many", "args"], "kwargs": {}}
    )
    record_heartbeat.enqueue("also fine")
    assert worker().run() == 3
    failed = DBTaskResult.objects.get(pk=broken.id)
    assert failed.status == "FAILED" and failed.exception_class_path == "builtins.TypeError"
    assert "TypeError" in failed.traceback
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"fine", "also fine"}


@pytest.mark.django_db(transaction=True)
def test_a_stop_signal_finishes_the_running_task_and_returns_the_unstarted_ones():
    for name in ("a", "b", "c", "d"):
        record_heartbeat.enqueue(name)
    w = worker(claim=4)

    def stop_after_the_first(**kwargs):
        w.stop.stopped = True  # as SIGTERM does while the first task runs

    task_started.connect(stop_after_the_first)
    try:
        ran = w.run()
    finally:
        task_started.disconnect(stop_after_the_first)
    assert ran == 1
    assert sorted(statuses().values()) == ["READY", "READY", "READY", "SUCCESSFUL"]
    for row in DBTaskResult.objects.filter(status="READY"):
        assert row.worker_ids == [] and row.started_at is None  # as before the claim
    assert worker().run() == 3  # the next worker runs them
    assert Heartbeat.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_claims_run_again_after_the_lease(settings):
    for name in ("x", "y"):
        record_heartbeat.enqueue(name)
    assert len(worker().claim()) == 2  # then the process dies: no outcome, no release
    assert worker().run() == 0  # RUNNING rows are not claimed twice
    settings.KANAL_TASK_LEASE_SECONDS = 60
    DBTaskResult.objects.update(started_at=timezone.now() - timedelta(seconds=61))
    assert recover_tasks().requeued == 2
    assert worker().run() == 2
    assert set(statuses().values()) == {"SUCCESSFUL"}
    assert [len(r.worker_ids) for r in DBTaskResult.objects.all()] == [2, 2]


@pytest.mark.django_db(transaction=True)
def test_the_command_refuses_an_unknown_queue_and_drains_with_batch():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown queue"):
        call_command("task_worker", "--batch", "--queue-name", "nope", verbosity=0)
    record_heartbeat.using(queue_name="notices").enqueue("on notices")
    record_heartbeat.enqueue("on default")
    call_command("task_worker", "--batch", "--queue-name", "notices", verbosity=0)
    assert statuses() == {"on notices": "SUCCESSFUL", "on default": "READY"}
