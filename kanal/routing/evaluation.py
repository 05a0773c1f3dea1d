"""Cross-validated evaluation of the router against a plain baseline, on any labelled JSONL.

Stratified k-fold: each message is predicted by a model that never saw it (the model's
rule weight and temperature are fitted inside each training part too). The baseline is
TF-IDF on words and character n-grams of the raw text with a LinearSVC, in the same
folds. Timing is measured on ``predict`` for every message with the full model.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from . import rules
from .classifier import SEED, Example, fit_model
from .engine import predict
from .places import Gazetteer
from .text import word_count

SHORT_WORDS = 10


def examples_from(rows: list[dict]) -> list[Example]:
    return [
        Example(
            r["text"],
            r["opd"],
            r["jenis"],
            bool(r.get("pengawasan", r["opd"] == rules.INSPEKTORAT)),
        )
        for r in rows
    ]


def _folds(labels: list[str], k: int):
    """Stratified folds; fewer than ``k`` when the largest class is smaller than ``k``.
    A class with fewer members than folds is spread over as many folds as it has."""
    k = max(2, min(k, max(Counter(labels).values())))
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return k, list(splitter.split(np.zeros(len(labels)), labels))


def baseline_predictions(rows: list[dict], folds) -> list[str]:
    """The plain baseline: TF-IDF words (1–2) + char_wb (2–5) on raw text, LinearSVC."""
    out = [""] * len(rows)
    for train_idx, test_idx in folds:
        word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        train = [rows[i]["text"] for i in train_idx]
        x = hstack([word.fit_transform(train), char.fit_transform(train)]).tocsr()
        clf = LinearSVC(random_state=SEED).fit(x, [rows[i]["opd"] for i in train_idx])
        test = [rows[i]["text"] for i in test_idx]
        xt = hstack([word.transform(test), char.transform(test)]).tocsr()
        for i, label in zip(test_idx, clf.predict(xt), strict=True):
            out[i] = label
    return out


@dataclass
class Report:
    n: int
    folds: int
    figures: dict[str, float] = field(default_factory=dict)
    baseline: dict[str, float] = field(default_factory=dict)
    hard: dict[str, dict[str, float]] = field(default_factory=dict)
    auto_threshold: float = 0.9
    ms_per_message: float = 0.0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # id, gold, predicted


def _acc(pairs) -> float:
    pairs = list(pairs)
    return sum(a == b for a, b in pairs) / len(pairs) if pairs else float("nan")


def hard_subsets(rows: list[dict], keywords: rules.KeywordIndex) -> dict[str, list[int]]:
    """Indices of hard cases: very short messages, outside authority, and messages whose
    keywords point at two or more units (two issues, or a misleading keyword)."""
    from .text import normalise

    subsets: dict[str, list[int]] = {"short": [], "outside": [], "multi_keyword": []}
    for i, row in enumerate(rows):
        if word_count(row["text"]) <= SHORT_WORDS:
            subsets["short"].append(i)
        if rules.is_outside_authority(row["opd"]):
            subsets["outside"].append(i)
        found = rules.match_keywords(normalise(row["text"]), keywords)
        strong = [u for u, rs in found.items() if sum(r.weight for r in rs) >= 2]
        if len(strong) >= 2:
            subsets["multi_keyword"].append(i)
    return subsets


def evaluate(
    rows: list[dict],
    keywords: rules.KeywordIndex,
    gazetteer: Gazetteer,
    *,
    k: int = 5,
    auto_threshold: float = rules.DEFAULT_AUTO_APPLY_THRESHOLD,
    hard_keywords: rules.KeywordIndex | None = None,
) -> Report:
    """Cross-validated figures for the router and the baseline on ``rows``.

    ``hard_keywords`` defines the "multi_keyword" hard cases (default ``keywords``), so
    an ablation without rules is scored on the same subsets.
    """
    gold = [r["opd"] for r in rows]
    k, folds = _folds(gold, k)
    report = Report(n=len(rows), folds=k, auto_threshold=auto_threshold)
    preds: list = [None] * len(rows)
    for train_idx, test_idx in folds:
        model = fit_model(examples_from([rows[i] for i in train_idx]), keywords)
        for i in test_idx:
            preds[i] = predict(rows[i]["text"], model, keywords, gazetteer)
    base = baseline_predictions(rows, folds)

    unit = [p.unit_code for p in preds]
    f = report.figures
    f["unit_top1"] = _acc(zip(unit, gold, strict=False))
    f["unit_top3"] = _acc(
        (g, g if g in [u for u, _ in p.alternatives] else "")
        for p, g in zip(preds, gold, strict=False)
    )
    f["unit_macro_f1"] = f1_score(gold, unit, average="macro")
    outside = [i for i, g in enumerate(gold) if rules.is_outside_authority(g)]
    f["outside_accuracy"] = _acc((unit[i], gold[i]) for i in outside)
    f["kind_accuracy"] = _acc((p.kind, r["jenis"]) for p, r in zip(preds, rows, strict=False))
    oversight_gold = [bool(r.get("pengawasan", r["opd"] == rules.INSPEKTORAT)) for r in rows]
    flagged = [p.oversight for p in preds]
    positives = [i for i, g in enumerate(oversight_gold) if g]
    f["oversight_recall"] = _acc((flagged[i], True) for i in positives)
    f["oversight_precision"] = _acc((oversight_gold[i], True) for i, fl in enumerate(flagged) if fl)
    placed = [r for r in rows if "kelurahan" in r or "kecamatan" in r]
    if placed:
        f["place_accuracy"] = _acc(
            (
                (p.place.kecamatan_code, p.place.kelurahan_code),
                (r.get("kecamatan"), r.get("kelurahan")),
            )
            for p, r in zip(preds, rows, strict=False)
            if "kelurahan" in r or "kecamatan" in r
        )
    above = [i for i, p in enumerate(preds) if p.unit_confidence >= auto_threshold]
    f["auto_share"] = len(above) / len(rows)
    f["auto_precision"] = _acc((unit[i], gold[i]) for i in above)
    f["operator_decides_share"] = sum(
        p.unit_confidence < rules.DEFAULT_OPERATOR_THRESHOLD for p in preds
    ) / len(rows)

    b = report.baseline
    b["unit_top1"] = _acc(zip(base, gold, strict=False))
    b["unit_macro_f1"] = f1_score(gold, base, average="macro")
    b["outside_accuracy"] = _acc((base[i], gold[i]) for i in outside)
    for name, idx in hard_subsets(rows, hard_keywords or keywords).items():
        report.hard[name] = {
            "n": len(idx),
            "router": _acc((unit[i], gold[i]) for i in idx),
            "baseline": _acc((base[i], gold[i]) for i in idx),
        }
    report.errors = [
        (rows[i].get("id", str(i)), gold[i], unit[i])
        for i in range(len(rows))
        if unit[i] != gold[i]
    ]
    report.ms_per_message = time_predictions(rows, keywords, gazetteer)
    return report


def time_predictions(rows, keywords, gazetteer, model=None) -> float:
    """Mean milliseconds per ``predict`` call with a model trained on all rows."""
    model = model or fit_model(examples_from(rows), keywords, tune=False)
    predict(rows[0]["text"], model, keywords, gazetteer)  # warm-up
    start = time.perf_counter()
    for row in rows:
        predict(row["text"], model, keywords, gazetteer)
    return (time.perf_counter() - start) * 1000 / len(rows)


TARGETS = {
    "unit_top1": 0.92,
    "unit_top3": 0.98,
    "oversight_recall": 0.95,
    "kind_accuracy": 0.95,
    "auto_precision": 0.98,
}


def format_report(report: Report) -> str:
    lines = [
        f"Routing evaluation: {report.n} messages, stratified {report.folds}-fold "
        "cross-validation (no message is scored by a model that saw it)",
        "",
        f"{'figure':<26}{'router':>9}{'baseline':>10}{'target':>9}  note",
    ]
    for key, value in report.figures.items():
        base = report.baseline.get(key)
        target = TARGETS.get(key)
        note = ""
        if target is not None:
            note = "met" if value >= target else f"missed by {100 * (target - value):.1f} points"
        lines.append(
            f"{key:<26}{100 * value:>8.1f}%"
            + (f"{100 * base:>9.1f}%" if base is not None else f"{'':>10}")
            + (f"{100 * target:>8.0f}%" if target is not None else f"{'':>9}")
            + f"  {note}"
        )
    lines.append(f"(auto-apply threshold {report.auto_threshold:.2f})")
    lines.append("")
    lines.append("Hard cases (unit top-1):")
    for name, h in report.hard.items():
        lines.append(
            f"  {name:<16} n={h['n']:<4} router {100 * h['router']:.1f}%  "
            f"baseline {100 * h['baseline']:.1f}%"
        )
    target_ms = 20.0
    verdict = "met" if report.ms_per_message <= target_ms else "missed"
    lines.append("")
    lines.append(
        f"suggestion time: {report.ms_per_message:.2f} ms per message (target ≤ 20 ms, {verdict})"
    )
    return "\n".join(lines)
