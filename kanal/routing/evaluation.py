"""Honest evaluation of the router: grouped cross-validation and an untouched held-out set.

Two ways of scoring, both printed by ``routing_eval``:

- **grouped cross-validation** on the training rows: the folds hold out whole
  (writer, style family) groups (``training.group_of``: the team's dev set and each of
  our own writing passes, split into chat / formal letters / officers' notes), so every
  message is scored by a model that saw neither it nor anything written that way by that
  writer. Random splits of paraphrases overstate accuracy (issue 20: 95.7 % in-house,
  82.3 % on independent text).
- **held-out**: a model trained on all training rows scores a file that was written
  before any tuning and never trained or tuned on (``data/routing/heldout.jsonl``).

Every figure comes with a 95 % bootstrap interval (``metrics.interval``), and the
report adds per-unit precision/recall, the most frequent confusions, a calibration
table, the hard subset, and the plain baseline (TF-IDF words + characters, LinearSVC)
scored in the same folds. Timing is measured on ``predict`` with the full model.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GroupKFold
from sklearn.svm import LinearSVC

from . import rules
from .classifier import SEED, RouterModel, fit_model
from .engine import Prediction, predict
from .metrics import Scored, calibration, confusion_pairs, counts, figures, interval, per_unit
from .text import normalise, word_count
from .training import Resources, examples_from, group_of

SHORT_WORDS = 10
TARGETS = {
    "unit_top1": 0.92,
    "unit_top1_hard": 0.85,
    "unit_top3": 0.98,
    "oversight_recall": 0.95,
    "oversight_precision": 0.85,
    "kind_accuracy": 0.97,
    "auto_precision": 0.98,
}


def is_hard(row: dict, keywords: rules.KeywordIndex) -> bool:
    """Hard as labelled by its writer (``sulit``), or for rows without that field (the
    team's dev set): very short, or its keywords point at two or more units."""
    if "sulit" in row:
        return bool(row["sulit"])
    if word_count(row["text"]) <= SHORT_WORDS:
        return True
    found = rules.match_keywords(normalise(row["text"]), keywords)
    return sum(sum(r.weight for r in rs) >= 2 for rs in found.values()) >= 2


def auto_floor(model, unit: str) -> float:
    """The model's auto-apply floor for ``unit`` (chosen on held-apart predictions)."""
    return getattr(model, "auto_thresholds", {}).get(unit, getattr(model, "auto_threshold", 1.01))


def scored(p: Prediction, row: dict, model, hard: bool) -> Scored:
    gold_oversight = bool(row.get("pengawasan", row["opd"] == rules.INSPEKTORAT))
    return Scored(
        gold=row["opd"],
        unit=p.unit_code,
        top3=tuple(u for u, _ in p.alternatives),
        confidence=p.unit_confidence,
        gold_kind=row["jenis"],
        kind=p.kind,
        gold_oversight=gold_oversight,
        oversight=p.oversight,
        hard=hard,
        auto=p.unit_confidence >= auto_floor(model, p.unit_code) and not p.hold_for_person,
    )


def baseline_predictions(train: list[dict], test: list[dict]) -> list[str]:
    """The plain baseline: TF-IDF words (1–2) + char_wb (2–5) on raw text, LinearSVC."""
    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    texts = [r["text"] for r in train]
    x = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    clf = LinearSVC(random_state=SEED).fit(x, [r["opd"] for r in train])
    tests = [r["text"] for r in test]
    return clf.predict(hstack([word.transform(tests), char.transform(tests)]).tocsr()).tolist()


@dataclass
class Block:
    """The figures of one way of scoring (grouped CV, or the held-out file)."""

    title: str
    items: list[Scored]
    rows: list[dict]
    predictions: list[Prediction]
    baseline: list[str]
    figures: dict[str, float] = field(default_factory=dict)
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    baseline_figures: dict[str, float] = field(default_factory=dict)

    def compute(self, draws: int) -> Block:
        self.figures = figures(self.items)
        self.intervals = interval(self.items, draws=draws) if draws else {}
        self.counts = counts(self.items)
        base = [
            Scored(s.gold, b, (b,), 1.0, s.gold_kind, "", s.gold_oversight, False, s.hard)
            for s, b in zip(self.items, self.baseline, strict=True)
        ]
        f = figures(base)
        self.baseline_figures = {k: f[k] for k in ("unit_top1", "unit_top1_hard", "unit_macro_f1")}
        placed = [
            (p, r)
            for p, r in zip(self.predictions, self.rows, strict=True)
            if "kelurahan" in r or "kecamatan" in r
        ]
        if placed:
            self.figures["place_accuracy"] = sum(
                (p.place.kecamatan_code, p.place.kelurahan_code)
                == (r.get("kecamatan"), r.get("kelurahan"))
                for p, r in placed
            ) / len(placed)
            self.counts["place_accuracy"] = len(placed)
        return self


@dataclass
class Report:
    n: int
    folds: int
    blocks: list[Block] = field(default_factory=list)
    ms_per_message: float = 0.0
    model: RouterModel | None = None

    @property
    def figures(self) -> dict[str, float]:
        """The figures of the last block (the held-out file when there is one)."""
        return self.blocks[-1].figures

    @property
    def errors(self) -> list[tuple[str, str, str]]:
        block = self.blocks[-1]
        return [
            (r.get("id", str(i)), s.gold, s.unit)
            for i, (r, s) in enumerate(zip(block.rows, block.items, strict=True))
            if s.unit != s.gold
        ]


def grouped_folds(rows: list[dict], k: int):
    groups = [group_of(r) for r in rows]
    k = max(2, min(k, len(set(groups))))
    return k, list(GroupKFold(n_splits=k).split(np.zeros(len(rows)), None, groups))


def evaluate(
    rows: list[dict],
    res: Resources,
    *,
    heldout: list[tuple[str, list[dict]]] | None = None,
    k: int = 5,
    draws: int = 1000,
    model: RouterModel | None = None,
) -> Report:
    """Grouped ``k``-fold figures on ``rows`` and, for each (name, rows) of ``heldout``,
    the figures of a model trained on all ``rows`` (or the given ``model``) on it."""
    k, folds = grouped_folds(rows, k)
    report = Report(n=len(rows), folds=k)
    preds: list = [None] * len(rows)
    base: list = [""] * len(rows)
    for train_idx, test_idx in folds:
        train = [rows[i] for i in train_idx]
        fold_model = fit_model(
            examples_from(train), res.keywords, slang=res.slang, extra=res.registry
        )
        for i in test_idx:
            preds[i] = (
                predict(rows[i]["text"], fold_model, res.keywords, res.gazetteer),
                fold_model,
            )
        for i, label in zip(
            test_idx, baseline_predictions(train, [rows[i] for i in test_idx]), strict=True
        ):
            base[i] = label
    items = [
        scored(p, r, m, is_hard(r, res.keywords)) for (p, m), r in zip(preds, rows, strict=True)
    ]
    report.blocks.append(
        Block(
            f"grouped {k}-fold cross-validation on {len(rows)} training messages "
            "(whole writer/style groups held out)",
            items,
            rows,
            [p for p, _ in preds],
            base,
        ).compute(draws)
    )
    if heldout:
        full = model or fit_model(
            examples_from(rows), res.keywords, slang=res.slang, extra=res.registry
        )
        report.model = full
        sets = list(heldout)
        if len(sets) > 1:
            sets.append(("all held-out files", [r for _, part in heldout for r in part]))
        for name, part in sets:
            report.blocks.append(heldout_block(name, part, rows, full, res, draws))
    timing_rows = [r for _, part in heldout or [] for r in part] or rows
    report.ms_per_message = time_predictions(timing_rows, res, report.model)
    return report


def heldout_block(
    name: str, part: list[dict], train: list[dict], model, res: Resources, draws: int
) -> Block:
    """Figures of ``model`` (trained on ``train``) on a file it never saw."""
    preds = [predict(r["text"], model, res.keywords, res.gazetteer) for r in part]
    return Block(
        f"held-out: {name}, {len(part)} messages never trained or tuned on",
        [scored(p, r, model, is_hard(r, res.keywords)) for p, r in zip(preds, part, strict=True)],
        part,
        preds,
        baseline_predictions(train, part),
    ).compute(draws)


def time_predictions(rows, res: Resources, model=None) -> float:
    """Mean milliseconds per ``predict`` call with a model trained on all rows."""
    model = model or fit_model(examples_from(rows), res.keywords, tune=False, slang=res.slang)
    predict(rows[0]["text"], model, res.keywords, res.gazetteer)  # warm-up
    start = time.perf_counter()
    for row in rows:
        predict(row["text"], model, res.keywords, res.gazetteer)
    return (time.perf_counter() - start) * 1000 / len(rows)


def _pct(value: float) -> str:
    return "   –  " if value != value else f"{100 * value:5.1f}%"


def format_block(block: Block) -> list[str]:
    lines = [block.title, ""]
    lines.append(
        f"{'figure':<22}{'router':>8}  {'95% interval':<15}{'n':>5}"
        f"{'baseline':>10}{'goal':>7}  note"
    )
    for key, value in block.figures.items():
        lo_hi = block.intervals.get(key)
        ci = f"{100 * lo_hi[0]:5.1f}–{100 * lo_hi[1]:5.1f}%" if lo_hi else ""
        base = block.baseline_figures.get(key)
        goal = TARGETS.get(key)
        note = ""
        if goal is not None and value == value:
            if lo_hi and lo_hi[0] >= goal:
                note = "met (whole interval)"
            elif value >= goal:
                note = "met (interval reaches below)"
            else:
                note = f"missed by {100 * (goal - value):.1f} points"
        lines.append(
            f"{key:<22}{_pct(value):>8}  {ci:<15}{block.counts.get(key, 0):>5}"
            f"{_pct(base) if base is not None else '':>10}"
            f"{(f'{100 * goal:.0f}%') if goal else '':>7}  {note}"
        )
    lines += ["", "Calibration (is “90 % sure” right 90 % of the time?):"]
    table, ece = calibration(block.items)
    for low, high, n, conf, acc in table:
        lines.append(
            f"  confidence {low:.2f}–{high:.2f}: n={n:<4} mean {conf:.2f}  accuracy {acc:.2f}"
        )
    lines.append(f"  expected calibration error {ece:.3f}")
    lines += ["", "Most frequent confusions (gold → predicted):"]
    lines += [f"  {g} → {p}: {n}" for g, p, n in confusion_pairs(block.items)] or ["  none"]
    by_tag: dict[str, list[Scored]] = defaultdict(list)
    for row, s in zip(block.rows, block.items, strict=True):
        by_tag[f"gaya={row.get('gaya', '?')}"].append(s)
        by_tag[f"sumber={row.get('sumber') or 'dev'}"].append(s)
        if row.get("sulit"):
            by_tag[f"hard={row['sulit']}"].append(s)
    lines += ["", "Unit top-1 by style and by hard-case kind:"]
    for tag in sorted(by_tag):
        group = by_tag[tag]
        right = sum(s.unit == s.gold for s in group)
        lines.append(f"  {tag:<28} n={len(group):<4} {100 * right / len(group):5.1f}%")
    lines += ["", "Per unit (gold n, precision, recall, F1):"]
    for unit, (n, p, r, f1) in per_unit(block.items).items():
        lines.append(f"  {unit:<14} n={n:<4} P {_pct(p)}  R {_pct(r)}  F1 {_pct(f1)}")
    return lines


def format_report(report: Report) -> str:
    lines = []
    for block in report.blocks:
        lines += [*format_block(block), ""]
    if report.model is not None:
        m = report.model
        floors = ", ".join(f"{u} {t:.3f}" for u, t in sorted(m.auto_thresholds.items()))
        lines.append(
            f"auto-apply floor chosen on held-apart predictions: {m.auto_threshold:.3f}"
            + (f" (higher for {floors})" if floors else "")
            + f"; oversight flagged at ≥ {m.oversight_threshold:.2f}"
        )
    verdict = "met" if report.ms_per_message <= 20.0 else "missed"
    lines.append(
        f"suggestion time: {report.ms_per_message:.2f} ms per message (target ≤ 20 ms, {verdict})"
    )
    return "\n".join(lines)
