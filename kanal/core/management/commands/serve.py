"""Production: gunicorn, the task workers and the scheduler as one command.

`manage.py serve` (or `make serve`) is what
`deploy/kanal.service` runs. Before starting it refuses development settings
(``KANAL_DEBUG=1``), runs Django's deployment checks, compiles the catalogues if they
changed, collects the static files, and refuses unapplied migrations unless
``--migrate`` is given. Sizes default from the machine's cores (see
:func:`default_sizes`) or from ``KANAL_WEB_WORKERS``, ``KANAL_WEB_THREADS`` and
``KANAL_TASK_WORKERS``. A worker-only node runs ``serve --no-web --no-scheduler
--queues intake`` (``deploy/kanal-worker@.service``).

Memory (issue 24): once checked, serve opens the web socket and replaces itself with
the supervisor of :mod:`kanal.core.supervise` (same pid, no Django: ~12 MB instead of
~110); gunicorn imports Kanal once before forking its workers (``--preload``,
:mod:`kanal.core.gunicorn_hooks`), and a reload starts a new gunicorn on the same
socket (:mod:`kanal.core.processes`); every process gets ``MALLOC_ARENA_MAX=2``
unless the environment sets it (:func:`child_environment`).
"""

from __future__ import annotations

import json
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


def child_environment(environ) -> dict[str, str]:
    """The processes' environment: serve's own, with glibc's malloc held to two arenas
    unless the operator chose otherwise. A threaded process otherwise gets up to eight
    arenas a core, each keeping freed memory of its own (tens of MB a gthread worker);
    two keep the threads from contending on one lock."""
    return {"MALLOC_ARENA_MAX": "2", **environ}


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
        supervisor = Supervisor(commands={}, cwd=str(settings.BASE_DIR), host=host, port=port)
        try:
            fd = supervisor.listen() if opts["web"] else None
        except StartFailed as exc:
            raise CommandError(str(exc)) from exc
        spec = {
            "commands": self.commands(fd, opts),
            "cwd": str(settings.BASE_DIR),
            "host": host,
            "port": port,
            "fd": fd,
            "web_workers": opts["web_workers"],
            "grace": 30,
        }
        if fd is not None:
            os.set_inheritable(fd, True)
        self.stdout.flush()
        # Django is done: the supervisor carries on without it (kanal.core.supervise),
        # from the project folder so that `python -m` finds Kanal wherever serve ran.
        os.chdir(settings.BASE_DIR)
        python = sys.executable
        os.execve(  # noqa: S606 - our own interpreter and module, no user input
            python,
            [python, "-m", "kanal.core.supervise", json.dumps(spec)],
            child_environment(os.environ),
        )

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

    def commands(self, fd: int | None, opts) -> dict[str, list[str]]:
        """The processes' command lines; gunicorn serves the supervisor's socket ``fd``.

        ``--preload`` with the hooks of kanal.core.gunicorn_hooks: the application is
        imported once in gunicorn's master and its workers share that memory; SIGHUP
        (systemctl reload) makes the supervisor start a new gunicorn on the same socket,
        so a reload still loads the code as it is now (kanal.core.processes)."""
        python, manage = sys.executable, str(settings.BASE_DIR / "manage.py")
        commands = {}
        if fd is not None:
            commands["web"] = [
                python, "-m", "gunicorn", "kanal.wsgi:application",
                "--bind", f"fd://{fd}",
                "--preload", "--config", "python:kanal.core.gunicorn_hooks",
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
