"""The labelling rules as cues, the hold threshold and the fitted weights (pure, no DB)."""

import pytest

from kanal.routing import cues, fitting, rules, scoring
from kanal.routing.text import normalise


@pytest.mark.parametrize(
    ("text", "leans"),
    [
        ("petugas minta amplop dulu baru suratnya dikerjain", 1),
        ("pegawai kelurahan main game pas jam kerja", 1),
        ("proyek jalan 500jt cuma ditambal, duitnya ke mana?", 1),
        ("ada org ngaku pegawai dukcapil minta transfer, penipuan?", -1),
        ("SMA negeri minta uang komite, katanya kesepakatan", -1),
        ("antrean di dukcapil lambat, sistem error", -1),
        ("jalan rusak parah depan rumah", 0),
    ],
)
def test_misconduct_score_follows_the_labelling_rules(text, leans):
    score = cues.misconduct_score(normalise(text))
    assert (score > 0) - (score < 0) == leans


def test_information_cues_find_requests_phrased_as_complaints():
    angry = "jalan kami gak pernah diperbaiki, saya minta rincian dan nilai kontraknya"
    assert cues.information_score(normalise(angry)) > 0
    assert cues.information_score(normalise("kapan jalan kami diperbaiki?")) == 0


def test_suggestions_phrased_as_complaints_are_kind_cues():
    assert rules.kind_cues(normalise("kota segede ini harusnya punya jalur sepeda"))
    assert rules.kind_cues(normalise("kampung kami belum punya lampu jalan sama sekali"))
    assert not rules.kind_cues(normalise("lampu jalan kami mati seminggu"))


def test_information_signal_moves_ppid_only_with_a_weight():
    margins = {"ppid": -1.0, "dpu": 0.5}
    kind = {rules.INFORMASI: 1.0}
    text = normalise("saya minta salinan kontrak jalan itu")
    assert scoring.with_information(margins, kind, text, 0.0) == margins
    moved = scoring.with_information(margins, kind, text, 1.0)
    assert moved["ppid"] > margins["ppid"] and moved["dpu"] == margins["dpu"]


def test_the_hold_threshold_keeps_99_percent_of_misconduct_for_a_person():
    gold = [True] * 100 + [False] * 100
    confidence = [0.9] * 90 + [0.3] * 9 + [0.06] + [0.02] * 100
    top = [False] * 200
    hold = fitting.choose_hold_threshold(confidence, top, gold, flag_at=0.5)
    assert hold == 0.3  # 99 of 100 held; the one at 0.06 would need a hold below 0.1
    assert fitting.choose_hold_threshold(confidence, top, [False] * 200, 0.5) == 0.5


def test_kind_weights_are_fitted_on_held_apart_rows():
    margins = [{"pengaduan": 0.2, "aspirasi": 0.0, rules.INFORMASI: -1.0}] * 4
    cue_lists = [["usul"], ["usul"], [], []]
    gold = ["aspirasi", "aspirasi", "pengaduan", "pengaduan"]
    bias, weight, complaint_weight, weak, temperature = fitting.fit_kind_temperature(
        margins, cue_lists, gold, [0, 0, 1, 1]
    )
    for m, c, n, g in zip(margins, cue_lists, [0, 0, 1, 1], gold, strict=True):
        p = scoring.kind_probabilities(m, c, temperature, bias, weight, n, complaint_weight, weak)
        p.pop(rules.INFORMASI)
        assert max(p, key=p.get) == g
