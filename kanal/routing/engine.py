"""One message in, all suggestions out: the pure core behind ``queries.suggest``.

No database: the caller passes the trained model, the compiled keyword index and the
gazetteer. ``evaluation.py`` calls exactly this function, so the figures it reports are
the figures of what the verifier sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from . import cues, rules
from .classifier import RouterModel, prepare
from .places import Gazetteer, PlaceMatch, extract_place
from .scoring import (
    KIND_CUE_WEIGHT,
    information_probability,
    kind_probabilities,
    override_for_oversight,
    sigmoid,
    with_oversight,
)

# Oversight is flagged when Inspektorat is this probable, even if it is not the top
# unit: a missed misconduct report costs more than a second look (recall first). A
# trained model carries its own threshold, chosen on held-apart predictions.
OVERSIGHT_THRESHOLD = 0.2


class ScoringModel(Protocol):
    """What :func:`predict` needs of a model: the trained :class:`RouterModel`, or the
    rules-only stand-in used when no model file exists (every margin 0)."""

    beta: float
    gamma: float
    temperature: float
    kind_temperature: float
    oversight_temperature: float

    def margins(self, prepared: tuple[str, str]) -> tuple[dict, dict, float]: ...


@dataclass(frozen=True)
class Prediction:
    unit_probabilities: dict[str, float]
    unit_code: str
    unit_confidence: float
    alternatives: list[tuple[str, float]]
    matched_phrases: dict[str, list[str]]  # unit → strongest phrases found
    model_top: tuple[str, float]  # what the model alone prefers, with its probability
    kind: str
    kind_confidence: float
    kind_cues: list[str]
    oversight: bool
    oversight_confidence: float
    place: PlaceMatch
    # Possible misconduct: flagged, or the oversight confidence reaches the model's hold
    # threshold. Such a message is never applied automatically; a person decides.
    hold_for_person: bool = False
    misconduct_cues: tuple[str, ...] = ()


def predict(
    text: str,
    model: RouterModel | ScoringModel,
    keywords: rules.KeywordIndex,
    gazetteer: Gazetteer,
    *,
    slang: dict[str, str] | None = None,
    category_unit: str | None = None,
    category_weight: float = 1.0,
) -> Prediction:
    """Suggestions for ``text``. Places are read from the raw text first, then the text is
    normalised and stemmed for the model. ``category_unit`` (the default unit of the
    category the citizen chose) counts as one more rule of weight ``category_weight``;
    landmark unit hints count as rules too."""
    place = extract_place(text, gazetteer)
    if slang is None:
        slang = getattr(model, "slang", None)
    prepared = prepare(text, slang)
    found = rules.match_keywords(prepared[0], keywords)
    scores = rules.keyword_scores(found)
    for hint in place.unit_hints:
        scores[hint] = scores.get(hint, 0.0) + 1.0
    if category_unit:
        scores[category_unit] = scores.get(category_unit, 0.0) + category_weight
    unit_margins, kind_margins, oversight_margin = model.margins(prepared)
    margins = with_oversight(unit_margins, oversight_margin, model.gamma)
    combined = rules.combine_scores(margins, scores, beta=model.beta, temperature=model.temperature)
    combined = override_for_oversight(
        combined,
        information_probability(model, kind_margins, prepared[0]),
        getattr(model, "information_override", 1.01),
        rules.PPID,
    )
    probabilities = override_for_oversight(
        combined,
        sigmoid(oversight_margin / model.oversight_temperature),
        getattr(model, "oversight_override", 1.01),
    )
    ranked = rules.top_k(probabilities, 3)
    model_only = rules.softmax(margins, model.temperature)
    model_top = rules.top_k(model_only, 1)[0]
    unit_code, unit_conf = ranked[0]

    kind_cues = rules.kind_cues(prepared[0])
    weights = getattr(model, "kind_weights", None)
    if unit_code == rules.PPID:
        kind, kind_conf = rules.INFORMASI, unit_conf
    elif unit_code == rules.INSPEKTORAT:
        # The labelling rules: a report of misconduct by officials is a complaint.
        kind, kind_conf = rules.PENGADUAN, unit_conf
    elif weights is not None:
        aspirasi = weights.aspirasi_probability(kind_margins, prepared[0])
        kind = rules.ASPIRASI if aspirasi >= 0.5 else rules.PENGADUAN
        kind_conf = max(aspirasi, 1.0 - aspirasi)
    else:
        # A model file from before ``kinds``, or the rules alone: the cue weights.
        kind_probs = kind_probabilities(
            kind_margins,
            kind_cues,
            model.kind_temperature,
            getattr(model, "kind_bias", 0.0),
            getattr(model, "kind_cue_weight", KIND_CUE_WEIGHT),
            cues.complaint_count(prepared[0]),
            getattr(model, "complaint_weight", 0.0),
            getattr(model, "weak_cue_weight", None),
        )
        # The unit decides whether this is an information request (ppid ⇔ informasi).
        kind_probs.pop(rules.INFORMASI, None)
        total = sum(kind_probs.values()) or 1.0
        kind, kind_conf = max(kind_probs.items(), key=lambda kv: kv[1])
        kind_conf = kind_conf / total
    oversight_conf = max(
        probabilities.get(rules.INSPEKTORAT, 0.0),
        sigmoid(oversight_margin / model.oversight_temperature),
    )
    flag_at = getattr(model, "oversight_threshold", OVERSIGHT_THRESHOLD)
    flagged = unit_code == rules.INSPEKTORAT or oversight_conf >= flag_at
    return Prediction(
        unit_probabilities=probabilities,
        unit_code=unit_code,
        unit_confidence=unit_conf,
        alternatives=ranked,
        matched_phrases={u: rules.strongest_phrases(rows) for u, rows in found.items()},
        model_top=model_top,
        kind=kind,
        kind_confidence=kind_conf,
        kind_cues=kind_cues,
        oversight=flagged,
        oversight_confidence=oversight_conf,
        place=place,
        hold_for_person=flagged or oversight_conf >= getattr(model, "hold_threshold", flag_at),
        misconduct_cues=tuple(cues.misconduct_phrases(prepared[0])),
    )
