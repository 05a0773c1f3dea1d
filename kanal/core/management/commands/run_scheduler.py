from datetime import datetime

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from kanal.core.processes import StopSignal
from kanal.core.schedule import enqueue_due_jobs, next_due_at, registered_jobs


def seconds_to_sleep(due: datetime | None, now: datetime, longest: float) -> float:
    """How long the scheduler sleeps: until ``due``, at most ``longest`` seconds.

    The cap bounds how long a lost wake-up (a clock step, a row edited by hand) can
    delay a job; between jobs the scheduler does no work at all.
    """
    if due is None:
        return longest
    return min(longest, max(0.0, (due - now).total_seconds()))


class Command(BaseCommand):
    # Checked where the stack starts (serve, make run), not again: ~9 MB (see task_worker).
    requires_system_checks: list[str] = []
    help = (
        "Enqueue periodic jobs when they are due (SLA sweeps, polling, heartbeats); "
        "sleeps until the next one is due."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=60.0,
            help="longest sleep in seconds, even if no job is due sooner (%(default)s)",
        )
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args, interval: float, once: bool, **options):
        stop = StopSignal().install()  # SIGTERM/SIGINT end a sleep at once
        names = ", ".join(j.name for j in registered_jobs()) or "none"
        self.stdout.write(f"Scheduler started; jobs: {names}")
        while not stop.stopped:
            close_old_connections()
            for name in enqueue_due_jobs():
                self.stdout.write(f"enqueued {name}")
            if once:
                break
            now = timezone.now()
            stop.sleep(seconds_to_sleep(next_due_at(now), now, interval))
        self.stdout.write("Scheduler stopped.")
