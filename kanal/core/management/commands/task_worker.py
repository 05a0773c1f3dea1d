"""``manage.py task_worker``: run background tasks, claimed in batches (kanal.core.worker)."""

from __future__ import annotations

import os
import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import autoreload

from kanal.core.processes import StopSignal
from kanal.core.worker import TaskWorker, WorkerOptions


class Command(BaseCommand):
    # The system checks ran where the stack starts (serve runs check --deploy, make run
    # runs runserver's): run again here they would load every template library and
    # admin check, ~9 MB a process for nothing.
    requires_system_checks: list[str] = []
    help = (
        "Run background tasks from the database queue, claiming several at a time. "
        "SIGTERM finishes the running task and returns the unstarted ones to the queue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue-name",
            default="*",
            help="queues to take, comma-separated, or * for all (%(default)s)",
        )
        parser.add_argument("--claim", type=int, default=10, help="tasks claimed at once")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks at an empty queue"
        )
        parser.add_argument("--batch", action="store_true", help="run every ready task, then exit")
        parser.add_argument("--worker-id", default="", help="unique id (default: host-pid)")
        parser.add_argument(
            "--reload",
            action="store_true",
            default=None,
            help="restart on code changes (default: on when KANAL_DEBUG=1)",
        )
        parser.add_argument("--no-reload", dest="reload", action="store_false")

    def handle(self, *args, queue_name, claim, interval, batch, worker_id, reload, **options):
        if claim < 1 or interval < 0:
            raise CommandError("--claim must be at least 1 and --interval not negative")
        queues = [q for q in queue_name.split(",") if q]
        unknown = set(queues) - {"*", *settings.TASKS["default"].get("QUEUES", queues)}
        if unknown:
            raise CommandError(f"Unknown queue(s) {', '.join(sorted(unknown))}")
        opts = WorkerOptions(
            queues=queues,
            worker_id=(worker_id or f"{socket.gethostname()[:40]}-{os.getpid()}")[:64],
            claim=claim,
            interval=interval,
            drain=batch,
        )
        verbose = options["verbosity"] > 0

        def work():
            worker = TaskWorker(opts, StopSignal().install(second_exits=True))
            ran = worker.run()
            if verbose:
                self.stdout.write(f"Task worker {opts.worker_id} stopped after {ran} task(s).")

        use_reloader = (settings.DEBUG if reload is None else reload) and not batch
        if use_reloader:
            autoreload.run_with_reloader(work)
        else:
            work()
