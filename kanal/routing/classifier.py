"""The learned part of routing: an Indonesian text classifier trained offline.

No Django here, so the evaluation script and the training command share it. The model
is TF-IDF on stemmed words (1–2-grams) and on character 2–5-grams of the normalised
text, with linear SVMs for the unit and for the kind of message. Its margins are
combined with the keyword rules (``rules.combine_scores``); the rules' weight ``beta``
and the temperature ``T`` that turns scores into calibrated confidences are fitted by
an inner cross-validation on the training data only, so they are never tuned on the
messages they are evaluated on.

How the scores are combined lives in ``scoring`` (shared with ``engine``), and how the
weights and thresholds are chosen on held-apart predictions in ``fitting``.

Training is deterministic (fixed seeds, sorted inputs) and takes about 20 s of CPU.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.svm import LinearSVC

from . import cues, rules
from .fitting import (
    OVERRIDE_GRID,
    choose_auto_thresholds,
    choose_hold_threshold,
    choose_oversight_threshold,
    fit_combination,
    fit_kind_temperature,
    fit_oversight_cues,
)
from .kinds import KindWeights, fit_kind_weights
from .scoring import (
    KIND_CUE_WEIGHT,
    cued_oversight,
    information_probability,
    override_for_oversight,
    sigmoid,
    with_information,
    with_oversight,
)
from .text import normalise, stemmed

SEED = 20260101
MODEL_FORMAT = 1


@dataclass
class Example:
    text: str
    unit: str
    kind: str
    oversight: bool = False
    group: str = ""  # (writer, style family): inner folds hold whole groups out


def prepare(text: str, slang: dict[str, str] | None = None) -> tuple[str, str]:
    """(normalised, stemmed) forms of a message; places are extracted before this."""
    norm = normalise(text, slang)
    return norm, stemmed(norm)


@dataclass
class TextFeatures:
    word: TfidfVectorizer
    char: TfidfVectorizer

    @classmethod
    def fit(cls, prepared: list[tuple[str, str]]) -> TextFeatures:
        word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, dtype=np.float32)
        char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, dtype=np.float32
        )
        word.fit([s for _, s in prepared])
        char.fit([n for n, _ in prepared])
        for vectorizer in (word, char):
            # A set of the n-grams dropped by min_df: not needed to transform, and its
            # pickled order changes with hash seeds (the model file must be reproducible).
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_
        return cls(word, char)

    def transform(self, prepared: list[tuple[str, str]]):
        return hstack(
            [
                self.word.transform([s for _, s in prepared]),
                self.char.transform([n for n, _ in prepared]),
            ]
        ).tocsr()


class ConstantClassifier:
    """Stands in for an SVM when the training labels hold a single class."""

    def __init__(self, label):
        self.classes_ = np.array([label])

    def decision_function(self, matrix):
        return np.zeros((matrix.shape[0], 1))


def _svm(features, labels):
    if len(set(labels)) < 2:
        return ConstantClassifier(labels[0])
    clf = LinearSVC(C=0.5, class_weight="balanced", random_state=SEED, max_iter=5000)
    clf.fit(features, labels)
    clf.coef_ = clf.coef_.astype(np.float32)  # half the file size, same predictions
    clf.intercept_ = clf.intercept_.astype(np.float32)
    return clf


def _margins(clf: LinearSVC, matrix) -> list[dict[str, float]]:
    scores = np.asarray(clf.decision_function(matrix), dtype=float)
    if scores.ndim == 1 and len(clf.classes_) == 2:  # binary: one column for classes_[1]
        scores = np.column_stack([-scores, scores])
    return [dict(zip(clf.classes_.tolist(), row.tolist(), strict=True)) for row in scores]


@dataclass
class RouterModel:
    """What ``routing_train`` writes to kanal/routing/model/router.joblib."""

    features: TextFeatures
    unit_clf: LinearSVC
    kind_clf: LinearSVC
    oversight_clf: LinearSVC
    beta: float = 1.0
    gamma: float = 0.0  # weight of the oversight classifier's margin for Inspektorat
    oversight_temperature: float = 1.0
    temperature: float = 1.0
    kind_temperature: float = 1.0
    kind_bias: float = 0.0  # added to aspirasi: suggestions are under-predicted otherwise
    trained_on: int = 0
    info: dict = field(default_factory=dict)
    format: int = MODEL_FORMAT
    # The slang table the model was trained with (None: text.DEFAULT_SLANG).
    slang: dict | None = None
    # Auto-apply floors chosen on held-apart predictions for >= AUTO_PRECISION precision:
    # one for all units, and a higher one for units that need it.
    auto_threshold: float = 1.01
    auto_thresholds: dict = field(default_factory=dict)
    # Oversight is flagged at or above this confidence (chosen for recall first).
    oversight_threshold: float = 0.2
    # Misconduct goes to the Inspektorat wherever it happens: when the oversight
    # classifier alone is this sure, the Inspektorat is put first (1.01: never).
    oversight_override: float = 1.01
    # The labelling rules as cues (``cues``), each weighted on held-apart groups:
    eta: float = 0.0  # misconduct minus look-alike cues, added to the oversight margin
    delta: float = 0.0  # information-request signal added to the PPID margin
    kind_cue_weight: float = KIND_CUE_WEIGHT  # per suggestion cue, for aspirasi
    complaint_weight: float = 0.0  # per complaint cue, against aspirasi
    weak_cue_weight: float | None = None  # per weak suggestion cue (None: as the others)
    # A message whose oversight confidence reaches this is held for a person (never
    # applied automatically), even when it is not flagged: chosen for ~99 % recall.
    hold_threshold: float = 0.2
    # PPID is put first when the kind classifier is this sure of an information
    # request (1.01: never); chosen on held-apart groups like the oversight override.
    information_override: float = 1.01
    # Complaint or suggestion (``kinds``): weights fitted on held-apart groups; None in
    # model files from before them (the cue weights above decide then).
    kind_weights: KindWeights | None = None

    def margins(self, prepared: tuple[str, str]):
        """(unit margins, kind margins, oversight margin) of one message, one transform,
        with the rule cues added as the trained weights say."""
        x = self.features.transform([prepared])
        over = _margins(self.oversight_clf, x)[0].get(True, -1.0)
        kind = _margins(self.kind_clf, x)[0]
        unit = with_information(
            _margins(self.unit_clf, x)[0], kind, prepared[0], getattr(self, "delta", 0.0)
        )
        return unit, kind, cued_oversight(over, prepared[0], getattr(self, "eta", 0.0))

    def unit_margins(self, prepared: list[tuple[str, str]]) -> list[dict[str, float]]:
        return _margins(self.unit_clf, self.features.transform(prepared))

    def oversight_margin(self, prepared: list[tuple[str, str]]) -> list[float]:
        return [
            m.get(True, -1.0)
            for m in _margins(self.oversight_clf, self.features.transform(prepared))
        ]

    def kind_margins(self, prepared: list[tuple[str, str]]) -> list[dict[str, float]]:
        return _margins(self.kind_clf, self.features.transform(prepared))


def fit_model(
    examples: list[Example],
    keywords: rules.KeywordIndex,
    *,
    tune: bool = True,
    slang: dict[str, str] | None = None,
    extra: list[Example] | tuple = (),
):
    """Train on ``examples`` plus ``extra`` (the registry's own texts: trained on, never
    used to tune). With ``tune``, fit beta, gamma and the temperatures by an inner
    cross-validation that holds out whole writer/style groups, and choose the auto-apply
    and oversight thresholds on those held-apart predictions."""
    examples = sorted(examples, key=lambda e: (e.unit, e.kind, e.text, e.group))
    extra = sorted(extra, key=lambda e: (e.unit, e.text))
    slang = slang or None
    prepared = [prepare(e.text, slang) for e in examples]
    extra_prepared = [prepare(e.text, slang) for e in extra]
    everything = examples + extra
    features = TextFeatures.fit(prepared + extra_prepared)
    matrix = features.transform(prepared + extra_prepared)
    model = RouterModel(
        features=features,
        unit_clf=_svm(matrix, [e.unit for e in everything]),
        # The registry's duty texts say what a unit does, not what kind of message a
        # citizen sends: the kind classifier learns from messages only.
        kind_clf=_svm(matrix[: len(examples)], [e.kind for e in examples]),
        oversight_clf=_svm(matrix, [e.oversight for e in everything]),
        trained_on=len(examples),
        slang=slang,
    )
    if tune:
        margins, kind_margins, raw_oversight = _inner_margins(
            examples, prepared, extra, extra_prepared
        )
        texts = [n for n, _ in prepared]
        model.eta, model.oversight_temperature = fit_oversight_cues(
            raw_oversight, texts, [e.oversight for e in examples]
        )
        oversight = [
            cued_oversight(o, n, model.eta) for o, n in zip(raw_oversight, texts, strict=True)
        ]
        rule_scores = [_rule_scores(n, keywords) for n in texts]
        gold = [e.unit for e in examples]
        model.beta, model.gamma, model.delta, model.temperature = fit_combination(
            margins, rule_scores, oversight, gold, kind_margins, texts
        )
        margins = [
            with_information(m, k, n, model.delta)
            for m, k, n in zip(margins, kind_margins, texts, strict=True)
        ]
        kind_cue_lists = [rules.kind_cues(n) for n in texts]
        complaints = [cues.complaint_count(n) for n in texts]
        (
            model.kind_bias,
            model.kind_cue_weight,
            model.complaint_weight,
            model.weak_cue_weight,
            model.kind_temperature,
        ) = fit_kind_temperature(
            kind_margins, kind_cue_lists, [e.kind for e in examples], complaints
        )
        model.kind_weights = fit_kind_weights(
            kind_margins, texts, [e.kind for e in examples], [e.group for e in examples]
        )
        held_apart = [
            rules.combine_scores(
                with_oversight(m, o, model.gamma), r, beta=model.beta, temperature=model.temperature
            )
            for m, r, o in zip(margins, rule_scores, oversight, strict=True)
        ]
        info = [
            information_probability(model, k, n) for k, n in zip(kind_margins, texts, strict=True)
        ]
        model.information_override = max(
            OVERRIDE_GRID,
            key=lambda t: (
                sum(
                    rules.top_k(override_for_oversight(p, c, t, rules.PPID), 1)[0][0] == g
                    for p, c, g in zip(held_apart, info, gold, strict=True)
                ),
                t,
            ),
        )
        held_apart = [
            override_for_oversight(p, c, model.information_override, rules.PPID)
            for p, c in zip(held_apart, info, strict=True)
        ]
        model_oversight = [sigmoid(o / model.oversight_temperature) for o in oversight]
        model.oversight_override = max(
            OVERRIDE_GRID,
            key=lambda t: (
                sum(
                    rules.top_k(override_for_oversight(p, c, t), 1)[0][0] == g
                    for p, c, g in zip(held_apart, model_oversight, gold, strict=True)
                ),
                t,
            ),
        )
        held_apart = [
            override_for_oversight(p, c, model.oversight_override)
            for p, c in zip(held_apart, model_oversight, strict=True)
        ]
        top = [rules.top_k(p, 1)[0] for p in held_apart]
        model.auto_threshold, model.auto_thresholds = choose_auto_thresholds(
            [u for u, _ in top], [c for _, c in top], gold
        )
        oversight_conf = [
            max(p.get(rules.INSPEKTORAT, 0.0), sigmoid(o / model.oversight_temperature))
            for p, o in zip(held_apart, oversight, strict=True)
        ]
        model.oversight_threshold = choose_oversight_threshold(
            oversight_conf,
            [u == rules.INSPEKTORAT for u, _ in top],
            [e.oversight for e in examples],
        )
        model.hold_threshold = choose_hold_threshold(
            oversight_conf,
            [u == rules.INSPEKTORAT for u, _ in top],
            [e.oversight for e in examples],
            model.oversight_threshold,
        )
    return model


def inner_folds(labels: list, wanted: int = 5) -> int:
    """As many folds as wanted, but no more than the smallest class has members (≥ 2)."""
    smallest = min(Counter(labels).values())
    return max(2, min(wanted, smallest))


def inner_splits(examples: list[Example], folds: int = 5):
    """Folds holding whole writer/style groups out when there are at least three groups
    (the honest setting: tuned on ways of writing the model did not see), else
    stratified folds."""
    labels = [e.unit for e in examples]
    groups = [e.group for e in examples]
    if len(set(groups)) >= 3:
        splitter = GroupKFold(n_splits=min(folds, len(set(groups))))
        return list(splitter.split(np.zeros(len(labels)), labels, groups))
    splitter = StratifiedKFold(n_splits=inner_folds(labels, folds), shuffle=True, random_state=SEED)
    with warnings.catch_warnings():
        # Classes smaller than the fold count are expected (a unit with few messages).
        warnings.simplefilter("ignore", UserWarning)
        return list(splitter.split(np.zeros(len(labels)), labels))


def _inner_margins(examples, prepared, extra=(), extra_prepared=(), folds: int = 5):
    """Out-of-fold margins of models trained on the other folds (for fitting beta, T)."""
    out: list = [None] * len(examples)
    out_kind: list = [None] * len(examples)
    out_oversight: list = [0.0] * len(examples)
    for train_idx, test_idx in inner_splits(examples, folds):
        part = [examples[i] for i in train_idx] + list(extra)
        train_p = [prepared[i] for i in train_idx] + list(extra_prepared)
        feats = TextFeatures.fit(train_p)
        m = feats.transform(train_p)
        unit = _svm(m, [e.unit for e in part])
        kind = _svm(m[: len(train_idx)], [examples[i].kind for i in train_idx])
        over = _svm(m, [e.oversight for e in part])
        test_m = feats.transform([prepared[i] for i in test_idx])
        for i, u, k, o in zip(
            test_idx,
            _margins(unit, test_m),
            _margins(kind, test_m),
            _margins(over, test_m),
            strict=True,
        ):
            out[i], out_kind[i], out_oversight[i] = u, k, o.get(True, -1.0)
    return out, out_kind, out_oversight


def _rule_scores(normalised_text: str, keywords: rules.KeywordIndex) -> dict[str, float]:
    return rules.keyword_scores(rules.match_keywords(normalised_text, keywords))


def save_model(model: RouterModel, path) -> None:
    """Write the model file (joblib, zlib-compressed; same model → same bytes)."""
    import joblib

    for vectorizer in (model.features.word, model.features.char):
        # id() of the stop-word list: a cache key that differs between processes.
        vectorizer.__dict__.pop("_stop_words_id", None)
    joblib.dump(model, path, compress=("zlib", 6))
