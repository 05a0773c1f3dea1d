"""Kill the web server, restart PostgreSQL, under submission load: nothing acknowledged is lost.

Clients create cases through the REST API with an Idempotency-Key per case and retry
the same key after any error or refused connection (what a well-behaved client does),
until they get 201 or their time runs out. Meanwhile the web server is SIGKILLed and
restarted, or PostgreSQL is restarted. Afterwards every key that got a 201 must be in
the database exactly once, and no key may appear twice.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
import time

import pytest

from bench.harness import Client, wait_for_pg

from .conftest import Totals, query, scalar

pytestmark = pytest.mark.faults

CLIENTS = 6
PER_CLIENT = 40


def issue_token(stack) -> str:
    code = (
        "from kanal.accounts import actions as a; from kanal.api import actions as api; "
        "from kanal.directory.models import Unit; "
        "u = a.create_staff(actor=None, username='faults', password='faults-' + 'p' * 20); "
        "a.add_membership(actor=None, user=u, unit=Unit.objects.get(code='diskominfo'), "
        "role='operator'); print(api.issue_api_token(actor=None, user=u, name='faults')[1])"
    )
    return stack.manage("shell", "-c", code).split()[-1]


class Load:
    """CLIENTS threads, each sending PER_CLIENT cases with retries on the same key."""

    def __init__(self, stack, token: str, run_id: str, seconds: float = 150):
        self.stack, self.token, self.run_id = stack, token, run_id
        self.deadline = time.monotonic() + seconds
        self.acked: set[str] = set()
        self.sent: set[str] = set()
        self.errors: dict[str, int] = {}
        self.retries = 0
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self.client, args=(no,), daemon=True) for no in range(CLIENTS)
        ]

    def client(self, no: int) -> None:
        client = Client(self.stack.port)
        for seq in range(PER_CLIENT):
            key = f"{self.run_id}-{no}-{seq}"
            body = json.dumps(
                {"title": f"fault {key}", "description": "Jalan berlubang.", "channel": "phone"}
            ).encode()
            with self.lock:
                self.sent.add(key)
            while time.monotonic() < self.deadline:
                try:
                    status, _h, _b = client.request(
                        "POST",
                        "/api/v1/cases",
                        body,
                        {
                            "Authorization": f"Bearer {self.token}",
                            "Content-Type": "application/json",
                            "Idempotency-Key": key,
                        },
                    )
                except OSError as exc:
                    status = type(exc).__name__
                    client.close()
                if status == 201:
                    with self.lock:
                        self.acked.add(key)
                    break
                with self.lock:
                    self.errors[str(status)] = self.errors.get(str(status), 0) + 1
                    self.retries += 1
                time.sleep(0.2)
            time.sleep(0.05)  # a paced client, so the load spans the faults
        client.close()

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        for t in self.threads:
            t.join(max(1.0, self.deadline - time.monotonic() + 35))

    def totals(self, scenario: str) -> Totals:
        rows = query(
            self.stack,
            "select title, count(*) from complaints_complaint where title like %s group by title",
            (f"fault {self.run_id}-%",),
        )
        stored = {title.removeprefix("fault "): n for title, n in rows}
        return Totals(
            scenario,
            submitted=len(self.sent),
            acknowledged=len(self.acked),
            stored=len(stored),
            duplicates=sum(n - 1 for n in stored.values()),
            lost=len(self.acked - set(stored)),
            notes={"retries": self.retries, "errors": self.errors},
        )


def test_killing_and_restarting_the_web_server_loses_and_duplicates_nothing(stack):
    stack.start_web()
    stack.start_worker()
    token = issue_token(stack)
    with Load(stack, token, "web") as load:
        for _restart in range(3):
            time.sleep(4)
            stack.kill("web")  # master and workers at once, mid-request
            time.sleep(1)
            stack.start_web()
    totals = load.totals("web server SIGKILL x3")
    totals.report()
    assert totals.submitted == CLIENTS * PER_CLIENT
    assert totals.acknowledged == totals.submitted, "clients ran out of time"
    assert totals.lost == 0 and totals.duplicates == 0
    assert totals.stored == totals.submitted


def restart_postgres() -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )


def ensure_postgres_running() -> None:
    with contextlib.suppress(Exception):
        wait_for_pg(5)
        return
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"],
        check=False,
        capture_output=True,
        timeout=120,
    )
    wait_for_pg(60)


class Supervisor(threading.Thread):
    """Restart the worker whenever it exits, as systemd's Restart=always does."""

    def __init__(self, stack):
        super().__init__(daemon=True)
        self.stack, self.stopping, self.restarts = stack, threading.Event(), 0

    def run(self):
        self.stack.start_worker()
        while not self.stopping.wait(1):
            proc = self.stack.procs.get("worker")
            if proc is not None and proc.poll() is not None:
                self.stack.procs.pop("worker").log.close()
                self.restarts += 1
                with contextlib.suppress(Exception):
                    self.stack.start_worker()


def test_restarting_postgresql_under_load_recovers_by_itself(stack):
    # A worker that dies with the database leaves its task RUNNING: a short lease lets
    # the recovery job (run below, as the scheduler would) put it back within the test.
    stack.env["KANAL_TASK_LEASE_SECONDS"] = "5"
    stack.start_web()
    token = issue_token(stack)
    supervisor = Supervisor(stack)
    supervisor.start()
    try:
        with Load(stack, token, "pg") as load:
            for _restart in range(2):
                time.sleep(5)
                restart_postgres()
                wait_for_pg(60)
    finally:
        ensure_postgres_running()
    # The application recovers by itself: a plain request succeeds with no restart.
    stack.wait_http("/api/v1/units", timeout=30)
    totals = load.totals("PostgreSQL restart x2")
    deadline = time.monotonic() + 60
    pending = None
    while time.monotonic() < deadline:
        stack.manage("shell", "-c", "from kanal.core.recovery import recover_tasks as r; r()")
        pending = scalar(
            stack,
            "select count(*) from django_tasks_database_dbtaskresult"
            " where status in ('READY', 'RUNNING')",
        )
        if pending == 0:
            break
        time.sleep(2)
    failed = scalar(
        stack, "select count(*) from django_tasks_database_dbtaskresult where status = 'FAILED'"
    )
    supervisor.stopping.set()
    supervisor.join(5)
    totals.notes |= {
        "worker restarts": supervisor.restarts,
        "tasks pending": pending,
        "tasks failed": failed,
    }
    totals.report()
    assert totals.acknowledged == totals.submitted, "clients ran out of time"
    assert totals.lost == 0 and totals.duplicates == 0
    assert pending == 0
