"""The suggestions the verifier sees, with their reasons: built from a ``Prediction``.

Pure apart from gettext: reasons are English msgids translated to Indonesian (the
interface default), e.g. "kata kunci “lampu jalan” → Disperkim; model: 0.94".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from . import rules

if TYPE_CHECKING:  # annotations only: the engine imports the classifier (scikit-learn)
    from .engine import Prediction


@dataclass(frozen=True)
class UnitSuggestion:
    unit_code: str
    confidence: float
    reason: str
    alternatives: list[tuple[str, float]]  # top 3, the suggestion first


@dataclass(frozen=True)
class KindSuggestion:
    value: str  # pengaduan | aspirasi | permintaan_informasi
    confidence: float
    reason: str


@dataclass(frozen=True)
class OversightSuggestion:
    value: bool  # berkadar pengawasan → Inspektorat
    confidence: float
    reason: str


@dataclass(frozen=True)
class PlaceSuggestion:
    kecamatan_code: str | None
    kelurahan_code: str | None
    confidence: float
    reason: str


@dataclass(frozen=True)
class Suggestions:
    unit: UnitSuggestion
    kind: KindSuggestion
    oversight: OversightSuggestion
    place: PlaceSuggestion
    auto_apply_unit: bool
    operator_decides: bool


def _area_office(code: str, place: PlaceSuggestion, units: dict) -> str:
    """ "kelurahan"/"kecamatan" → the office of the place found, when that unit exists."""
    area = None
    if code == "kelurahan" and place.kelurahan_code:
        area = "kel-" + place.kelurahan_code.replace(".", "-")
    elif code == "kecamatan" and place.kecamatan_code:
        area = "kec-" + place.kecamatan_code.replace(".", "-")
    return area if area and area in units else code


def _label(code: str, units: dict) -> str:
    if code == rules.PPID:
        return "PPID"
    return units.get(code, (code, ""))[0]


def _unit_reason(p: Prediction, code: str, *, units, model_available, category_unit) -> str:
    parts = []
    for phrase in p.matched_phrases.get(code, [])[:2]:
        parts.append(
            _("keyword “%(phrase)s” → %(unit)s") % {"phrase": phrase, "unit": _label(code, units)}
        )
    if category_unit == code:
        parts.append(_("default unit of the chosen category"))
    if code in p.place.unit_hints:
        parts.append(_("landmark named in the text"))
    if model_available:
        parts.append(
            _("model: %(unit)s %(confidence).2f")
            % {"unit": _label(p.model_top[0], units), "confidence": p.model_top[1]}
        )
    if rules.is_outside_authority(code):
        parts.append(_("outside the city's authority: refer at once"))
    return "; ".join(parts)


def _place(p: Prediction, map_place) -> PlaceSuggestion:
    text_place = p.place
    if text_place.kelurahan_code:
        return PlaceSuggestion(
            text_place.kecamatan_code,
            text_place.kelurahan_code,
            text_place.confidence,
            _("named in the text: “%(name)s”") % {"name": text_place.matched},
        )
    if map_place and (not text_place.kecamatan_code or text_place.kecamatan_code == map_place[0]):
        return PlaceSuggestion(map_place[0], map_place[1], 0.95, _("from the point on the map"))
    if text_place.kecamatan_code:
        return PlaceSuggestion(
            text_place.kecamatan_code,
            None,
            text_place.confidence,
            _("kecamatan named in the text: “%(name)s”") % {"name": text_place.matched},
        )
    return PlaceSuggestion(None, None, 0.0, _("no place named"))


def build_suggestions(
    p: Prediction,
    *,
    units: dict[str, tuple[str, str]],
    model_available: bool,
    category_unit: str | None,
    map_place: tuple[str, str] | None,
    auto_apply_enabled: bool,
    auto_apply_threshold: float,
    operator_threshold: float,
    model_floor: float = 0.0,
) -> Suggestions:
    """The verifier's suggestions. Auto-apply needs the category's switch, its threshold
    AND the model's own floor for the suggested unit (``model_floor``: the confidence
    above which held-apart predictions were >= 98 % precise); it never happens when the
    message may report misconduct (flagged, or at the model's lower hold threshold:
    ``Prediction.hold_for_person``): a person decides those."""
    place = _place(p, map_place)
    decision = rules.decide(
        p.unit_confidence,
        operator_threshold=operator_threshold,
        auto_apply_enabled=auto_apply_enabled,
        auto_apply_threshold=max(auto_apply_threshold, model_floor),
    )
    reason = _unit_reason(
        p, p.unit_code, units=units, model_available=model_available, category_unit=category_unit
    )
    auto_apply = decision.auto_apply
    if auto_apply and p.hold_for_person:
        auto_apply = False
        reason += "; " + _("possible misconduct: not applied automatically, a person decides")
    if decision.operator_decides:
        reason = _("confidence below %(threshold).2f: operator decides") % {
            "threshold": operator_threshold
        } + ("; " + reason if reason else "")
    unit = UnitSuggestion(
        unit_code=_area_office(p.unit_code, place, units),
        confidence=round(p.unit_confidence, 4),
        reason=reason,
        alternatives=[(_area_office(c, place, units), round(v, 4)) for c, v in p.alternatives],
    )
    if p.kind == rules.INFORMASI:
        kind_reason = _("request for public information → PPID flow")
    elif p.unit_code == rules.INSPEKTORAT and p.kind == rules.PENGADUAN:
        kind_reason = _("report of misconduct by officials → complaint")
    elif p.kind == rules.ASPIRASI and p.kind_cues:
        kind_reason = _("suggestion words: %(words)s") % {"words": ", ".join(p.kind_cues[:3])}
    else:
        kind_reason = _("model: %(confidence).2f") % {"confidence": p.kind_confidence}
    if p.oversight:
        phrases = p.matched_phrases.get(rules.INSPEKTORAT, []) or list(p.misconduct_cues)
        oversight_reason = _(
            "possible misconduct by officials → Inspektorat (%(confidence).2f)"
        ) % {"confidence": p.oversight_confidence}
        if phrases:
            oversight_reason += "; " + _("keyword “%(phrase)s”") % {"phrase": phrases[0]}
    else:
        oversight_reason = _("no sign of misconduct by officials")
    return Suggestions(
        unit=unit,
        kind=KindSuggestion(p.kind, round(p.kind_confidence, 4), kind_reason),
        oversight=OversightSuggestion(
            p.oversight,
            round(p.oversight_confidence if p.oversight else 1 - p.oversight_confidence, 4),
            oversight_reason,
        ),
        place=place,
        auto_apply_unit=auto_apply,
        operator_decides=decision.operator_decides,
    )
