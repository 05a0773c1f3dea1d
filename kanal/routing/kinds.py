"""Complaint or suggestion: the kind of a message that is not an information request.

The labelling rules (data/routing/README.md) call a message ``aspirasi`` when it
suggests something or asks for something new or better, and ``pengaduan`` when it
reports a problem with something that exists (including urgent reports). The kind
classifier's margins carry the topic more than the mood of a message, so this module
adds the mood as a handful of features of the normalised text, and a small logistic
regression weighs them against the classifier's margin:

- suggestion cues (``rules.ASPIRASI_CUES`` and ``cues.SUGGESTION_EXTRA``, each counted
  once), split into strong ones and the weak ones that complaints use too ("bikin",
  "dong"); a cue right after "yang", "sudah", "pernah" or "telah" describes something
  that was done ("pelatihan yang diadakan", "sudah pernah diusulkan") and is counted
  apart, as the opposite signal;
- a request to create: a request word ("mohon", "tolong", "minta", "usul", "agar" …)
  followed within four words by a verb of making or adding ("dibangun", "dipasang",
  "disediakan", "ditambah" …);
- a request to repair or act on a fault ("diperbaiki", "ditindak", "diangkut" …) and
  the complaint words of ``cues.COMPLAINT`` ("rusak", "mati", "bocor" …);
- absence ("belum ada", "tidak punya", "kenapa tidak ada"): something missing that
  the writer wants made;
- the length of the message (long letters mix a report with a wish).

The weights are fitted on held-apart predictions only (the inner, grouped folds of
``classifier.fit_model``), with the regularisation chosen by a grouped cross-validation
over those rows, and are stored as plain numbers: suggesting needs no scikit-learn
call. Pure functions, no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import cues, rules
from .scoring import WEAK_SUGGESTION_CUES

# A suggestion cue right after one of these describes what exists or was done.
DONE_BEFORE = frozenset(("yang", "sudah", "pernah", "telah", "sempat"))
REQUEST_WORDS = frozenset(
    (
        "mohon",
        "tolong",
        "minta",
        "meminta",
        "harap",
        "berharap",
        "agar",
        "supaya",
        "usul",
        "mengusulkan",
        "saran",
        "perlu",
        "butuh",
        "ingin",
        "pengen",
    )
)
MAKING_WORDS = frozenset(
    (
        "dibuat",
        "dibuatkan",
        "buatkan",
        "bikin",
        "dibikin",
        "bikinin",
        "dibangun",
        "bangun",
        "diadakan",
        "adakan",
        "mengadakan",
        "adain",
        "disediakan",
        "sediakan",
        "menyediakan",
        "dipasang",
        "pasang",
        "dipasangi",
        "ditambah",
        "tambah",
        "tambahin",
        "menambah",
        "dibentuk",
        "diterbitkan",
        "dibuka",
        "buka",
        "menerapkan",
        "diterapkan",
        "difasilitasi",
        "memfasilitasi",
        "dipinjamkan",
        "dikasih",
        "diberi",
        "diberikan",
        "layanan",
        "program",
        "pelatihan",
    )
)
REPAIR_WORDS = frozenset(
    (
        "diperbaiki",
        "perbaiki",
        "perbaikan",
        "ditindak",
        "ditindaklanjuti",
        "diangkut",
        "dibersihkan",
        "ditertibkan",
        "diganti",
        "dicek",
        "ditangani",
        "segera",
        "dibetulkan",
        "diusut",
        "ditutup",
    )
)
ABSENCE = ("belum ada", "tidak ada", "belum punya", "tidak punya", "belum memiliki")
REQUEST_REACH = 4  # words after a request word in which a making word counts

SUGGESTION_CUES = tuple(dict.fromkeys((*rules.ASPIRASI_CUES, *cues.SUGGESTION_EXTRA)))
FEATURES = (
    "margin",  # kind classifier: aspirasi minus pengaduan
    "strong_cues",
    "weak_cues",
    "complaint_words",
    "request_to_make",
    "repair_words",
    "absence",
    "cues_after_done",
    "log_words",
)
CAP = 3  # counts above this say no more


def _cue_counts(words: list[str]) -> tuple[int, int, int]:
    """(strong, weak, after "yang/sudah/pernah …") suggestion cues, each cue once."""
    strong = weak = done = 0
    padded = f" {' '.join(words)} "
    for cue in SUGGESTION_CUES:
        if f" {cue} " not in padded:  # most cues are absent: skip the scan
            continue
        parts = cue.split()
        n = len(parts)
        for i in range(len(words) - n + 1):
            if words[i : i + n] == parts:
                if i and words[i - 1] in DONE_BEFORE:
                    done += 1
                elif cue in WEAK_SUGGESTION_CUES:
                    weak += 1
                else:
                    strong += 1
                break
    return strong, weak, done


def _requests_to_make(words: list[str]) -> int:
    return sum(
        w in REQUEST_WORDS and any(x in MAKING_WORDS for x in words[i + 1 : i + 1 + REQUEST_REACH])
        for i, w in enumerate(words)
    )


def kind_features(kind_margins: dict[str, float], normalised_text: str) -> list[float]:
    """The values of ``FEATURES`` for one message (``normalised_text`` from
    ``text.normalise``; ``kind_margins`` from the kind classifier)."""
    words = normalised_text.split()
    padded = f" {normalised_text} "
    strong, weak, done = _cue_counts(words)
    return [
        kind_margins.get(rules.ASPIRASI, 0.0) - kind_margins.get(rules.PENGADUAN, 0.0),
        min(strong, CAP),
        min(weak, CAP),
        min(cues.complaint_count(normalised_text), CAP),
        min(_requests_to_make(words), CAP),
        min(sum(w in REPAIR_WORDS for w in words), CAP),
        min(sum(f" {a} " in padded for a in ABSENCE), 2),
        min(done, 2),
        math.log1p(len(words)),
    ]


@dataclass(frozen=True)
class KindWeights:
    """A fitted logistic regression over ``FEATURES``: P(aspirasi | not informasi)."""

    coefficients: tuple[float, ...]
    intercept: float
    regularisation: float  # the C chosen by grouped cross-validation (for the record)

    def aspirasi_probability(self, kind_margins: dict[str, float], normalised_text: str) -> float:
        """Probability that a message which is not an information request is a
        suggestion (``aspirasi``) rather than a complaint."""
        values = kind_features(kind_margins, normalised_text)
        z = self.intercept + sum(c * v for c, v in zip(self.coefficients, values, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


REGULARISATIONS = (0.1, 0.3, 1.0, 3.0, 10.0)


def fit_kind_weights(
    kind_margins: list[dict[str, float]],
    texts: list[str],
    gold: list[str],
    groups: list[str],
) -> KindWeights | None:
    """Weights fitted on held-apart kind margins (``kind_margins`` of messages the kind
    classifier did not see) of the complaints and suggestions among them; the
    regularisation is the one with the most rows right under a cross-validation that
    holds out whole writer/style ``groups`` (ties to the stronger regularisation).
    None when the rows hold fewer than two of each kind."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    keep = [i for i, g in enumerate(gold) if g in (rules.PENGADUAN, rules.ASPIRASI)]
    x = np.array([kind_features(kind_margins[i], texts[i]) for i in keep], dtype=float)
    y = np.array([gold[i] == rules.ASPIRASI for i in keep])
    row_groups = [groups[i] for i in keep]
    if min(int(y.sum()), int((~y).sum())) < 2:
        return None

    def right(c: float) -> int:
        folds = min(5, len(set(row_groups)))
        if folds < 2:
            return 0
        total = 0
        for train, test in GroupKFold(n_splits=folds).split(x, y, row_groups):
            if len(set(y[train].tolist())) < 2:
                continue
            fitted = LogisticRegression(C=c, max_iter=1000).fit(x[train], y[train])
            total += int((fitted.predict(x[test]) == y[test]).sum())
        return total

    scores = {c: right(c) for c in REGULARISATIONS}
    chosen = max(REGULARISATIONS, key=lambda c: (scores[c], -c))
    fitted = LogisticRegression(C=chosen, max_iter=1000).fit(x, y)
    return KindWeights(
        tuple(float(v) for v in fitted.coef_[0]), float(fitted.intercept_[0]), chosen
    )
