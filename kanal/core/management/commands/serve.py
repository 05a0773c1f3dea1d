"""Production: gunicorn, the task workers and the scheduler as one command.

`manage.py serve` (or `make serve`) is what
`deploy/kanal.service` runs. Before starting it refuses development settings
(``KANAL_DEBUG=1``), runs Django's deployment checks, compiles the catalogues if they
changed, collects the static files, and refuses unapplied migrations unless
``--migrate`` is given. Sizes default from the machine's cores (see
:func:`default_sizes`) or from ``KANAL_WEB_WORKERS``, ``KANAL_WEB_THREADS`` and
``KANAL_TASK_WORKERS``. A worker-only node runs ``serve --no-web --no-scheduler
--queues intake`` (``deploy/kanal-worker@.service``).
"""

from __future__ import annotations

import os
import socket
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kanal.core.processes import StartFailed, Supervisor, parse_addr


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_sizes(cores: int) -> tuple[int, int, int]:
    """(web processes, threads per process, task workers) for a machine with ``cores``.

    gthread workers: cores + 1 processes of 4 threads each keep every core busy while
    some threads wait on PostgreSQL; one task worker per core (tasks are mostly database
    work and provider calls).
    """
    return max(2, cores + 1), 4, max(1, cores)


class Command(BaseCommand):
    help = (
        "Run Kanal in production: gunicorn, task workers and the scheduler "
        "(KANAL_DEBUG=0). Ctrl-C or SIGTERM stops all; SIGHUP reloads gunicorn."
    )

    def add_arguments(self, parser):
        web, threads, workers = default_sizes(cpu_count())
        parser.add_argument("--bind", default=settings.KANAL_BIND, help="host:port")
        parser.add_argument(
            "--web-workers", type=int, default=settings.KANAL_WEB_WORKERS or web, metavar="N"
        )
        parser.add_argument(
            "--threads", type=int, default=settings.KANAL_WEB_THREADS or threads, metavar="N"
        )
        parser.add_argument(
            "--task-workers", type=int, default=settings.KANAL_TASK_WORKERS or workers, metavar="N"
        )
        parser.add_argument(
            "--queues",
            default=settings.KANAL_WORKER_QUEUES,
            help="queues the task workers take, comma-separated, or * for all (%(default)s)",
        )
        parser.add_argument("--no-web", dest="web", action="store_false")
        parser.add_argument("--no-scheduler", dest="scheduler", action="store_false")
        parser.add_argument(
            "--migrate", action="store_true", help="apply unapplied migrations before starting"
        )

    def handle(self, *args, **opts):
        if settings.DEBUG:
            raise CommandError(
                "serve runs Kanal in production and refuses development settings: set "
                "KANAL_DEBUG=0 with KANAL_SECRET_KEY, KANAL_ALLOWED_HOSTS, DATABASE_URL and "
                "REDIS_URL (docs/deploy.md). For development use make run."
            )
        try:
            host, port = parse_addr(opts["bind"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        unknown = set(opts["queues"].split(",")) - {"*", *settings.TASKS["default"]["QUEUES"]}
        if unknown:
            raise CommandError(f"Unknown queue(s) {', '.join(sorted(unknown))}")
        self.prepare(migrate=opts["migrate"], web=opts["web"])
        supervisor = Supervisor(
            commands=self.commands(host, port, opts),
            cwd=str(settings.BASE_DIR),
            host=host,
            port=port,
            grace=30,
        )
        try:
            supervisor.start(check_port=opts["web"])
            if opts["web"]:
                supervisor.wait_until_ready()
        except StartFailed as exc:
            raise CommandError(str(exc)) from exc
        running = ", ".join(supervisor.procs)
        if opts["web"]:
            self.stdout.write(f"Kanal is serving at http://{host}:{port}/ ({running})")
        else:
            self.stdout.write(f"Kanal's workers are running ({running})")
        self.stdout.flush()
        code = supervisor.watch()
        self.stdout.write("Kanal stopped.")
        if code:
            raise CommandError("A process exited; every process was stopped.")

    def prepare(self, *, migrate: bool, web: bool) -> None:
        call_command("check", deploy=True, fail_level="ERROR")
        call_command("compile_translations", verbosity=0)
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan and migrate:
            call_command("migrate", interactive=False, verbosity=1)
        elif plan:
            raise CommandError(
                f"{len(plan)} migration(s) not applied: run manage.py migrate (see "
                "docs/deploy.md, Upgrades) or start with serve --migrate."
            )
        if web:
            call_command("collectstatic", interactive=False, verbosity=0)
        connection.close()  # the children open their own

    def commands(self, host: str, port: int, opts) -> dict[str, list[str]]:
        python, manage = sys.executable, str(settings.BASE_DIR / "manage.py")
        commands = {}
        if opts["web"]:
            commands["web"] = [
                python, "-m", "gunicorn", "kanal.wsgi:application",
                "--bind", f"{host}:{port}",
                "--workers", str(opts["web_workers"]),
                "--worker-class", "gthread", "--threads", str(opts["threads"]),
                "--timeout", "60", "--graceful-timeout", "20",
                "--max-requests", "5000", "--max-requests-jitter", "500",
                "--access-logfile", "-",
            ]  # fmt: skip
        node = socket.gethostname()[:40]
        for n in range(1, opts["task_workers"] + 1):
            commands[f"worker-{n}"] = [
                python, manage, "task_worker", "--no-reload", "--interval", "1",
                "--queue-name", opts["queues"], "--worker-id", f"{node}-{os.getpid()}-{n}",
            ]  # fmt: skip
        if opts["scheduler"]:
            commands["scheduler"] = [python, manage, "run_scheduler"]
        return commands
