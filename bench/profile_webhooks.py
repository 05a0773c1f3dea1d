"""Where a webhook acknowledgement spends its CPU: py-spy over gunicorn during a burst.

    .venv/bin/uv pip install py-spy        # once (PyPI; a sampling profiler)
    .venv/bin/python bench/profile_webhooks.py [--deliveries 6000] [--clients 8]

Starts the stack as ``bench/webhooks.py --ack-only`` does (gunicorn gthread 3 x 4,
PostgreSQL, Redis, ``KANAL_DEBUG=0``, no worker), runs gunicorn under ``py-spy record
--subprocesses``, posts signed WhatsApp deliveries and prints the share of samples by
layer (converted to CPU ms per acknowledgement with the CPU gunicorn and PostgreSQL used,
read from /proc) and the functions with the most inclusive samples. The layers and the
report are :mod:`bench.profile`'s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import webhooks
from bench.harness import Stack
from bench.procstats import cpu_by_group
from bench.profile import PY_SPY, _child, breakdown


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", type=Path, default=None, help="keep the raw stacks here")
    args = parser.parse_args(argv)
    if not PY_SPY.exists():
        sys.exit(f"py-spy is not installed: run `.venv/bin/uv pip install py-spy` ({PY_SPY})")
    out = args.out or Path(tempfile.mkdtemp(prefix="kanal-profile-webhooks-"))
    out.mkdir(parents=True, exist_ok=True)
    spy = (str(PY_SPY), "record", "--subprocesses", "--nonblocking", "-r", str(args.rate))
    spy += ("-f", "raw", "-o", str(out / "web.txt"), "--")
    with Stack(name="profwh") as stack:
        stack.start_web(prefix=spy)
        roots = {"web": _child(stack.procs["web"].pid)}
        webhooks.ack_burst(stack, list(range(10_000_000, 10_000_300)), 4)  # warm-up
        before = cpu_by_group(roots, databases={"postgres": stack.db_name})
        r = webhooks.ack_burst(stack, list(range(args.deliveries)), args.clients)
        after = cpu_by_group(roots, databases={"postgres": stack.db_name})
        os.kill(stack.procs["web"].pid, signal.SIGINT)  # py-spy writes its file and ends
        time.sleep(3)
    per = {k: 1000 * (after[k] - before[k]) / max(r.ok, 1) for k in after}
    print(
        f"{r.ok} acknowledgements in {r.seconds:.1f} s at {args.clients} clients "
        f"({r.rate:.0f}/s, p50 {r.pct_ms(50):.1f} ms, p99 {r.pct_ms(99):.1f} ms, failed "
        f"{r.failed}); load average " + " / ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    print("CPU ms per acknowledgement: " + ", ".join(f"{k} {v:.2f}" for k, v in per.items()))
    path = out / "web.txt"
    if path.exists():
        print(f"\n=== web ({per['web']:.2f} CPU ms per acknowledgement) ===")
        print(breakdown(path, per["web"], args.top))
    print(f"\nraw stacks: {out}")
    if args.out is None and os.environ.get("KANAL_PROFILE_KEEP") != "1":
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
