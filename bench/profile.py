"""Where a citizen's submission spends its CPU: py-spy over the running stack.

    .venv/bin/uv pip install py-spy        # once (PyPI; a sampling profiler)
    .venv/bin/python bench/profile.py [--clients 8] [--seconds 20] [--path form|api]

Starts the stack as ``bench/intake.py`` does (gunicorn gthread 3 x 4, ``task_worker``,
the scheduler, PostgreSQL, Redis, ``KANAL_DEBUG=0``, ``KANAL_REPORT_MIN_SECONDS=0``),
each process under ``py-spy record --subprocesses`` (sampling at 250 Hz; threads
waiting on a socket or a lock are not sampled, so samples approximate CPU), drives
citizen submissions (GET the form, POST it) for ``--seconds``, and prints for each
process:

- the share of samples by layer (each sample goes to the innermost layer it is in:
  SQL in a template counts as SQL; start-up and first imports are left out),
  converted to CPU ms per submission with the CPU the process used during the run
  (read from /proc);
- the functions with the most inclusive samples (Kanal's and Django's).

The raw stacks are kept in ``--out`` (default a temporary folder) for flame graphs.
The start-up and the first requests are sampled too; a run of 20 s makes them small.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import intake
from bench.harness import ROOT, Stack, table
from bench.procstats import cpu_by_group

PY_SPY = ROOT / ".venv" / "bin" / "py-spy"
# (layer, substrings of a frame "function (file:line)"), innermost match wins.
LAYERS = [
    ("SQL (psycopg, Django db)", ("psycopg/", "django/db/")),
    ("cache / Redis (rate limits, choices)", ("redis/", "django/core/cache/")),
    ("templates", ("django/template/", "jinja2/")),
    ("forms", ("django/forms/",)),
    ("sessions", ("django/contrib/sessions/",)),
    ("CSRF", ("django/middleware/csrf.py",)),
    ("signing (stamp, device cookie)", ("django/core/signing.py",)),
    ("i18n", ("django/utils/translation/",)),
    ("URL routing", ("django/urls/",)),
    ("audit", ("kanal/audit/",)),
    ("routing classifier", ("kanal/routing/", "sklearn/", "scipy/", "numpy/")),
    ("task queue (claims, results)", ("django_tasks",)),
    ("Kanal middleware", ("kanal/core/middleware.py", "kanal/core/outage.py", "csp/")),
    ("Django middleware and handler", ("django/middleware/", "django/core/handlers/")),
    ("HTTP server (gunicorn)", ("gunicorn/",)),
    ("Kanal code", ("kanal/",)),
    ("Django, other", ("django/",)),
]


# Start-up and first imports (Django's setup, a module loaded on first use, the routing
# model read from disk): sampled, but outside the measured window's CPU, so left out.
ONE_OFF = ("_find_and_load", "setup (django/__init__.py", "get_wsgi_application", "load_model")


def layer_of(frames: list[str]) -> str:
    for frame in reversed(frames):  # leaf first
        for name, marks in LAYERS:
            if any(m in frame for m in marks):
                return name
    return "other (interpreter, stdlib)"


def read_raw(path: Path) -> list[tuple[list[str], int]]:
    samples = []
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            samples.append((stack.split(";"), int(count)))
    return samples


def breakdown(path: Path, cpu_ms: float, top: int) -> str:
    samples = read_raw(path)
    one_off = sum(c for s, c in samples if any(m in f for f in s for m in ONE_OFF))
    samples = [(s, c) for s, c in samples if not any(m in f for f in s for m in ONE_OFF)]
    total = sum(c for _s, c in samples) or 1
    layers: Counter = Counter()
    inclusive: Counter = Counter()
    for frames, count in samples:
        layers[layer_of(frames)] += count
        for frame in set(frames):
            if "kanal/" in frame or "django/" in frame or "django_tasks" in frame:
                inclusive[frame] += count
    rows = [
        [name, f"{100 * n / total:.1f}", f"{cpu_ms * n / total:.2f}"]
        for name, n in layers.most_common()
    ]
    out = [
        f"{total} samples in steady state ({one_off} of start-up and first imports left out)",
        table(rows, ["layer", "% samples", "CPU ms / submission"]),
    ]
    hot = [
        [f"{100 * n / total:.1f}", f"{cpu_ms * n / total:.2f}", frame[:110]]
        for frame, n in inclusive.most_common(top)
    ]
    out.append(table(hot, ["% incl.", "ms", "function (file:line)"]))
    return "\n\n".join(out)


def _child(pid: int, timeout: float = 30) -> int:
    """The process py-spy (``pid``) started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for task in Path(f"/proc/{pid}/task").iterdir():
            children = (task / "children").read_text().split()
            if children:
                return int(children[0])
        time.sleep(0.2)
    raise RuntimeError(f"py-spy {pid} started no process")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--path", choices=["form", "api"], default="form")
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", type=Path, default=None, help="keep the raw stacks here")
    args = parser.parse_args(argv)
    if not PY_SPY.exists():
        sys.exit(f"py-spy is not installed: run `.venv/bin/uv pip install py-spy` ({PY_SPY})")
    out = args.out or Path(tempfile.mkdtemp(prefix="kanal-profile-"))
    out.mkdir(parents=True, exist_ok=True)

    def spy(name: str) -> tuple[str, ...]:
        return (
            str(PY_SPY),
            "record",
            "--subprocesses",
            "--nonblocking",
            "-r",
            str(args.rate),
            "-f",
            "raw",
            "-o",
            str(out / f"{name}.txt"),
            "--",
        )

    with Stack(name="profile", extra_env=intake.BENCH_ENV) as stack:
        ctx = intake.prepare(stack)
        stack.start_web(prefix=spy("web"))
        stack.start_worker(prefix=spy("worker"))
        stack.start_scheduler(prefix=spy("scheduler"))
        # CPU is read from the profiled process (py-spy's child), not py-spy's own.
        roots = {name: _child(proc.pid) for name, proc in stack.procs.items()}
        load = intake.form_load if args.path == "form" else intake.api_load
        load(stack, 4, 3, ctx)  # warm-up
        before = cpu_by_group(roots, databases={"postgres": stack.db_name})
        r = load(stack, args.clients, args.seconds, ctx)
        after = cpu_by_group(roots, databases={"postgres": stack.db_name})
        for name in roots:  # py-spy writes its file on SIGINT (and ends the child)
            os.kill(stack.procs[name].pid, signal.SIGINT)
        time.sleep(3)
    per = {k: 1000 * (after[k] - before[k]) / max(r.ok, 1) for k in after}
    print(
        f"{args.path}: {r.ok} submissions in {r.seconds:.1f} s at {args.clients} clients "
        f"({r.rate:.1f}/s, p99 {r.pct_ms(99):.0f} ms, failed {r.failed}); load average "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    print(
        "CPU ms per submission: "
        + ", ".join(f"{k} {v:.1f}" for k, v in per.items())
        + f"; server total {sum(v for k, v in per.items() if k != 'load generator'):.1f}"
    )
    for name in roots:
        path = out / f"{name}.txt"
        if path.exists():
            print(f"\n=== {name} ({per[name]:.1f} CPU ms per submission) ===")
            print(breakdown(path, per[name], args.top))
    print(f"\nraw stacks: {out}")
    if args.out is None and os.environ.get("KANAL_PROFILE_KEEP") != "1":
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
