import signal
import time

from django.core.management.base import BaseCommand

from kanal.core.schedule import enqueue_due_jobs, registered_jobs


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they are due (SLA sweeps, polling, heartbeats)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args, interval: float, once: bool, **options):
        stop = False

        def _stop(signum, frame):
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        names = ", ".join(j.name for j in registered_jobs()) or "none"
        self.stdout.write(f"Scheduler started; jobs: {names}")
        while not stop:
            for name in enqueue_due_jobs():
                self.stdout.write(f"enqueued {name}")
            if once:
                break
            # Short sleeps: a SIGTERM stops the scheduler within 0.2 s, not after `interval`.
            wake = time.monotonic() + interval
            while not stop and time.monotonic() < wake:
                time.sleep(0.2)
        self.stdout.write("Scheduler stopped.")
