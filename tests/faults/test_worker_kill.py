"""SIGKILL the worker in the middle of tasks: every task still completes once in effect.

WhatsApp deliveries are posted (signed) to the running gunicorn; each must become one
case and one reply through the provider (a local server that implements the Graph
API's send contract and answers after 60 ms, so kills land inside tasks). The worker
is killed with SIGKILL several times while it works. django_tasks_db leaves the task
it was running RUNNING for ever; ``kanal.core.recovery.recover_tasks`` (the periodic
job, run here every few seconds with a 3-second lease) puts it back, and the tasks'
own idempotency makes the second run harmless.
"""

from __future__ import annotations

import random
import time
from http.server import ThreadingHTTPServer

import pytest

from bench.harness import Client
from bench.webhooks import delivery, signature
from kanal.channels.tests.fakes.server import WHATSAPP_TOKEN, FakeProviders, make_handler

from .conftest import Totals, query, scalar

pytestmark = pytest.mark.faults

DELIVERIES = 80
KILLS = 6
RECOVER = (
    "from kanal.core.recovery import recover_tasks; r = recover_tasks(); "
    "print(r.requeued, r.retried, r.given_up)"
)


class SlowProviders:
    """The fake Graph API, answering each POST after ``delay`` seconds."""

    def __init__(self, delay: float = 0.06):
        self.state = FakeProviders()
        base = make_handler(self.state)

        class Slow(base):
            def do_POST(self):
                time.sleep(delay)
                super().do_POST()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
        self.state.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeProviders:
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.state

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def claimed_by(stack, worker_prefix: str) -> int:
    return scalar(
        stack,
        "select count(*) from django_tasks_database_dbtaskresult where worker_ids::text like %s",
        (f"%{worker_prefix}%",),
    )


def outstanding(stack) -> int:
    return scalar(
        stack,
        "select (select count(*) from channels_inboundevent where status <> 'processed')"
        " + (select count(*) from django_tasks_database_dbtaskresult"
        "    where status in ('READY', 'RUNNING'))",
    )


def test_killing_the_worker_mid_task_loses_and_duplicates_nothing(stack):
    totals = Totals("worker SIGKILL x6")
    with SlowProviders() as fake:
        stack.env |= {
            "KANAL_GRAPH_URL": f"{fake.url}/graph",
            "KANAL_WHATSAPP_TOKEN": WHATSAPP_TOKEN,
            "KANAL_TASK_LEASE_SECONDS": "3",
            # A send killed mid-call is sent again after this wait unless a status
            # callback reconciled it; this fake Graph sends no callbacks (the real one
            # does), so the wait is shortened to fit the test's time.
            "KANAL_OUTBOX_RECONCILE_SECONDS": "5",
        }
        stack.start_web()
        client = Client(stack.port)
        for n in range(DELIVERIES):
            body = delivery(n)
            status, _h, _b = client.request(
                "POST",
                "/webhooks/whatsapp/",
                body,
                {"Content-Type": "application/json", "X-Hub-Signature-256": signature(body)},
            )
            totals.submitted += 1
            totals.acknowledged += status == 200
        client.close()

        rng = random.Random(8)
        recovered = 0
        for k in range(KILLS):
            stack.start_worker(f"doomed{k}")
            # Kill only once this worker has claimed a task, at a random point inside it.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not claimed_by(stack, f"doomed{k}-"):
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 0.08))
            stack.kill(f"doomed{k}")
        stuck_after_kills = scalar(
            stack,
            "select count(*) from django_tasks_database_dbtaskresult where status = 'RUNNING'",
        )
        stack.start_worker("survivor")
        deadline = time.monotonic() + 240
        while outstanding(stack) and time.monotonic() < deadline:
            time.sleep(3.2)  # longer than the lease
            requeued, retried, _given_up = map(
                int, stack.manage("shell", "-c", RECOVER).split()[-3:]
            )
            recovered += requeued + retried

        sends = [r.json()["to"] for r in fake.sent("/messages")]

    events = scalar(stack, "select count(*) from channels_inboundevent")
    totals.stored = scalar(stack, "select count(*) from complaints_complaint")
    per_sender = query(
        stack,
        "select r.phone, count(*) from complaints_complaint c join complaints_reporter r "
        "on r.id = c.reporter_id group by r.phone having count(*) > 1",
    )
    duplicate_replies = len(sends) - len(set(sends))
    totals.duplicates = len(per_sender) + duplicate_replies
    totals.lost = totals.acknowledged - totals.stored + len(per_sender)
    totals.notes = {
        "events": events,
        "tasks stuck RUNNING after the kills": stuck_after_kills,
        "requeued by recovery": recovered,
        "replies sent": len(sends),
        "duplicate replies": duplicate_replies,
        "still outstanding": outstanding(stack),
    }
    totals.report()

    assert totals.acknowledged == DELIVERIES
    assert stuck_after_kills > 0, "no kill landed inside a task: the test proved nothing"
    assert recovered >= stuck_after_kills
    assert outstanding(stack) == 0, stack.log_tail("survivor")
    assert events == DELIVERIES and totals.stored == DELIVERIES
    assert per_sender == []
    assert len(set(sends)) == DELIVERIES, "a case got no reply"
    assert duplicate_replies == 0
