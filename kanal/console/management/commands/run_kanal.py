"""Run the web server, the task worker and the scheduler together; Ctrl-C stops all."""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kanal.accounts.actions import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET
from kanal.core.processes import StartFailed, Supervisor, parse_addr


class Command(BaseCommand):
    help = (
        "Start the development web server, one background worker and the scheduler "
        "(make run). Prints the address once the port answers; one process exiting stops all."
    )

    def add_arguments(self, parser):
        default = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
        parser.add_argument("--addr", default=default, help="host:port (default: %(default)s)")

    def handle(self, *args, addr: str, **options):
        try:
            host, port = parse_addr(addr)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        # Absolute paths and the project folder as working directory: the command works
        # from any folder instead of its children failing to find manage.py.
        python, manage, base = (
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            settings.BASE_DIR,
        )
        supervisor = Supervisor(
            commands={
                "web": [python, manage, "runserver", f"{host}:{port}", "--noreload"],
                "worker": [python, manage, "task_worker", "--interval", "1", "--queue-name", "*"],
                "scheduler": [python, manage, "run_scheduler"],
            },
            cwd=str(base),
            host=host,
            port=port,
            grace=15,
        )
        self.stdout.write(f"Starting the web server on {host}:{port}, a worker and the scheduler…")
        try:
            supervisor.start()
            supervisor.wait_until_ready()
        except StartFailed as exc:
            raise CommandError(str(exc)) from exc
        self._banner(f"{'127.0.0.1' if host == '0.0.0.0' else host}:{port}")  # noqa: S104
        code = supervisor.watch()
        self.stdout.write("Stopped web server, worker and scheduler.")
        if code:
            raise CommandError("A process exited; Kanal stopped.")

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
