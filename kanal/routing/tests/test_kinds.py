"""Complaint or suggestion: the mood features, their fitted weights and the kind rules of
``engine.predict`` (pure, no DB)."""

import pytest

from kanal.routing import kinds, rules
from kanal.routing.engine import predict
from kanal.routing.text import normalise

NEUTRAL = {rules.PENGADUAN: 0.0, rules.ASPIRASI: 0.0, rules.INFORMASI: -1.0}


def features(text: str, margins=NEUTRAL) -> dict[str, float]:
    return dict(zip(kinds.FEATURES, kinds.kind_features(margins, normalise(text)), strict=True))


@pytest.mark.parametrize(
    ("text", "feature", "value"),
    [
        ("mohon dibangun taman bermain di kelurahan kami", "request_to_make", 1),
        ("min tolong pasang lampu jalan di jalan baru", "request_to_make", 1),
        ("website pemkot tidak bisa dibuka dari kemarin", "request_to_make", 0),
        ("pelatihan yang diadakan dinas cuma teori", "cues_after_done", 1),
        ("pelatihan yang diadakan dinas cuma teori", "strong_cues", 0),
        ("lokasi ini sudah pernah diusulkan di musrenbang", "cues_after_done", 1),
        ("kami mengusulkan agar jam layanan ditambah", "strong_cues", 2),
        ("jalan rusak parah, mohon segera diperbaiki", "repair_words", 2),
        ("jalan rusak parah, mohon segera diperbaiki", "complaint_words", 1),
        ("kampung kami belum punya taman sama sekali", "absence", 1),
        ("tolong bikin jalur sepeda dong", "weak_cues", 2),
    ],
)
def test_mood_features_read_the_labelling_rules(text, feature, value):
    assert features(text)[feature] == value


def test_the_classifier_margin_is_aspirasi_minus_pengaduan():
    margins = {rules.PENGADUAN: -0.25, rules.ASPIRASI: 0.5}
    assert features("apa saja", margins)["margin"] == pytest.approx(0.75)


def test_kind_weights_are_fitted_on_held_apart_rows_and_choose_their_regularisation():
    suggestions = ["mohon dibangun taman di kelurahan kami", "usul dibuatkan halte baru"] * 6
    complaints = ["jalan rusak parah mohon segera diperbaiki", "sampah numpuk bau"] * 6
    texts = [normalise(t) for t in suggestions + complaints + ["minta salinan kontrak"]]
    gold = [rules.ASPIRASI] * 12 + [rules.PENGADUAN] * 12 + [rules.INFORMASI]
    groups = [f"g{i % 4}" for i in range(len(texts))]
    weights = kinds.fit_kind_weights([NEUTRAL] * len(texts), texts, gold, groups)
    assert weights is not None
    assert weights.regularisation in kinds.REGULARISATIONS
    for text, kind in zip(texts, gold, strict=True):
        if kind != rules.INFORMASI:
            p = weights.aspirasi_probability(NEUTRAL, text)
            assert (p >= 0.5) == (kind == rules.ASPIRASI)


def test_no_weights_without_two_of_each_kind():
    texts = [normalise("jalan rusak"), normalise("usul taman"), normalise("sampah bau")]
    gold = [rules.PENGADUAN, rules.ASPIRASI, rules.PENGADUAN]
    assert kinds.fit_kind_weights([NEUTRAL] * 3, texts, gold, ["a", "b", "c"]) is None


class LeaningModel:
    """A stand-in model: fixed unit margins and a kind classifier sure of aspirasi."""

    beta, gamma, temperature, kind_temperature, oversight_temperature = 1.0, 0.0, 0.2, 1.0, 1.0
    # Only the classifier margin counts: strongly for aspirasi.
    kind_weights = kinds.KindWeights((1.0,) + (0.0,) * (len(kinds.FEATURES) - 1), 0.0, 1.0)

    def __init__(self, top_unit: str):
        self.top_unit = top_unit

    def margins(self, prepared):
        units = {rules.INSPEKTORAT: 0.0, "dpu": 0.0, rules.PPID: 0.0, self.top_unit: 5.0}
        return units, {rules.PENGADUAN: -3.0, rules.ASPIRASI: 3.0, rules.INFORMASI: -3.0}, -5.0


@pytest.mark.parametrize(
    ("top_unit", "kind"),
    [
        ("dpu", rules.ASPIRASI),  # the fitted weights decide
        (rules.INSPEKTORAT, rules.PENGADUAN),  # a misconduct report is a complaint
        (rules.PPID, rules.INFORMASI),  # ppid ⇔ permintaan informasi
    ],
)
def test_the_unit_decides_the_kind_of_misconduct_reports_and_information_requests(
    gazetteer, top_unit, kind
):
    p = predict("pesan apa saja", LeaningModel(top_unit), rules.KeywordIndex(), gazetteer)
    assert p.unit_code == top_unit
    assert p.kind == kind
