"""Background work of the PPID: deliver notices, sweep the clocks. Safe to run twice."""

from django_tasks import task

from . import actions


@task(queue_name="notices")
def deliver_outbound_notice_task(outbound_id: int) -> str:
    """Send one recorded message to a requester (a sent one is skipped)."""
    return actions.deliver_outbound_notice(outbound_id)


@task()
def send_ppid_reminders_task() -> int:
    """Record reminders for deadlines that are near or passed (idempotent by key)."""
    return actions.send_ppid_reminders()
