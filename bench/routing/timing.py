"""Suggestion time per message: the shipped model against a baseline model, same run.

    .venv/bin/python bench/routing/timing.py [--baseline-ref main] [--rounds 3]

Times ``engine.predict`` (model + keyword rules + cues + gazetteer, what ``suggest``
runs besides its cached tables) over every held-out message, alternating the two models
round by round so both see the same machine load. The baseline is the model file at a
git ref (default ``main``: the router before this branch); without git or that file,
only the shipped model is timed. Target: under 20 ms per message (issue 20).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import joblib  # noqa: E402

from kanal.routing import datafiles  # noqa: E402
from kanal.routing.engine import predict  # noqa: E402
from kanal.routing.training import HELDOUT_FILES, resources  # noqa: E402

MODEL = Path("kanal") / "routing" / "model" / "router.joblib"
TARGET_MS = 20.0


def baseline_model(ref: str):
    """The model file as committed at ``ref``, or None when git cannot give it."""
    try:
        blob = subprocess.run(
            ["git", "show", f"{ref}:{MODEL.as_posix()}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return joblib.load(io.BytesIO(blob))


def ms_per_message(model, texts, res) -> float:
    start = time.perf_counter()
    for text in texts:
        predict(text, model, res.keywords, res.gazetteer)
    return (time.perf_counter() - start) * 1000 / len(texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-ref", default="main")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    data_dir = ROOT / "data" / "routing"
    res = resources(data_dir)
    texts = [r["text"] for name in HELDOUT_FILES for r in datafiles.read_labelled(data_dir / name)]
    models = {"shipped": joblib.load(ROOT / MODEL)}
    base = baseline_model(args.baseline_ref)
    if base is not None:
        models[f"baseline ({args.baseline_ref})"] = base
    for model in models.values():  # warm-up: first calls build caches
        predict(texts[0], model, res.keywords, res.gazetteer)
    timings: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(args.rounds):
        for name, model in models.items():
            timings[name].append(ms_per_message(model, texts, res))
    print(f"{len(texts)} held-out messages, {args.rounds} rounds (best round shown, and mean)")
    for name, values in timings.items():
        best, mean = min(values), sum(values) / len(values)
        verdict = "met" if best <= TARGET_MS else "missed"
        print(
            f"  {name:<18} best {best:6.2f} ms  mean {mean:6.2f} ms per message "
            f"(target ≤ {TARGET_MS:.0f} ms, {verdict})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
