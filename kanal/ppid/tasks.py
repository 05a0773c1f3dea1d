"""Background work of the PPID: the reminders sweep. Safe to run twice.

Messages to requesters are sent by the outbox (kanal.outbox.tasks).
"""

from django_tasks import task

from . import actions


@task()
def send_ppid_reminders_task() -> int:
    """Record reminders for deadlines that are near or passed (idempotent by key)."""
    return actions.send_ppid_reminders()
