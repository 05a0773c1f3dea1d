"""The learned part of routing: an Indonesian text classifier trained offline.

No Django here, so the evaluation script and the training command share it. The model
is TF-IDF on stemmed words (1–2-grams) and on character 2–5-grams of the normalised
text, with linear SVMs for the unit and for the kind of message. Its margins are
combined with the keyword rules (``rules.combine_scores``); the rules' weight ``beta``
and the temperature ``T`` that turns scores into calibrated confidences are fitted by
an inner cross-validation on the training data only, so they are never tuned on the
messages they are evaluated on.

Training is deterministic (fixed seeds, sorted inputs) and takes seconds.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from . import rules
from .text import normalise, stemmed

SEED = 20260101
MODEL_FORMAT = 1
BETAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)
GAMMAS = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0)
TEMPERATURES = tuple(round(0.05 * i, 2) for i in range(1, 41))
KIND_CUE_WEIGHT = 0.5


@dataclass
class Example:
    text: str
    unit: str
    kind: str
    oversight: bool = False


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
    trained_on: int = 0
    info: dict = field(default_factory=dict)
    format: int = MODEL_FORMAT

    def margins(self, prepared: tuple[str, str]):
        """(unit margins, kind margins, oversight margin) of one message, one transform."""
        x = self.features.transform([prepared])
        over = _margins(self.oversight_clf, x)[0].get(True, -1.0)
        return _margins(self.unit_clf, x)[0], _margins(self.kind_clf, x)[0], over

    def unit_margins(self, prepared: list[tuple[str, str]]) -> list[dict[str, float]]:
        return _margins(self.unit_clf, self.features.transform(prepared))

    def oversight_margin(self, prepared: list[tuple[str, str]]) -> list[float]:
        return [
            m.get(True, -1.0)
            for m in _margins(self.oversight_clf, self.features.transform(prepared))
        ]

    def kind_margins(self, prepared: list[tuple[str, str]]) -> list[dict[str, float]]:
        return _margins(self.kind_clf, self.features.transform(prepared))


def fit_model(examples: list[Example], keywords: rules.KeywordIndex, *, tune: bool = True):
    """Train on ``examples``; with ``tune`` fit beta and T by inner 5-fold CV."""
    examples = sorted(examples, key=lambda e: (e.unit, e.kind, e.text))
    prepared = [prepare(e.text) for e in examples]
    features = TextFeatures.fit(prepared)
    matrix = features.transform(prepared)
    model = RouterModel(
        features=features,
        unit_clf=_svm(matrix, [e.unit for e in examples]),
        kind_clf=_svm(matrix, [e.kind for e in examples]),
        oversight_clf=_svm(matrix, [e.oversight for e in examples]),
        trained_on=len(examples),
    )
    if tune:
        margins, kind_margins, oversight = _inner_margins(examples, prepared)
        rule_scores = [_rule_scores(n, keywords) for n, _ in prepared]
        gold = [e.unit for e in examples]
        model.beta, model.gamma, model.temperature = fit_combination(
            margins, rule_scores, oversight, gold
        )
        model.oversight_temperature = min(
            TEMPERATURES,
            key=lambda t: (
                -sum(
                    math.log(max(1e-9, sigmoid(m / t) if e.oversight else 1 - sigmoid(m / t)))
                    for m, e in zip(oversight, examples, strict=True)
                )
            ),
        )
        cues = [rules.kind_cues(n) for n, _ in prepared]
        model.kind_temperature = fit_kind_temperature(
            kind_margins, cues, [e.kind for e in examples]
        )
    return model


def inner_folds(labels: list, wanted: int = 5) -> int:
    """As many folds as wanted, but no more than the smallest class has members (≥ 2)."""
    smallest = min(Counter(labels).values())
    return max(2, min(wanted, smallest))


def _inner_margins(examples, prepared, folds: int = 5):
    """Out-of-fold margins of models trained on the other folds (for fitting beta, T)."""
    labels = [e.unit for e in examples]
    folds = inner_folds(labels, folds)
    out: list = [None] * len(examples)
    out_kind: list = [None] * len(examples)
    out_oversight: list = [0.0] * len(examples)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    with warnings.catch_warnings():
        # Classes smaller than the fold count are expected (a unit with few messages).
        warnings.simplefilter("ignore", UserWarning)
        splits = list(splitter.split(np.zeros(len(labels)), labels))
    for train_idx, test_idx in splits:
        train_p = [prepared[i] for i in train_idx]
        feats = TextFeatures.fit(train_p)
        m = feats.transform(train_p)
        unit = _svm(m, [labels[i] for i in train_idx])
        kind = _svm(m, [examples[i].kind for i in train_idx])
        over = _svm(m, [examples[i].oversight for i in train_idx])
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


def _nll(probabilities: list[dict[str, float]], gold: list[str]) -> float:
    return -sum(
        math.log(max(p.get(g, 0.0), 1e-9)) for p, g in zip(probabilities, gold, strict=False)
    )


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def with_oversight(margins: dict[str, float], oversight_margin: float, gamma: float):
    """Unit margins with the oversight classifier's vote added to Inspektorat."""
    if gamma and rules.INSPEKTORAT in margins:
        margins = dict(margins)
        margins[rules.INSPEKTORAT] += gamma * oversight_margin
    return margins


def fit_combination(margins, rule_scores, oversight, gold) -> tuple[float, float, float]:
    """The (beta, gamma, T) with the best accuracy, then the lowest log-loss, on
    held-out margins (ties go to the smaller weights: the simpler model)."""
    best = None
    for beta in BETAS:
        for gamma in GAMMAS:
            raw = [
                rules.combine_scores(with_oversight(m, o, gamma), r, beta=beta, temperature=1.0)
                for m, r, o in zip(margins, rule_scores, oversight, strict=True)
            ]
            acc = sum(max(p, key=p.get) == g for p, g in zip(raw, gold, strict=True))
            if best is None or acc > best[0]:
                best = (acc, beta, gamma)
    _, beta, gamma = best
    temperature = min(
        TEMPERATURES,
        key=lambda t: _nll(
            [
                rules.combine_scores(with_oversight(m, o, gamma), r, beta=beta, temperature=t)
                for m, r, o in zip(margins, rule_scores, oversight, strict=True)
            ],
            gold,
        ),
    )
    return beta, gamma, temperature


def kind_probabilities(margins: dict[str, float], cues: list[str], temperature: float):
    boosted = dict(margins)
    if rules.ASPIRASI in boosted and cues:
        boosted[rules.ASPIRASI] += KIND_CUE_WEIGHT * min(len(cues), 3)
    return rules.softmax(boosted, temperature)


def fit_kind_temperature(kind_margins, cues, gold) -> float:
    return min(
        TEMPERATURES,
        key=lambda t: _nll(
            [kind_probabilities(m, c, t) for m, c in zip(kind_margins, cues, strict=True)],
            gold,
        ),
    )


def save_model(model: RouterModel, path) -> None:
    """Write the model file (joblib, zlib-compressed; same model → same bytes)."""
    import joblib

    for vectorizer in (model.features.word, model.features.char):
        # id() of the stop-word list: a cache key that differs between processes.
        vectorizer.__dict__.pop("_stop_words_id", None)
    joblib.dump(model, path, compress=("zlib", 6))
