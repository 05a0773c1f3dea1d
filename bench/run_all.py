"""Run every Kanal benchmark in order, with progress, then print one summary table.

    .venv/bin/python bench/run_all.py [--full] [--quick] [--no-lighthouse]

Order: intake, webhooks (2,000 deliveries; 10,000 with ``--full``), scale (100k cases;
100k and 1M with ``--full``), pages, the peer beside django-helpdesk (bench/peer.py), the
production stack's memory (bench/memory.py), and
the routing evaluation (bench/routing/eval.py). ``--quick`` shortens every run (a smoke
test of the benchmarks themselves, not figures to quote). Each benchmark runs in its
own Python process (Django is set up once per process, against that benchmark's fresh
database) and starts and stops its own database and processes; a failure in one is
reported and the rest run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import table  # noqa: E402

RESULT_MARK = "@@bench-result "


def run_isolated(module: str, bench_args: list[str]) -> dict:
    """Run ``bench.<module>.main(bench_args)`` in a new process, echoing its output live.

    Returns the ``met`` and ``summary`` of its result; raises when it fails.
    """
    code = (
        "import json, sys; "
        f"sys.path.insert(0, {str(ROOT)!r}); "
        f"from bench import {module} as bench; "
        f"result = bench.main({bench_args!r}); "
        f"print({RESULT_MARK!r} + json.dumps("
        "{'met': bool(result.get('met')), 'summary': str(result.get('summary', ''))}), "
        "flush=True)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    result = None
    for line in proc.stdout:
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK) :])
        else:
            print(line, end="", flush=True)
    status = proc.wait()
    if status or result is None:
        raise RuntimeError(f"bench/{module}.py exited with status {status} (output above)")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="scale: 100k and 1M cases")
    parser.add_argument("--quick", action="store_true", help="short runs (smoke test)")
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args(argv)
    plan = [
        ("intake", ["--seconds", "3" if args.quick else "12"]),
        (
            "webhooks",
            # The 10,000-delivery burst takes ~10 min to process here: --full.
            ["--deliveries", "1000"]
            if args.quick
            else ([] if args.full else ["--deliveries", "2000"]),
        ),
        (
            "scale",
            ["--full"]
            if args.full
            else (["--sizes", "20000", "--repeat", "5"] if args.quick else []),
        ),
        ("pages", ["--no-lighthouse"] if args.no_lighthouse else []),
        # Beside django-helpdesk 2.6 (its venv is created on the first run).
        ("peer", ["--seconds", "3", "--rounds", "1"] if args.quick else []),
        # The production stack as manage.py serve starts it, per process, idle and loaded.
        ("memory", ["--warmup", "30"] if args.quick else ["--load", "15"]),
    ]
    summary, failed = [], 0
    started = time.monotonic()
    for i, (name, bench_args) in enumerate(plan, 1):
        print(
            f"\n===== [{i}/{len(plan) + 1}] {name} {' '.join(bench_args)} "
            f"({time.monotonic() - started:.0f}s) =====",
            flush=True,
        )
        t0 = time.monotonic()
        try:
            result = run_isolated(name, bench_args)
            summary.append(
                [
                    name,
                    "met" if result["met"] else "MISSED",
                    result["summary"],
                    f"{time.monotonic() - t0:.0f}s",
                ]
            )
        except Exception as exc:  # report and go on: one broken bench must not hide the rest
            traceback.print_exc()
            failed += 1
            summary.append(
                [
                    name,
                    "ERROR",
                    f"{type(exc).__name__}: {exc}"[:120],
                    f"{time.monotonic() - t0:.0f}s",
                ]
            )
    print(f"\n===== [{len(plan) + 1}/{len(plan) + 1}] routing =====", flush=True)
    t0 = time.monotonic()
    routing = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "routing" / "eval.py")], check=False
    )
    if routing.returncode == 0:  # suggestion time against main's model, same run
        routing = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "routing" / "timing.py")], check=False
        )
    summary.append(
        [
            "routing",
            "ran" if routing.returncode == 0 else "ERROR",
            "see the figures above",
            f"{time.monotonic() - t0:.0f}s",
        ]
    )
    failed += routing.returncode != 0
    print("\n" + table(summary, ["bench", "targets", "summary", "time"]))
    print(f"total {time.monotonic() - started:.0f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
