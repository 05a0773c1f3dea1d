"""Table tests for the routing rules."""

import pytest
from django.utils import translation

from kanal.routing import rules
from kanal.routing.rules import KeywordRow, compile_keywords, match_keywords, normalise

SMALL = compile_keywords(
    [
        KeywordRow("disperkim", "lampu jalan", 2),
        KeywordRow("luar-pln", "mati lampu", 2.5),
        KeywordRow("dlh", "sampah", 2),
        KeywordRow("dpu", "perbaiki", 1),
        KeywordRow("inspektorat", "pungli", 4),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected_units"),
    [
        ("lampu jalan gang kami mati", {"disperkim"}),
        ("mati lampu lagi. Sehari 3x", {"luar-pln"}),
        ("SAMPAH numpuk!!", {"dlh"}),
        ("jalan mohon diperbaiki", {"dpu"}),  # stemmed match
        ("ada pungli dan sampah", {"inspektorat", "dlh"}),
        ("jalan ke lampu merah", set()),  # words must be adjacent, in order
        ("lampunya jalan", {"disperkim"}),  # stemmed: "lampu jalan"
        ("sampahnya", {"dlh"}),
        ("", set()),
    ],
)
def test_match_keywords(text, expected_units):
    assert set(match_keywords(normalise(text), SMALL)) == expected_units


def test_keyword_scores_are_squashed_sums():
    found = match_keywords(normalise("sampah sampah pungli"), SMALL)
    scores = rules.keyword_scores(found)
    assert scores["inspektorat"] > scores["dlh"] > 0
    assert rules.strongest_phrases(found["dlh"]) == ["sampah"]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("lampu jalan di gang kami mati", "disperkim"),
        ("PJU nyala siang hari", "disperkim"),
        ("mati lampu sejak pagi", "luar-pln"),
        ("traffic light di perempatan rusak", "dishub"),
        ("air PDAM tidak mengalir", "luar-pdam"),
        ("minta uang pungli di loket", "inspektorat"),
        ("mohon salinan dokumen kontrak", "ppid"),
        ("manusia silver di lampu merah", "dinsos"),
        ("sarang tawon di plafon", "damkar"),
        ("antre di RSUD Abdul Moeloek", "luar-pemprov"),
    ],
)
def test_shipped_keywords_point_at_the_conventional_unit(keyword_index, text, unit):
    scores = rules.keyword_scores(match_keywords(normalise(text), keyword_index))
    assert max(scores, key=scores.get) == unit


@pytest.mark.parametrize(
    ("text", "has_cue"),
    [
        ("usul dong bikin taman", True),
        ("kami mengusulkan pelebaran jalan", True),
        ("sebaiknya parkir non tunai", True),
        ("jalan rusak parah", False),
    ],
)
def test_kind_cues(text, has_cue):
    assert bool(rules.kind_cues(normalise(text))) is has_cue


def test_combine_scores_adds_rules_and_is_a_distribution():
    probs = rules.combine_scores({"a": 1.0, "b": 0.0}, {"b": 2.0}, beta=1.0, temperature=1.0)
    assert probs["b"] > probs["a"]
    assert sum(probs.values()) == pytest.approx(1.0)
    only_rule = rules.combine_scores({"a": 0.5}, {"new": 3.0}, beta=1.0, temperature=1.0)
    assert max(only_rule, key=only_rule.get) == "new"
    assert rules.top_k({"a": 0.2, "b": 0.5, "c": 0.3}, 2) == [("b", 0.5), ("c", 0.3)]


@pytest.mark.parametrize(
    ("confidence", "enabled", "threshold", "operator_decides", "auto"),
    [
        (0.95, True, 0.9, False, True),
        (0.95, False, 0.9, False, False),
        (0.85, True, 0.9, False, False),
        (0.4, True, 0.3, True, False),  # never auto-applied when the operator decides
        (0.5, False, 0.9, False, False),
    ],
)
def test_decide(confidence, enabled, threshold, operator_decides, auto):
    decision = rules.decide(confidence, auto_apply_enabled=enabled, auto_apply_threshold=threshold)
    assert decision == rules.Decision(operator_decides, auto)


@pytest.mark.parametrize(
    ("text", "candidates", "expected_ids"),
    [
        (
            "Lampu jalan di gang Mawar mati sudah seminggu",
            [
                (1, "lampu jalan di gang mawar mati udh seminggu!!"),
                (2, "sampah menumpuk di pasar"),
                (3, "Lampu jalan di gang Melati mati"),
            ],
            [1, 3],
        ),
        ("sampah", [(1, "air PDAM mati")], []),
        ("", [(1, "apa saja")], []),
        ("apa saja", [], []),
    ],
)
def test_similar_texts(text, candidates, expected_ids):
    hits = rules.similar_texts(text, candidates, threshold=0.3)
    assert [cid for cid, _ in hits] == expected_ids
    assert all(0.3 <= score <= 1 for _, score in hits)


def test_similar_texts_scores_identical_text_one_and_sorts_best_first():
    hits = rules.similar_texts(
        "jalan berlubang depan SD",
        [("x", "jalan berlubang di depan SD negeri"), ("y", "Jalan berlubang depan SD")],
        threshold=0.1,
    )
    assert hits[0] == ("y", 1.0)
    assert hits[1][0] == "x" and hits[1][1] < 1.0


@pytest.mark.parametrize(
    ("phrase", "weight", "ok"),
    [("lampu jalan", 2, True), ("  ", 1, False), ("x", 0, False), ("x", 11, False)],
)
def test_keyword_problem(phrase, weight, ok):
    with translation.override("en"):
        assert (rules.keyword_problem(phrase, weight) == "") is ok


@pytest.mark.parametrize(
    ("kind", "kel", "kec", "ok"),
    [
        ("kelurahan", "18.71.01.1003", "18.71.01", True),
        ("kelurahan", "", "18.71.01", False),
        ("kelurahan", "18.71.01.1003", "18.71.02", False),
        ("kecamatan", "", "18.71.01", True),
        ("landmark", "", "", True),
        ("street", "", "18.71.01", False),
    ],
)
def test_gazetteer_problem(kind, kel, kec, ok):
    assert (rules.gazetteer_problem(kind, kel, kec) == "") is ok
