"""How the router's scores are combined: pure functions shared by training
(``classifier``, ``fitting``) and suggestions (``engine``). No Django."""

from __future__ import annotations

import math

from . import cues, rules

KIND_CUE_WEIGHT = 0.5
# Suggestion cues that are common in complaints too ("bikin KTP lama", "tolong dong").
WEAK_SUGGESTION_CUES = frozenset(
    ("bikin", "dong", "ide", "program", "supaya", "semoga", "harap", "berharap", "belum ada")
)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def cued_oversight(margin: float, normalised_text: str, eta: float) -> float:
    """The oversight classifier's margin plus the misconduct cues, weighted ``eta``."""
    return margin + eta * cues.misconduct_score(normalised_text) if eta else margin


def with_information(margins, kind_margins, normalised_text: str, delta: float):
    """Unit margins with the information-request signal (the kind classifier's margin
    for permintaan informasi plus the request cues) added to PPID, weighted ``delta``:
    a request for documents goes to the PPID flow however angry its wording."""
    if not delta or rules.PPID not in margins:
        return margins
    signal = kind_margins.get(rules.INFORMASI, 0.0) + cues.information_score(normalised_text)
    margins = dict(margins)
    margins[rules.PPID] += delta * signal
    return margins


def with_oversight(margins: dict[str, float], oversight_margin: float, gamma: float):
    """Unit margins with the oversight classifier's vote added to Inspektorat."""
    if gamma and rules.INSPEKTORAT in margins:
        margins = dict(margins)
        margins[rules.INSPEKTORAT] += gamma * oversight_margin
    return margins


def kind_probabilities(
    margins: dict[str, float],
    cues: list[str],
    temperature: float,
    bias: float = 0.0,
    cue_weight: float = KIND_CUE_WEIGHT,
    complaints: int = 0,
    complaint_weight: float = 0.0,
    weak_weight: float | None = None,
):
    """Kind probabilities: the classifier's margins, with aspirasi moved by its bias,
    by ``cue_weight`` per suggestion cue and by ``-complaint_weight`` per complaint
    cue (each counted up to three); the weak cues ("bikin", "dong" …: common in
    complaints too) count ``weak_weight`` each (default: as the others)."""
    if weak_weight is None:
        weak_weight = cue_weight
    boosted = dict(margins)
    if rules.ASPIRASI in boosted:
        strong = sum(c not in WEAK_SUGGESTION_CUES for c in cues)
        boosted[rules.ASPIRASI] += (
            bias
            + cue_weight * min(strong, 3)
            + weak_weight * min(len(cues) - strong, 3)
            - complaint_weight * min(complaints, 3)
        )
    return rules.softmax(boosted, temperature)


def information_probability(model, kind_margins, normalised_text: str) -> float:
    """The kind classifier's probability of an information request (with the request
    cues added to its margin), at the kind temperature."""
    margins = dict(kind_margins)
    if rules.INFORMASI not in margins:
        return 0.0
    margins[rules.INFORMASI] += cues.information_score(normalised_text)
    return rules.softmax(margins, model.kind_temperature)[rules.INFORMASI]


def override_for_oversight(
    probabilities: dict[str, float], oversight: float, at: float, unit: str = rules.INSPEKTORAT
):
    """``probabilities`` with ``unit`` (the Inspektorat) first, at probability
    ``oversight`` and the others scaled to the rest, when the dedicated classifier is at
    least ``at`` sure. Also used for PPID with the kind classifier's information-request
    probability (an information request goes to the PPID flow whatever its topic)."""
    if oversight < at or unit not in probabilities:
        return probabilities
    if rules.top_k(probabilities, 1)[0][0] == unit:
        return probabilities
    rest = sum(v for k, v in probabilities.items() if k != unit) or 1.0
    scaled = {k: v * (1 - oversight) / rest for k, v in probabilities.items()}
    scaled[unit] = oversight
    return scaled
