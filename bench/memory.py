"""Memory of the production stack, per process: `manage.py serve` at idle and under load.

    .venv/bin/python bench/memory.py [--warmup 60] [--load 0] [--port N]

Starts a fresh database (``bench.harness.Stack``), then Kanal exactly as
deploy/kanal.service does: ``manage.py serve`` (its checks, gunicorn gthread, the
task worker, the scheduler), sized as the issue's stack: 3 web workers x 4 threads,
one task worker. Warm-up: citizens file ``--warmup`` reports through the public form
(GET, POST, as ``bench/intake.py``) from 6 clients, a new connection each, so every
web worker serves some and the task worker routes them (the routing model is loaded).
Then the queue is waited empty, the stack left alone for a few seconds, and every
process's RSS and PSS read from /proc (PSS divides pages shared between forked
processes, so its sum is what the stack holds). /proc divides a page among every
process on the machine that maps it, so other people's test runs using the same venv
libraries lower the figure; "PSS in the stack" divides each resident page (from
/proc/PID/pagemap, as root) among the stack's own processes only, as on a server that
runs Kanal alone: that is the figure held to the target. With ``--load S`` the peak total PSS
under 8 clients for S seconds follows.

Baseline in the same run, on the same interpreter and settings: a Python process
that only sleeps, and one that runs ``django.setup()`` with every installed app and
the URL configuration imported (the floor every Kanal process pays before its own
work). The issue's target: the whole stack (web workers, one task worker, the
scheduler) at most 400 MB at idle.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections import Counter
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import intake
from bench.harness import PYTHON, ROOT, Stack, free_port, run_load, table
from bench.procstats import _cmdline, memory_by_process, serve_role

TARGET_IDLE_MB = 400.0
FLOOR = (
    "import django, time; django.setup(); "
    "from django.urls import get_resolver; get_resolver().url_patterns; "
    "print('ready', flush=True); time.sleep(600)"
)


PAGE = os.sysconf("SC_PAGE_SIZE")
PFN = (1 << 55) - 1


def _frames(pid: int) -> set[int]:
    """The physical page frames ``pid`` has resident (/proc/PID/pagemap; needs root)."""
    import numpy as np

    frames: set[int] = set()
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for line in maps:
            start, end = (int(x, 16) for x in line.split()[0].split("-"))
            if start >= 1 << 47:  # [vsyscall]: not in the pagemap
                continue
            pagemap.seek(start // PAGE * 8)
            entries = np.frombuffer(pagemap.read((end - start) // PAGE * 8), dtype=np.uint64)
            present = entries[(entries >> np.uint64(63)) == 1] & np.uint64(PFN)
            frames.update(present.tolist())
    return frames


def own_pss(pids: list[int]) -> dict[int, float]:
    """PSS counting only the sharers inside the stack, MB per pid.

    /proc's PSS divides a page among every process on the machine that maps it: the
    venv's libraries mapped by other people's test runs on this shared machine lower
    the stack's figure (by up to ~30 MB of scipy in the task worker). Here a page is
    divided among the stack's own processes only, as on a server running Kanal alone.
    Empty when the page frames cannot be read (not root)."""
    try:
        frames = {pid: _frames(pid) for pid in pids}
    except (OSError, ValueError):
        return {}
    if not any(frames.values()):
        return {}  # frame numbers hidden (no CAP_SYS_ADMIN)
    sharers = Counter(f for pid_frames in frames.values() for f in pid_frames)
    return {
        pid: sum(1 / sharers[f] for f in pid_frames) * PAGE / 2**20
        for pid, pid_frames in frames.items()
    }


def stack_memory(serve_pid: int) -> list[tuple[str, int, float, float, float]]:
    """(role, pid, RSS MB, PSS MB, PSS within the stack MB) of serve and its tree."""
    rows = memory_by_process({"serve": serve_pid})
    commands = {pid: _cmdline(pid) for _n, pid, _c, _r, _p in rows}
    own = own_pss([pid for _n, pid, *_rest in rows])
    out = []
    for _n, pid, _cmd, rss, pss in rows:
        try:
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            ppid = 0
        role_ = serve_role(commands[pid], commands.get(ppid, ""))
        out.append((role_, pid, rss, pss, own.get(pid, pss)))
    order = ["serve (supervisor)", "web master", "web worker", "task worker", "scheduler"]
    return sorted(out, key=lambda r: (order.index(r[0]) if r[0] in order else 9, r[1]))


def summary(rows: list[tuple[str, int, float, float, float]]) -> tuple[str, dict]:
    """The rows as a table, with the stack's totals without the supervisor and with it."""
    stack = [r for r in rows if r[0] != "serve (supervisor)"]
    totals = {}
    for prefix, part in (("stack", stack), ("all", rows)):
        for i, key in ((2, "rss"), (3, "pss"), (4, "own")):
            totals[f"{prefix}_{key}"] = sum(r[i] for r in part)
    body = [[n, pid, f"{rss:.1f}", f"{pss:.1f}", f"{own:.1f}"] for n, pid, rss, pss, own in rows]
    for label, prefix in (
        ("stack (web, worker, scheduler)", "stack"),
        ("with the supervisor", "all"),
    ):
        body.append([label, ""] + [f"{totals[f'{prefix}_{k}']:.0f}" for k in ("rss", "pss", "own")])
    headers = ["process", "pid", "RSS MB", "PSS MB", "PSS in the stack MB"]
    return table(body, headers), totals


def floors(stack: Stack) -> list[list[str]]:
    """RSS/PSS of a bare interpreter and of django.setup() alone, same env, same run."""
    rows = []
    for name, code in (
        ("python, sleeping", "import time; print('ready', flush=True); time.sleep(600)"),
        ("django.setup() + URLs", FLOOR),
    ):
        proc = subprocess.Popen(
            [PYTHON, "-c", code], cwd=ROOT, env=stack.env, stdout=subprocess.PIPE, text=True
        )
        try:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError(f"{name}: the baseline process did not start")
            time.sleep(0.5)
            (_n, _pid, _cmd, rss, pss), *_ = memory_by_process({name: proc.pid})
            rows.append([name, f"{rss:.1f}", f"{pss:.1f}"])
        finally:
            proc.terminate()
            proc.wait(10)
    return rows


def wait_queue_empty(timeout: float = 60) -> int:
    """Wait until no task is ready or running; the number of tasks that succeeded."""
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
            break
        time.sleep(0.5)
    return DBTaskResult.objects.filter(status="SUCCESSFUL").count()


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, default=60, help="reports filed to warm up")
    parser.add_argument("--settle", type=float, default=5.0, help="idle seconds before reading")
    parser.add_argument("--load", type=float, default=0.0, help="seconds under 8 clients (peak)")
    parser.add_argument("--port", type=int, default=0, help="web port (default: a free one)")
    parser.add_argument(
        "--auto-apply",
        action="store_true",
        help="auto-apply on for every category, reports filed with one: the task worker "
        "then loads the routing model (off by default, as in a fresh installation)",
    )
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with Stack(name="memory", extra_env=intake.BENCH_ENV) as stack:
        ctx = intake.prepare(stack)
        categories: tuple[str, ...] = ("",)
        if args.auto_apply:
            from kanal.directory.models import Category
            from kanal.routing.models import AutoApplySetting

            for category in Category.objects.all():
                AutoApplySetting.objects.update_or_create(
                    category=category, defaults={"enabled": True}
                )
        stack.port = args.port or free_port()
        stack.start_serve()
        if args.auto_apply:  # the form's own category choices
            conn = HTTPConnection("127.0.0.1", stack.port, timeout=30)
            conn.request("GET", "/lapor/", headers={"X-Forwarded-For": "10.255.0.1"})
            page = conn.getresponse().read().decode()
            select = re.search(r'<select name="category".*?</select>', page, re.S)
            categories = tuple(
                v
                for v in re.findall(r'<option value="([^"]*)"', select.group(0) if select else "")
                if v
            ) or ("",)
        serve_pid = stack.procs["serve"].pid

        def one(client, _no, seq):
            try:
                return intake.citizen_submission(
                    client, seq, ctx["kelurahan"], stack.url + "/lapor/", categories
                )
            finally:
                # A new connection per citizen, as browsers behind nginx: gunicorn's
                # workers take turns accepting, so every one of them serves.
                client.close()

        warm = run_load(stack.port, 6, one, args.warmup, 300)
        routed = wait_queue_empty()
        time.sleep(args.settle)
        idle = stack_memory(serve_pid)
        text, totals = summary(idle)
        base = floors(stack)
        peak = None
        if args.load:
            from bench.peer import PeakMemory

            with PeakMemory({"serve": serve_pid}) as sampler:
                loaded = run_load(stack.port, 8, one, 1_000_000, args.load)
            peak = {"pss": sampler.peak, "ok": loaded.ok, "failed": loaded.failed}
        load_after = os.getloadavg()

    print(
        "auto-apply: "
        + (
            "on for every category, reports with a category (the routing model is loaded)"
            if args.auto_apply
            else "off (the default): the task worker never loads the routing model"
        )
    )
    print(
        f"load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end; "
        f"warm-up {warm.ok} reports filed ({warm.failed} failed), {routed} tasks done"
    )
    print(f"\nmemory at idle after warm-up (manage.py serve, 3 x 4 gthread, 1 task worker)\n{text}")
    print(f"\nbaseline, same run\n{table(base, ['process', 'RSS MB', 'PSS MB'])}")
    if peak:
        print(
            f"\npeak under 8 clients for {args.load:.0f} s: {peak['pss']:.0f} MB PSS "
            f"(supervisor included; {peak['ok']} reports, {peak['failed']} failed)"
        )
    met = totals["all_own"] <= TARGET_IDLE_MB
    print(
        f"\ntarget: the stack at idle <= {TARGET_IDLE_MB:.0f} MB: "
        f"{totals['all_own']:.0f} MB PSS within the stack, supervisor included "
        f"({totals['all_pss']:.0f} MB PSS as /proc counts it on this shared machine, "
        f"{totals['all_rss']:.0f} MB RSS) -> " + ("met" if met else "MISSED")
    )
    return {
        "idle": [
            {"process": n, "pid": p, "rss_mb": r, "pss_mb": s, "own_pss_mb": o}
            for n, p, r, s, o in idle
        ],
        "totals": totals,
        "baseline": base,
        "peak": peak,
        "load_average": [load_before[0], load_after[0]],
        "met": met,
        "summary": (
            f"idle {totals['all_own']:.0f} MB PSS in the stack (target <= "
            f"{TARGET_IDLE_MB:.0f}), {totals['all_rss']:.0f} MB RSS"
        ),
    }


if __name__ == "__main__":
    main()
