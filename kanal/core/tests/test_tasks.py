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


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.01", verbosity=0)


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
