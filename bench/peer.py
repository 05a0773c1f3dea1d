"""Kanal beside its peer, django-helpdesk 2.6, driven by the same citizen client in one run.

    .venv/bin/python bench/peer.py [--seconds 10] [--clients 1,8,32] [--rounds 2]
        [--deliveries 4000]

The peer is installed from PyPI into its own environment, ``bench/.peer/venv``
(gitignored; created on the first run with ``uv``/``pip``: ``django-helpdesk==2.6.1``,
gunicorn, psycopg), and served as its documentation suggests: gunicorn sync x 3,
PostgreSQL, DEBUG off, its public ticket form (``bench/helpdesk_site``). Kanal is served
as a city runs it (``--stack serve``, the default): ``manage.py serve`` as
deploy/kanal.service starts it (gunicorn ``--preload`` gthread 3 x 4, one task worker,
the scheduler; PostgreSQL, Redis, ``KANAL_DEBUG=0``); ``--stack gunicorn`` starts the
three processes one by one as the other benchmarks do (gunicorn without ``--preload``,
``task_worker --interval 0.1``). Either way with ``KANAL_REPORT_MIN_SECONDS=0`` through
the environment (a closed-loop client sends at once; see ``bench/intake.py``).

Both get the same closed-loop client: each submission is a new citizen's browser (fresh
cookies; GET the form; POST it with the CSRF token, and for Kanal its time stamp and
device cookie); success is the 302 after the store. The latency is GET + POST. For
each level the two are measured alternately (Kanal, peer, peer, Kanal, ...), so the
load other work puts on this shared machine falls on both alike. CPU per submission
is read from ``/proc`` before and after each measurement, by process, PostgreSQL
counted only for the backends of each side's own database.

Also in the same run: the ORM loop baseline of ``bench/intake.py``, each stack's memory
(RSS and PSS per process, idle after warm-up and the peak under load), and a burst of
signed WhatsApp deliveries to Kanal's webhook (acknowledgements per second and p99).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import intake, webhooks
from bench.harness import (
    LoadResult,
    Stack,
    percentile,
    run_load,
    table,
)
from bench.peer_helpdesk import Helpdesk, helpdesk_submission
from bench.procstats import cpu_by_group, memory_by_process, memory_table, serve_parts

# The targets, for Kanal against the peer in this run.
TARGET_RATIO, TARGET_P99_MS, TARGET_CPU_MS, TARGET_IDLE_MB = 3.0, 250.0, 7.0, 400.0


class Side:
    """One product's measurements at one level, summed over its rounds."""

    def __init__(self, name: str, parts: list[str]):
        self.name, self.parts = name, parts
        self.ok = self.failed = 0
        self.seconds = 0.0
        self.latencies: list[float] = []
        self.cpu = dict.fromkeys(parts, 0.0)
        self.statuses: dict = {}

    def add(self, result: LoadResult, before: dict, after: dict) -> None:
        self.ok += result.ok
        self.failed += result.failed
        self.seconds += result.seconds
        self.latencies += result.latencies
        for key, value in result.statuses.items():
            self.statuses[key] = self.statuses.get(key, 0) + value
        for part in self.parts:
            self.cpu[part] += after[part] - before[part]

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    def cpu_ms(self, part: str) -> float:
        return 1000 * self.cpu[part] / max(self.ok, 1)

    @property
    def server_cpu_ms(self) -> float:
        return sum(self.cpu_ms(p) for p in self.parts if p != "load generator")


class PeakMemory:
    """Samples a stack's total PSS every second while a block runs; keeps the peak."""

    def __init__(self, roots: dict[str, int]):
        self.roots, self.peak, self.rows = roots, 0.0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            rows = memory_by_process(self.roots)
            total = sum(r[4] for r in rows)
            if total > self.peak:
                self.peak, self.rows = total, rows

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def webhook_burst(stack: Stack, deliveries: int, clients: int = 8) -> dict:
    """Signed WhatsApp deliveries to Kanal, acknowledged with no worker running (as in
    bench/webhooks.py): acks per second, latency, and events stored for acks."""
    from kanal.channels.models import InboundEvent

    before = InboundEvent.objects.count()
    bodies = [webhooks.delivery(20_000_000 + n) for n in range(deliveries)]

    def one(client, no, seq):
        body = bodies[seq]
        status, _h, _b = client.request(
            "POST",
            "/webhooks/whatsapp/",
            body,
            {"Content-Type": "application/json", "X-Hub-Signature-256": webhooks.signature(body)},
        )
        return status == 200

    r = run_load(stack.port, clients, one, deliveries, 120)
    stored = InboundEvent.objects.count() - before
    return {"rate": r.rate, "p50": r.pct_ms(50), "p99": r.pct_ms(99), "ok": r.ok, "stored": stored}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--rounds", type=int, default=2, help="measurements per side and level")
    parser.add_argument("--deliveries", type=int, default=4000, help="webhook burst (0: none)")
    parser.add_argument(
        "--stack",
        choices=["serve", "gunicorn"],
        default="serve",
        help="Kanal as manage.py serve runs it (default), or its processes started one by one",
    )
    args = parser.parse_args(argv)
    levels = [int(c) for c in args.clients.split(",")]
    load_avg = os.getloadavg()
    with Stack(name="peer", extra_env=intake.BENCH_ENV) as kanal, Helpdesk() as peer:
        ctx = intake.prepare(kanal)
        base = intake.baselines(300, ctx)
        if args.stack == "serve":
            kanal.start_serve()
            k_roots = serve_parts(kanal.procs["serve"].pid)
            if set(k_roots) != {"web", "worker", "scheduler"}:
                raise RuntimeError(f"serve's processes not found: {k_roots}")
            k_memory = {"serve": kanal.procs["serve"].pid}  # the supervisor included
        else:
            kanal.start_web()
            kanal.start_worker()
            kanal.start_scheduler()
            k_roots = {name: proc.pid for name, proc in kanal.procs.items()}
            k_memory = k_roots
        p_roots = {"web": peer.proc.pid}
        k_db, p_db = {"postgres": kanal.db_name}, {"postgres": peer.db_name}

        def run_kanal(clients):
            return run_load(
                kanal.port,
                clients,
                lambda c, _no, seq: intake.citizen_submission(
                    c, seq, ctx["kelurahan"], kanal.url + "/lapor/"
                ),
                1_000_000,
                args.seconds,
            )

        def run_peer(clients):
            referer = f"http://127.0.0.1:{peer.port}/helpdesk/tickets/submit/"
            return run_load(
                peer.port,
                clients,
                lambda c, _no, seq: helpdesk_submission(c, 10_000_000 + seq, referer),
                1_000_000,
                args.seconds,
            )

        from kanal.complaints.models import Complaint

        k_before, p_before = Complaint.objects.count(), peer.tickets()
        # Warm-up, not counted: imports, templates, connections in every worker.
        k_acked = run_kanal(6).ok
        p_acked = run_peer(6).ok
        time.sleep(2)
        idle = {"kanal": memory_by_process(k_memory), "peer": memory_by_process(p_roots)}
        sides = []
        peaks = {}
        for clients in levels:
            k_side = Side("kanal", ["web", "worker", "scheduler", "postgres", "load generator"])
            p_side = Side("helpdesk", ["web", "postgres", "load generator"])
            with PeakMemory(k_memory) as k_peak, PeakMemory(p_roots) as p_peak:
                for rnd in range(args.rounds):
                    order = [("k", k_side), ("p", p_side)]
                    for which, side in order if rnd % 2 == 0 else order[::-1]:
                        roots, dbs, go = (
                            (k_roots, k_db, run_kanal)
                            if which == "k"
                            else (p_roots, p_db, run_peer)
                        )
                        before = cpu_by_group(roots, databases=dbs)
                        r = go(clients)
                        side.add(r, before, cpu_by_group(roots, databases=dbs))
                        if which == "k":
                            k_acked += r.ok
                        else:
                            p_acked += r.ok
            peaks[clients] = (k_peak, p_peak)
            sides.append((clients, k_side, p_side))
            print(
                f"c={clients:<3} kanal {k_side.rate:6.1f}/s p99 {k_side.p(99):6.0f} ms "
                f"cpu {k_side.server_cpu_ms:5.1f} ms | helpdesk {p_side.rate:6.1f}/s "
                f"p99 {p_side.p(99):6.0f} ms cpu {p_side.server_cpu_ms:5.1f} ms "
                f"| failed {k_side.failed}/{p_side.failed} {k_side.statuses or ''}"
                f"{p_side.statuses or ''}",
                flush=True,
            )
        k_stored = Complaint.objects.count() - k_before
        p_stored = peer.tickets() - p_before
        hook = None
        if args.deliveries:
            kanal.stop("worker")  # acknowledged with no worker running, as bench/webhooks.py
            hook = webhook_burst(kanal, args.deliveries)
    return report(
        args, base, sides, idle, peaks, (k_acked, k_stored, p_acked, p_stored), hook, load_avg
    )


def report(args, base, sides, idle, peaks, counts, hook, load_avg) -> dict:
    k_acked, k_stored, p_acked, p_stored = counts
    rows, cpu_rows = [], []
    for clients, k, p in sides:
        rows.append(
            [
                clients,
                f"{p.rate:.1f}",
                f"{k.rate:.1f}",
                f"{k.rate / p.rate:.2f}" if p.rate else "-",
                f"{p.p(50):.0f} / {p.p(99):.0f}",
                f"{k.p(50):.0f} / {k.p(99):.0f}",
                f"{k.rate / base['orm']:.2f}",
                f"{k.failed} / {p.failed}",
            ]
        )
        cpu_rows.append(
            [
                clients,
                f"{p.server_cpu_ms:.1f} ({p.cpu_ms('web'):.1f} + {p.cpu_ms('postgres'):.1f})",
                f"{k.server_cpu_ms:.1f} ("
                + " + ".join(
                    f"{k.cpu_ms(x):.1f}" for x in ("web", "worker", "scheduler", "postgres")
                )
                + ")",
                f"{k.server_cpu_ms / p.server_cpu_ms:.2f}" if p.server_cpu_ms else "-",
                f"{p.cpu_ms('load generator'):.1f} / {k.cpu_ms('load generator'):.1f}",
            ]
        )
    print()
    print(f"load average at the start: {' / '.join(f'{x:.1f}' for x in load_avg)}")
    print(
        f"baseline, same run: ORM insert {base['orm']:.0f} cases/s; "
        f"submit_complaint in-process {base['action']:.0f} cases/s"
    )
    print(
        table(
            rows,
            [
                "clients",
                "helpdesk ok/s",
                "Kanal ok/s",
                "Kanal / helpdesk",
                "helpdesk p50 / p99 ms",
                "Kanal p50 / p99 ms",
                "Kanal x ORM",
                "failed K / h",
            ],
        )
    )
    print()
    print("server CPU ms per submission (GET + POST and all follow-up work):")
    print(
        table(
            cpu_rows,
            [
                "clients",
                "helpdesk (web + PG)",
                "Kanal (web + worker + scheduler + PG)",
                "Kanal / helpdesk",
                "client h / K",
            ],
        )
    )
    print(f"acknowledged / stored: Kanal {k_acked} / {k_stored}, helpdesk {p_acked} / {p_stored}")
    memory = {}
    for name in ("kanal", "peer"):
        text, rss, pss = memory_table(idle[name])
        memory[name] = {"idle_rss": rss, "idle_pss": pss}
        print(f"\n{name}: memory at idle (after warm-up)\n{text}")
    for clients, (k_peak, p_peak) in peaks.items():
        memory.setdefault("peak", {})[clients] = (k_peak.peak, p_peak.peak)
    mid = max(peaks) if peaks else None
    if mid is not None:
        k_peak, p_peak = peaks[mid]
        text, rss, pss = memory_table(k_peak.rows)
        print(f"\nkanal: memory at the peak under load ({mid} clients)\n{text}")
        print(
            "peak PSS under load, Kanal / helpdesk: "
            + ", ".join(f"{c} clients {k:.0f} / {p:.0f} MB" for c, (k, p) in memory["peak"].items())
        )
    if hook:
        print(
            f"\nwebhook burst (8 clients, no worker): {hook['rate']:.0f} acks/s, p50 "
            f"{hook['p50']:.1f} ms, p99 {hook['p99']:.1f} ms; acknowledged {hook['ok']}, "
            f"stored {hook['stored']}"
        )
    verdicts, met = [], bool(sides)
    for clients, k, p in sides:
        if clients in (8, 32):
            verdicts.append(f"{clients} clients x{k.rate / max(p.rate, 1e-9):.2f}")
            met = met and k.rate >= TARGET_RATIO * p.rate and k.server_cpu_ms <= TARGET_CPU_MS
        if clients == 8:
            met = met and k.p(99) < TARGET_P99_MS
    print("Kanal / helpdesk ok/s: " + ", ".join(verdicts) + f" (target >= {TARGET_RATIO})")
    return {
        "name": "peer",
        "rows": rows,
        "cpu": cpu_rows,
        "memory": memory,
        "webhooks": hook,
        "counts": counts,
        "met": met and k_acked == k_stored and p_acked == p_stored,
        "summary": "Kanal / helpdesk ok/s: " + "; ".join(verdicts),
    }


if __name__ == "__main__":
    main()
