"""The evaluation's figures, intervals and the thresholds chosen on held-apart data."""

import pytest

from kanal.routing.classifier import (
    choose_auto_thresholds,
    choose_oversight_threshold,
    override_for_oversight,
)
from kanal.routing.metrics import Scored, calibration, confusion_pairs, figures, interval


def s(gold, unit, conf=0.9, *, hard=False, over=False, flagged=False, kind="pengaduan", auto=False):
    return Scored(gold, unit, (unit, gold), conf, "pengaduan", kind, over, flagged, hard, auto)


ITEMS = [
    s("dpu", "dpu", 0.95, auto=True),
    s("dpu", "dishub", 0.6, hard=True),
    s("dlh", "dlh", 0.99, auto=True),
    s("inspektorat", "inspektorat", 0.8, over=True, flagged=True),
    s("inspektorat", "disdikbud", 0.7, over=True, hard=True),
    s("luar-pln", "luar-pln", 0.97, flagged=True, kind="aspirasi"),
]


def test_figures_of_a_small_table():
    f = figures(ITEMS)
    assert f["unit_top1"] == pytest.approx(4 / 6)
    assert f["unit_top1_hard"] == 0.0
    assert f["unit_top3"] == 1.0
    assert f["oversight_recall"] == 0.5
    assert f["oversight_precision"] == 0.5
    assert f["kind_accuracy"] == pytest.approx(5 / 6)
    assert f["auto_share"] == pytest.approx(2 / 6) and f["auto_precision"] == 1.0
    assert f["outside_accuracy"] == 1.0


def test_interval_brackets_the_figure_and_is_reproducible():
    items = ITEMS * 20
    ci = interval(items, draws=300)
    low, high = ci["unit_top1"]
    assert low < figures(items)["unit_top1"] < high
    assert ci == interval(items, draws=300)


def test_confusions_and_calibration():
    assert confusion_pairs(ITEMS) == [("dpu", "dishub", 1), ("inspektorat", "disdikbud", 1)]
    table, ece = calibration(ITEMS)
    assert sum(n for _, _, n, _, _ in table) == len(ITEMS)
    assert 0 <= ece <= 1


def test_auto_threshold_is_the_lowest_with_99_percent_precision():
    # 100 right answers at 0.95 and above, two wrong ones below 0.91
    predicted = ["dpu"] * 100 + ["dpu", "dlh"]
    gold = ["dpu"] * 100 + ["dishub", "dpu"]
    confidence = [0.95 + 0.0004 * i for i in range(100)] + [0.9, 0.905]
    assert choose_auto_thresholds(predicted, confidence, gold) == (0.91, {})
    # the wrong "dlh" at 0.93 still leaves 100/101 >= 99 % above 0.91, but dlh alone
    # is never right above it: dlh is never applied automatically
    confidence[-1] = 0.93
    assert choose_auto_thresholds(predicted, confidence, gold) == (0.91, {"dlh": 1.01})


def test_oversight_threshold_weighs_recall_first():
    gold = [True] * 10 + [False] * 10
    confidence = [0.9] * 8 + [0.3, 0.25] + [0.35, 0.1] + [0.05] * 8
    # 0.15–0.25 all catch every case with one false alarm (best F2): the lowest wins;
    # 0.30 would lose a case, 0.10 would add a false alarm
    assert choose_oversight_threshold(confidence, [False] * 20, gold) == 0.15


def test_override_puts_the_inspektorat_first_only_when_the_classifier_is_sure():
    probs = {"disdikbud": 0.9, "inspektorat": 0.05, "dpu": 0.05}
    assert override_for_oversight(probs, 0.6, 0.7) is probs
    moved = override_for_oversight(probs, 0.8, 0.7)
    assert max(moved, key=moved.get) == "inspektorat"
    assert sum(moved.values()) == pytest.approx(1.0)
    assert moved["disdikbud"] == pytest.approx(0.2 * 0.9 / 0.95)
