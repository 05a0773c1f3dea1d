"""CPU and SQL statements per citizen submission, in-process (quick iteration, issue 24).

    .venv/bin/python bench/cpu_submit.py [--submissions 300] [--warmup 30] [--rounds 3]

A fresh PostgreSQL database (``harness.Stack``: migrated, reference data loaded) and
Django set up in this process with the bench settings (production settings, Redis).
Each submission is a new citizen's browser through Django's test ``Client`` with CSRF
checks on, as ``bench/intake.py``'s client does over HTTP: GET /lapor/, POST the form
(302 expected), and then, measured apart, the thank-you page the redirect points at.
After the submissions the task worker runs in this process until the queue is empty
(``kanal.core.worker.TaskWorker``, drain), which is the worker's share of each case.

Per submission it prints this process's CPU (``time.process_time``) for the web side
(GET + POST) and the worker, the CPU of the PostgreSQL backend serving this process
(read from /proc), and the SQL statements and commits sent, with the Redis commands.
No gunicorn, no HTTP parsing: the web figure is Django's and Kanal's part of the
stack's web CPU, not the whole of it. Figures are medians over ``--rounds``; the
machine's load average is printed with them (other work shares the cores, CPU time is
steadier than wall time but not immune to it).

Before/after in one sitting: run it from two checkouts (each measures its own code)
one after the other, e.g. a ``git worktree`` of the base commit and the branch.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

# The checkout's root instead of bench/ (whose profile.py would shadow the standard
# library's, which cProfile imports).
sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench.harness import Stack  # noqa: E402 - after the path fix above

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STAMP_RE = re.compile(r'name="started" value="([^"]+)"')
_TICKS = os.sysconf("SC_CLK_TCK")


class Counter:
    """SQL statements (and commits) through Django, and Redis commands sent."""

    def __init__(self):
        self.sql = 0
        self.commits = 0
        self.redis = 0
        self.show = False  # print each statement (--show-sql)

    def __call__(self, execute, sql, params, many, context):
        self.sql += 1
        if self.show:
            print("  SQL", sql[:300])
        return execute(sql, params, many, context)

    def install(self):
        import redis.connection
        from django.db import connection

        counter = self

        original_commit = connection.commit

        def commit():
            counter.commits += 1
            return original_commit()

        connection.commit = commit
        send = redis.connection.AbstractConnection.send_packed_command

        def send_packed_command(conn, command, check_health=True):
            counter.redis += 1
            if counter.show:
                print("  REDIS", repr(command)[:200])
            return send(conn, command, check_health)

        redis.connection.AbstractConnection.send_packed_command = send_packed_command
        connection.execute_wrappers.append(self)


def backend_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL backend of this process's connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def submit(browser, seq: int, kelurahan: list[str]) -> tuple[SimpleCookie, str]:
    """One citizen: GET the form, POST it. Returns (the browser's cookies, the thank-you
    URL). One ``Client`` serves every citizen (a new one loads the middleware again),
    each with an empty cookie jar."""
    address = f"10.{seq // 65536 % 256}.{seq // 256 % 256}.{seq % 256}"
    browser.cookies = SimpleCookie()
    browser.defaults["HTTP_X_FORWARDED_FOR"] = address
    page = browser.get("/lapor/")
    body = page.content.decode()
    token, stamp = TOKEN_RE.search(body), STAMP_RE.search(body)
    if page.status_code != 200 or not token or not stamp:
        raise RuntimeError(f"/lapor/ answered {page.status_code} without its token or stamp")
    answer = browser.post(
        "/lapor/",
        urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "started": stamp.group(1),
                "kind": "pengaduan",
                "title": f"Lampu jalan mati {seq}",
                "description": "Lampu jalan di depan rumah mati sejak tiga hari, gelap sekali.",
                "category": "",
                "kelurahan": kelurahan[seq % len(kelurahan)],
                "address": "Jl. Teuku Umar",
                "contact_preference": "none",
                "website": "",
            }
        ),
        content_type="application/x-www-form-urlencoded",  # as a browser sends this form
    )
    if answer.status_code != 302:
        raise RuntimeError(f"POST /lapor/ answered {answer.status_code}")
    return browser.cookies, answer["Location"]


def one_round(
    n: int, start: int, kelurahan: list[str], counter: Counter, profile: bool = False
) -> dict[str, float]:
    from django.db import connection
    from django.test import Client

    from kanal.complaints.models import Complaint
    from kanal.core.worker import TaskWorker, WorkerOptions

    before = Complaint.objects.count()
    pg0, c0 = backend_cpu(), vars(counter).copy()
    cpu0 = time.process_time()
    browser = Client(enforce_csrf_checks=True, SERVER_NAME="localhost")
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time) if profile else None
    if profiler:
        profiler.enable()
    thanks = [submit(browser, start + i, kelurahan) for i in range(n)]
    web = time.process_time() - cpu0
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(90)
    pg1, c1 = backend_cpu(), vars(counter).copy()
    cpu0 = time.process_time()
    for cookies, url in thanks:
        browser.cookies = cookies
        page = browser.get(url)
        if page.status_code != 200 or b"followup" not in page.content.lower():
            raise RuntimeError(f"thank-you page answered {page.status_code}")
    thank = time.process_time() - cpu0
    pg2, c2 = backend_cpu(), vars(counter).copy()
    cpu0 = time.process_time()
    worker = TaskWorker(WorkerOptions(queues=["*"], worker_id="cpu-bench", drain=True))
    worker.run()
    work = time.process_time() - cpu0
    pg3, c3 = backend_cpu(), vars(counter).copy()
    connection.close()
    stored = Complaint.objects.count() - before
    if stored != n:
        raise RuntimeError(f"{n} submissions acknowledged, {stored} stored")

    def per(a, b, key):
        return (b[key] - a[key]) / n

    return {
        "web ms": 1000 * web / n,
        "PG (web) ms": 1000 * (pg1 - pg0) / n,
        "SQL (web)": per(c0, c1, "sql"),
        "commits (web)": per(c0, c1, "commits"),
        "Redis (web)": per(c0, c1, "redis"),
        "thank-you ms": 1000 * thank / n,
        "SQL (thank-you)": per(c1, c2, "sql"),
        "worker ms": 1000 * work / n,
        "PG (worker) ms": 1000 * (pg3 - pg2) / n,
        "SQL (worker)": per(c2, c3, "sql"),
        "tasks run": worker.ran / n,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the web side")
    parser.add_argument("--show-sql", action="store_true", help="one submission's statements")
    args = parser.parse_args(argv)

    with Stack(name="cpusubmit", extra_env={"KANAL_REPORT_MIN_SECONDS": "0"}) as stack:
        stack.django()
        from kanal.wilayah.models import Kelurahan

        kelurahan = list(Kelurahan.objects.values_list("code", flat=True))
        counter = Counter()
        counter.install()
        one_round(args.warmup, 1_000_000, kelurahan, counter)
        if args.show_sql:
            counter.show = True
            one_round(1, 2_000_000, kelurahan, counter)
            counter.show = False
        rounds = [
            one_round(args.submissions, r * args.submissions, kelurahan, counter, args.profile)
            for r in range(args.rounds)
        ]
        load = os.getloadavg()
        print(
            f"{args.rounds} rounds x {args.submissions} submissions, load average "
            f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
        )
        for key in rounds[0]:
            values = [r[key] for r in rounds]
            print(
                f"  {key:16} {statistics.median(values):7.2f}   "
                f"({', '.join(f'{v:.2f}' for v in values)})"
            )


if __name__ == "__main__":
    main()
