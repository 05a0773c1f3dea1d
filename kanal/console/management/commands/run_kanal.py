"""Run the web server, the task worker and the scheduler together; Ctrl-C stops all."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from kanal.accounts.actions import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Start the web server, the background worker and the scheduler (make run)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr: str, **options):
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
            "worker": [python, "manage.py", "db_worker", "--interval", "1"],
            "scheduler": [python, "manage.py", "run_scheduler"],
        }
        # Fixed argument lists built above, no user input.
        procs = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}  # noqa: S603
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        time.sleep(2)
        self._banner(addr)
        try:
            while not stopping:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} exited with {proc.returncode}; stopping all.")
                        stopping = True
                time.sleep(0.5)
        finally:
            self._stop_all(procs)

    def _stop_all(self, procs):
        self.stdout.write("\nStopping web server, worker and scheduler…")
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.time() + 15
        for name, proc in procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop in time; killing it.")
                proc.kill()
        self.stdout.write("Stopped.")

    def _banner(self, addr: str):
        lines = [
            "",
            "=" * 72,
            f"Kanal is running at http://{addr}/",
            f"Staff login: http://{addr}/staff/login/   Admin: http://{addr}/admin/",
        ]
        if settings.DEBUG:
            lines += [
                f"Demo accounts (password {DEMO_PASSWORD}):",
                "  " + ", ".join(f"{d.username} ({d.role})" for d in DEMO_ACCOUNTS),
                f"Second factor: add the TOTP key {DEMO_TOTP_SECRET} to an authenticator app,",
                "  or print the current code with: make otp",
            ]
        lines += ["Press Ctrl-C to stop.", "=" * 72, ""]
        self.stdout.write("\n".join(lines))
