"""CPU, statements and Redis commands per webhook acknowledgement, in-process.

    .venv/bin/python bench/webhook_cpu.py [--deliveries 3000] [--rounds 3] [--profile 25]
        [--code /path/to/other/checkout]

Calls ``kanal.wsgi.application`` directly, as gunicorn would (environ, start_response,
the response closed so ``request_finished`` fires), with signed WhatsApp deliveries
(``bench/webhooks.py``'s, 10 % re-posts of earlier ones) against ``bench/kanal_settings.py``
on a throw-away PostgreSQL database (``webhooks_cpu_*``) and Redis. No HTTP server, no
client threads: what is left is the CPU of the application's own path, per
acknowledgement (this process's CPU time; PostgreSQL's backend CPU is read from /proc).

Counted per acknowledgement: statements sent to PostgreSQL (every ``execute`` of a
psycopg cursor or connection, Django's health check included) and commands sent to
Redis (every ``execute_command`` of a redis-py client). Every delivery must be answered
200 and every unique one stored once, or the run fails.

``--code DIR`` runs the same measurement against another checkout's ``kanal`` (e.g. a
worktree of the commit before a change), so before and after can be interleaved in one
sitting. ``--profile N`` prints cProfile's N most expensive functions (cumulative) of
one extra round.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/profile.py would shadow the standard library's (cProfile imports it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
import cProfile  # noqa: E402
import pstats  # noqa: E402


def _setup(code: Path, db_name: str) -> None:
    sys.path.insert(0, str(code))
    sys.path.insert(1, str(ROOT))  # bench/ itself (kanal_settings, webhooks)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.kanal_settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}",
            "REDIS_URL": os.environ.get("KANAL_BENCH_REDIS", "redis://127.0.0.1:6379/0"),
            "KANAL_CACHE_PREFIX": db_name,
            "KANAL_DEBUG": "0",
            "KANAL_SECRET_KEY": "bench-" + "x" * 50,
            "KANAL_DB_CONN_MAX_AGE": "3600",  # one backend for the whole run (its CPU is read)
            "KANAL_LOG_LEVEL": "WARNING",
        }
    )


class Counters:
    """Statements to PostgreSQL and commands to Redis, counted at the client libraries."""

    def __init__(self) -> None:
        import psycopg
        import redis

        self.statements = 0
        self.redis = 0
        counters = self

        def counting(original, attr):
            def wrapper(*args, **kwargs):
                setattr(counters, attr, getattr(counters, attr) + 1)
                return original(*args, **kwargs)

            return wrapper

        psycopg.Cursor.execute = counting(psycopg.Cursor.execute, "statements")
        psycopg.Connection.execute = counting(psycopg.Connection.execute, "statements")
        redis.Redis.execute_command = counting(redis.Redis.execute_command, "redis")

    def snapshot(self) -> tuple[int, int]:
        return self.statements, self.redis


def _environ(body: bytes, sig: str) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/webhooks/whatsapp/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,  # gunicorn's
        "wsgi.errors": sys.stderr,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_HUB_SIGNATURE_256": sig,
        "HTTP_USER_AGENT": "facebookexternalua",
    }


def _round(application, plan, offset, bodies):
    """Post ``plan`` once (sender numbers shifted by ``offset`` so rounds never collide)."""
    statuses = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    environs = [_environ(*bodies[n + offset]) for n in plan]
    t0, c0 = time.perf_counter(), time.process_time()
    for environ in environs:
        result = application(environ, start_response)
        for _chunk in result:
            pass
        result.close()
    return time.perf_counter() - t0, time.process_time() - c0, statuses


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, help="cProfile: top N functions")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure")
    args = parser.parse_args(argv)
    db_name = f"webhooks_cpu_{int(time.time())}_{os.getpid()}"
    _setup(args.code.resolve(), db_name)
    from bench.harness import pg_admin
    from bench.webhooks import burst_plan, delivery, signature

    pg_admin(f'CREATE DATABASE "{db_name}"')
    try:
        _measure(args, burst_plan, delivery, signature)
    finally:
        from django.db import connections

        connections.close_all()
        pg_admin(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(args, burst_plan, delivery, signature) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--no-input", verbosity=0)
    from kanal.channels.models import InboundEvent
    from kanal.wsgi import application

    plan = burst_plan(args.deliveries, 0.10)
    unique = len(set(plan))
    rounds = args.rounds + (1 if args.profile else 0)
    bodies = {}
    for r in range(rounds + 1):
        for n in set(plan):
            body = delivery(n + r * 1_000_000)
            bodies[n + r * 1_000_000] = (body, signature(body))
    counters = Counters()
    _round(application, plan[:200], rounds * 1_000_000, bodies)  # warm-up (own senders)
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    import kanal

    where = Path(kanal.__file__).parents[1]
    print(f"code: {where}  ({len(plan)} deliveries, {unique} unique, per round)")
    print(f"load average before: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    rows = []
    for r in range(args.rounds):
        before_rows = InboundEvent.objects.count()
        s0, pg0 = counters.snapshot(), _backend_cpu(backend)
        wall, cpu, statuses = _round(application, plan, r * 1_000_000, bodies)
        s1, pg1 = counters.snapshot(), _backend_cpu(backend)
        stored = InboundEvent.objects.count() - before_rows
        if statuses != {"200 OK": len(plan)} or stored != unique:
            sys.exit(f"round {r}: answers {statuses}, stored {stored} of {unique} unique")
        n = len(plan)
        rows.append((cpu, pg1 - pg0, wall))
        print(
            f"round {r + 1}: {1000 * cpu / n:.3f} ms CPU per ack (this process), "
            f"PostgreSQL backend {1000 * (pg1 - pg0) / n:.3f} ms, {n / wall:.0f} acks/s serial; "
            f"{(s1[0] - s0[0]) / n:.2f} statements and {(s1[1] - s0[1]) / n:.2f} Redis "
            f"commands per ack; stored {stored}/{unique}"
        )
    best = min(rows)
    print(
        f"best round: {1000 * best[0] / len(plan):.3f} ms web CPU per ack, "
        f"PostgreSQL {1000 * best[1] / len(plan):.3f} ms; load average after: "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not waits
        profiler.enable()
        _round(application, plan, args.rounds * 1_000_000, bodies)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(args.profile)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
        print(out.getvalue())


if __name__ == "__main__":
    main()
