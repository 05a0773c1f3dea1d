"""The routing evaluation without Django: the same code as ``python manage.py routing_eval``.

    .venv/bin/python bench/routing/eval.py [--file F ...] [--heldout F ...] [--folds 5]
        [--draws 1000] [--errors]

Grouped cross-validation on the training files (whole writer/style groups held out),
then a model trained on all of them scored on each held-out file; every figure with a
95 % bootstrap interval, per unit, confusions, calibration, the baseline and the
suggestion time. Defaults: the shipped training and held-out files in data/routing/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kanal.routing import datafiles  # noqa: E402
from kanal.routing.evaluation import evaluate, format_report  # noqa: E402
from kanal.routing.training import HELDOUT_FILES, TRAINING_FILES, resources  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data" / "routing")
    parser.add_argument("--file", type=Path, action="append", default=None)
    parser.add_argument("--heldout", type=Path, action="append", default=None)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--errors", action="store_true", help="list misrouted messages")
    args = parser.parse_args(argv)
    files = args.file or [args.data_dir / n for n in TRAINING_FILES]
    held = args.heldout or [args.data_dir / n for n in HELDOUT_FILES]
    try:
        rows = [r for path in files for r in datafiles.read_labelled(path)]
        held_sets = [(path.name, datafiles.read_labelled(path)) for path in held]
        res = resources(args.data_dir)
    except (OSError, datafiles.DataFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = evaluate(rows, res, heldout=held_sets, k=args.folds, draws=args.draws)
    print(format_report(report))
    if args.errors:
        for row_id, gold, predicted in report.errors:
            print(f"  {row_id}: {gold} → {predicted}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
