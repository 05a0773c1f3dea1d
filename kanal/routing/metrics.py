"""Figures of a set of routing predictions, with bootstrap intervals: pure, no Django.

``Scored`` holds, per message, what the evaluation needs (gold and predicted unit, the
top 3, the confidence, kind, oversight, hard or not). ``figures`` computes the headline
figures; ``interval`` resamples the messages (a seeded bootstrap, 1,000 draws) to give
a 95 % interval for each, which is what a score on a few hundred messages is worth.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass

from . import rules

BOOTSTRAP_DRAWS = 1000
BOOTSTRAP_SEED = 20
CALIBRATION_BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)


@dataclass(frozen=True)
class Scored:
    gold: str
    unit: str
    top3: tuple[str, ...]
    confidence: float
    gold_kind: str
    kind: str
    gold_oversight: bool
    oversight: bool
    hard: bool
    auto: bool = False  # at or above the auto-apply floor for its unit (and not flagged)


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def figures(items: list[Scored]) -> dict[str, float]:
    """Headline figures of ``items`` (each a fraction; nan when undefined)."""
    n = len(items)
    hard = [s for s in items if s.hard]
    positives = [s for s in items if s.gold_oversight]
    flagged = [s for s in items if s.oversight]
    auto = [s for s in items if s.auto]
    outside = [s for s in items if rules.is_outside_authority(s.gold)]
    return {
        "unit_top1": _ratio(sum(s.unit == s.gold for s in items), n),
        "unit_top1_hard": _ratio(sum(s.unit == s.gold for s in hard), len(hard)),
        "unit_top3": _ratio(sum(s.gold in s.top3 for s in items), n),
        "unit_macro_f1": macro_f1(items),
        "outside_accuracy": _ratio(sum(s.unit == s.gold for s in outside), len(outside)),
        "kind_accuracy": _ratio(sum(s.kind == s.gold_kind for s in items), n),
        "oversight_recall": _ratio(sum(s.oversight for s in positives), len(positives)),
        "oversight_precision": _ratio(sum(s.gold_oversight for s in flagged), len(flagged)),
        "auto_share": _ratio(len(auto), n),
        "auto_precision": _ratio(sum(s.unit == s.gold for s in auto), len(auto)),
    }


def counts(items: list[Scored]) -> dict[str, int]:
    """How many messages each figure is computed on."""
    return {
        "unit_top1": len(items),
        "unit_top1_hard": sum(s.hard for s in items),
        "unit_top3": len(items),
        "unit_macro_f1": len(items),
        "outside_accuracy": sum(rules.is_outside_authority(s.gold) for s in items),
        "kind_accuracy": len(items),
        "oversight_recall": sum(s.gold_oversight for s in items),
        "oversight_precision": sum(s.oversight for s in items),
        "auto_share": len(items),
        "auto_precision": sum(s.auto for s in items),
    }


def per_unit(items: list[Scored]) -> dict[str, tuple[int, float, float, float]]:
    """unit → (gold count, precision, recall, F1)."""
    out = {}
    hits = Counter(s.gold for s in items if s.unit == s.gold)
    predicted_n = Counter(s.unit for s in items)
    actual_n = Counter(s.gold for s in items)
    for unit in sorted(set(actual_n) | set(predicted_n)):
        tp, predicted, actual = hits[unit], predicted_n[unit], actual_n[unit]
        p, r = _ratio(tp, predicted), _ratio(tp, actual)
        f1 = 2 * p * r / (p + r) if predicted and actual and (p + r) else 0.0
        out[unit] = (actual, p, r, f1)
    return out


def macro_f1(items: list[Scored]) -> float:
    """Mean F1 over the units that occur in the gold labels."""
    table = per_unit(items)
    gold_units = {s.gold for s in items}
    scores = [table[u][3] for u in gold_units]
    return sum(scores) / len(scores) if scores else float("nan")


def confusion_pairs(items: list[Scored], limit: int = 12) -> list[tuple[str, str, int]]:
    """The most frequent (gold, predicted) mistakes."""
    pairs = Counter((s.gold, s.unit) for s in items if s.unit != s.gold)
    return [(g, p, n) for (g, p), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))][
        :limit
    ]


def calibration(items: list[Scored]) -> tuple[list[tuple[float, float, int, float, float]], float]:
    """Reliability table: (bin low, bin high, count, mean confidence, accuracy) per bin,
    and the expected calibration error (count-weighted |confidence − accuracy|)."""
    rows, error = [], 0.0
    for low, high in itertools.pairwise(CALIBRATION_BINS):
        inside = [s for s in items if low <= s.confidence < high]
        if not inside:
            continue
        conf = sum(s.confidence for s in inside) / len(inside)
        acc = sum(s.unit == s.gold for s in inside) / len(inside)
        rows.append((low, min(high, 1.0), len(inside), conf, acc))
        error += len(inside) * abs(conf - acc)
    return rows, error / len(items) if items else float("nan")


def interval(
    items: list[Scored], draws: int = BOOTSTRAP_DRAWS, seed: int = BOOTSTRAP_SEED
) -> dict[str, tuple[float, float]]:
    """95 % percentile-bootstrap interval of every figure (messages resampled)."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    n = len(items)
    for _ in range(draws):
        draw = [items[rng.randrange(n)] for _ in range(n)]
        for key, value in figures(draw).items():
            if value == value:  # not nan
                samples.setdefault(key, []).append(value)
    out = {}
    for key, values in samples.items():
        values.sort()
        out[key] = (values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1])
    return out
