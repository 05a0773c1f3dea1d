"""Cross-validated routing figures on a labelled JSONL file, without Django.

    .venv/bin/python bench/routing/eval.py [--file data/routing/dev.jsonl] [--folds 5]
        [--threshold 0.9] [--errors] [--ablation]

The same code as ``python manage.py routing_eval``: stratified k-fold, the router
(model + keyword rules + gazetteer, fitted inside each training part) beside the plain
baseline (TF-IDF words + char n-grams, LinearSVC), the hard-case subsets and the
suggestion time. ``--ablation`` adds the model without rules.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kanal.routing import datafiles, rules  # noqa: E402
from kanal.routing.evaluation import evaluate, format_report  # noqa: E402
from kanal.routing.training import file_resources  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=ROOT / "data" / "routing" / "dev.jsonl")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data" / "routing")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threshold", type=float, default=rules.DEFAULT_AUTO_APPLY_THRESHOLD)
    parser.add_argument("--errors", action="store_true", help="list misrouted messages")
    parser.add_argument("--ablation", action="store_true", help="also: the model without rules")
    args = parser.parse_args(argv)
    try:
        rows = datafiles.read_labelled(args.file)
        keywords, gazetteer = file_resources(args.data_dir)
    except (OSError, datafiles.DataFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = evaluate(rows, keywords, gazetteer, k=args.folds, auto_threshold=args.threshold)
    print(f"file: {args.file}")
    print(format_report(report))
    if args.errors:
        for row_id, gold, predicted in report.errors:
            print(f"  {row_id}: {gold} → {predicted}")
    if args.ablation:
        bare = evaluate(
            rows,
            rules.compile_keywords([]),
            gazetteer,
            k=args.folds,
            auto_threshold=args.threshold,
            hard_keywords=keywords,
        )
        print("\nAblation: the same model without keyword rules")
        print(format_report(bare))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
