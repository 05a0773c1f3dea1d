"""Background work: tasks run after commit only, exactly once; the scheduler enqueues once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kanal.core import schedule
from kanal.core.models import Heartbeat, ScheduledJob
from kanal.core.tasks import enqueue_on_commit, record_heartbeat
from kanal.core.worker import TaskWorker, WorkerOptions


def run_worker():
    call_command("task_worker", "--batch", "--interval", "0.01", "--queue-name", "*", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_in_a_rolled_back_transaction_never_runs():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(record_heartbeat, "rolled-back")
        raise RuntimeError("the action failed")
    run_worker()
    assert not Heartbeat.objects.filter(name="rolled-back").exists()
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_in_a_committed_transaction_runs_exactly_once():
    with transaction.atomic():
        enqueue_on_commit(record_heartbeat, "committed")
    run_worker()
    run_worker()  # a second worker pass finds nothing left to do
    assert Heartbeat.objects.filter(name="committed").count() == 1
    results = DBTaskResult.objects.all()
    assert [r.status for r in results] == ["SUCCESSFUL"]


@pytest.mark.django_db(transaction=True)
def test_scheduler_enqueues_a_due_job_once_per_interval():
    schedule.register("test.heartbeat", record_heartbeat, timedelta(minutes=5), "sched")
    try:
        now = timezone.now()
        assert "test.heartbeat" in schedule.enqueue_due_jobs(now)
        assert "test.heartbeat" not in schedule.enqueue_due_jobs(now + timedelta(minutes=1))
        assert "test.heartbeat" in schedule.enqueue_due_jobs(now + timedelta(minutes=5))
        job_runs = DBTaskResult.objects.filter(args_kwargs__args=["sched"]).count()
        assert job_runs == 2
        assert ScheduledJob.objects.get(name="test.heartbeat").last_enqueued_at == (
            now + timedelta(minutes=5)
        )
        run_worker()
        assert Heartbeat.objects.filter(name="sched").exists()
    finally:
        schedule._registry.pop("test.heartbeat")


@pytest.mark.django_db
def test_the_scheduler_sleeps_until_the_earliest_job_falls_due():
    from kanal.core.management.commands.run_scheduler import seconds_to_sleep

    saved = dict(schedule._registry)
    schedule._registry.clear()
    try:
        now = timezone.now()
        assert schedule.next_due_at(now) is None
        schedule.register("test.slow", record_heartbeat, timedelta(minutes=5), "slow")
        schedule.register("test.fast", record_heartbeat, timedelta(seconds=10), "fast")
        assert schedule.next_due_at(now) == now  # never run: due at once
        assert set(schedule.enqueue_due_jobs(now)) == {"test.slow", "test.fast"}
        assert schedule.next_due_at(now + timedelta(seconds=3)) == now + timedelta(seconds=10)
        assert schedule.enqueue_due_jobs(now + timedelta(seconds=9)) == []
        assert schedule.enqueue_due_jobs(now + timedelta(seconds=10)) == ["test.fast"]
        assert schedule.next_due_at(now + timedelta(seconds=11)) == now + timedelta(seconds=20)
        later = now + timedelta(seconds=11)
        assert seconds_to_sleep(schedule.next_due_at(later), later, 60) == 9
        assert seconds_to_sleep(schedule.next_due_at(later), later, 5) == 5
        assert seconds_to_sleep(now - timedelta(seconds=1), now, 60) == 0
        assert seconds_to_sleep(None, now, 60) == 60
    finally:
        schedule._registry.clear()
        schedule._registry.update(saved)


@pytest.mark.django_db
def test_finished_task_rows_are_pruned_after_their_keeping_period():
    from django_tasks.base import TaskResultStatus

    from kanal.core.recovery import prune_finished_tasks

    now = timezone.now()

    def row(status, age_days):
        result = record_heartbeat.enqueue("prune")
        DBTaskResult.objects.filter(pk=result.id).update(
            status=status, finished_at=now - timedelta(days=age_days)
        )
        return result.id

    old_ok = row(TaskResultStatus.SUCCESSFUL, 15)
    recent_ok = row(TaskResultStatus.SUCCESSFUL, 13)
    old_failed = row(TaskResultStatus.FAILED, 91)
    failed = row(TaskResultStatus.FAILED, 30)
    waiting = record_heartbeat.enqueue("still to run").id
    assert prune_finished_tasks(now) == 2
    left = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert {recent_ok, failed, waiting} <= left and not {old_ok, old_failed} & left
    assert prune_finished_tasks(now) == 0
    assert "core.prune_task_results" in {job.name for job in schedule.registered_jobs()}


@pytest.mark.django_db
def test_a_periodic_job_is_claimed_before_a_backlog_of_ordinary_tasks():
    schedule.register("test.sealer", record_heartbeat, timedelta(seconds=10), "sealer")
    try:
        backlog = {str(record_heartbeat.enqueue(f"backlog {n}").id) for n in range(3)}
        due = schedule.enqueue_due_jobs()  # every registered job is due on the first run
        assert "test.sealer" in due
        # The worker's claims (ready() in the queue's order, one at a time here), in order.
        claims = []
        worker = TaskWorker(WorkerOptions(queues=["*"], worker_id="t", claim=1))
        for _ in range(len(due) + len(backlog)):
            claims += worker.claim()
        assert {str(row.pk) for row in claims[len(due) :]} == backlog
        assert ["sealer"] in [row.args_kwargs["args"] for row in claims[: len(due)]]
    finally:
        schedule._registry.pop("test.sealer")
