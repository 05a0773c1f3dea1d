"""Routing rules: pure functions of plain data, with table tests (tests/test_rules.py).

- keyword and phrase rules per unit (operators edit them as RoutingKeyword rows);
- cues for the kind of message (aspirasi, permintaan informasi);
- combining the learned model's scores with the rules into calibrated confidences;
- the auto-apply / "operator decides" decision;
- ``similar_texts`` for duplicate detection.

Place extraction lives in :mod:`kanal.routing.places` and normalisation in
:mod:`kanal.routing.text`; both are re-exported here for callers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .cues import SUGGESTION_EXTRA
from .places import GazetteerRow, PlaceMatch, build_gazetteer, extract_place  # noqa: F401
from .text import fold, normalise, stem  # noqa: F401

PPID = "ppid"  # pseudo-unit: information requests go to the PPID flow, not to a unit
INSPEKTORAT = "inspektorat"
OUTSIDE_PREFIX = "luar-"
PENGADUAN, ASPIRASI, INFORMASI = "pengaduan", "aspirasi", "permintaan_informasi"
KINDS = (PENGADUAN, ASPIRASI, INFORMASI)
MAX_PHRASE_WORDS = 8
# Below this confidence the verifier sees "operator decides" instead of a suggestion.
DEFAULT_OPERATOR_THRESHOLD = 0.5
DEFAULT_AUTO_APPLY_THRESHOLD = 0.9


@dataclass(frozen=True)
class KeywordRow:
    """One keyword as written in keywords.csv or the table: a unit code (or ``ppid``),
    a phrase of normalised text and its weight (0–10)."""

    unit_code: str
    phrase: str
    weight: float = 1.0


@dataclass
class KeywordIndex:
    """Phrases by their normalised and their stemmed form (so "diperbaiki" finds "perbaiki")."""

    exact: dict[str, list[KeywordRow]] = field(default_factory=dict)
    stemmed: dict[str, list[KeywordRow]] = field(default_factory=dict)
    units: frozenset[str] = frozenset()


def compile_keywords(
    rows: Iterable[KeywordRow], slang: dict[str, str] | None = None
) -> KeywordIndex:
    """Phrases normalised with the same ``slang`` table as the messages they are matched
    against (so "pju" in a phrase and in a message both become "lampu jalan")."""
    index = KeywordIndex()
    units = set()
    for row in rows:
        words = normalise(row.phrase, slang).split()[:MAX_PHRASE_WORDS]
        if not words:
            continue
        index.exact.setdefault(" ".join(words), []).append(row)
        index.stemmed.setdefault(" ".join(stem(w) for w in words), []).append(row)
        units.add(row.unit_code)
    index.units = frozenset(units)
    return index


def match_keywords(normalised_text: str, index: KeywordIndex) -> dict[str, list[KeywordRow]]:
    """The keyword rows found in ``normalised_text`` (output of ``text.normalise``), by
    unit. Phrases match on whole words, as written or stemmed; each row counts once."""
    words = normalised_text.split()
    stems = [stem(w) for w in words]
    found: dict[str, list[KeywordRow]] = {}
    seen: set[int] = set()
    for i in range(len(words)):
        for n in range(1, min(MAX_PHRASE_WORDS, len(words) - i) + 1):
            for table, seq in ((index.exact, words), (index.stemmed, stems)):
                for row in table.get(" ".join(seq[i : i + n]), ()):
                    if id(row) not in seen:
                        seen.add(id(row))
                        found.setdefault(row.unit_code, []).append(row)
    return found


def keyword_scores(found: dict[str, list[KeywordRow]]) -> dict[str, float]:
    """Sum of the weights of the phrases found, per unit, squashed so that many weak
    phrases never outweigh one decisive phrase by much: ``log1p(sum)``."""
    return {unit: math.log1p(sum(r.weight for r in rows)) for unit, rows in found.items()}


def strongest_phrases(rows: list[KeywordRow], limit: int = 2) -> list[str]:
    """The ``limit`` phrases of the highest weight (ties by phrase), for the reason text."""
    return [r.phrase for r in sorted(rows, key=lambda r: (-r.weight, r.phrase))[:limit]]


ASPIRASI_CUES = (
    "usul",
    "usulan",
    "mengusulkan",
    "diusulkan",
    "saran",
    "menyarankan",
    "sebaiknya",
    "berharap",
    "harap",
    "alangkah baiknya",
    "mohon dibuatkan",
    "mohon diadakan",
    "bikin",
    "adain",
    "diadakan",
    "diadain",
    "dibuatkan",
    "disediakan",
    "menyediakan",
    "ditambah",
    "penambahan",
    "dibangun",
    "pembangunan",
    "ide",
    "dong",
    "agar pemkot",
    "agar pemerintah",
    "supaya",
    "program",
    "bagaimana kalau",
    "lebih baik",
    "adakan",
    "mohon ada",
    "tolong ada",
    "perlu ada",
    "tolong tambah",
    "buatkan",
    "bikinin",
    "dipasang",
    "semoga",
)


def kind_cues(normalised_text: str) -> list[str]:
    """Aspirasi cues present in the text (suggestions, requests for something new,
    including suggestions phrased as complaints: "harusnya", "belum punya" …)."""
    padded = f" {normalised_text} "
    found = [cue for cue in ASPIRASI_CUES if f" {cue} " in padded]
    return found + [c for c in SUGGESTION_EXTRA if f" {c} " in padded and c not in found]


def softmax(scores: dict[str, float], temperature: float = 1.0) -> dict[str, float]:
    """Probabilities summing to 1 from ``scores`` (softmax at ``temperature``, computed
    from the top score so it never overflows); {} for no scores."""
    if not scores:
        return {}
    top = max(scores.values())
    exp = {k: math.exp((v - top) / temperature) for k, v in scores.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def combine_scores(
    model_scores: dict[str, float],
    rule_scores: dict[str, float],
    *,
    beta: float,
    temperature: float,
) -> dict[str, float]:
    """Calibrated probabilities over units: softmax((model margin + beta·rule score) / T).

    ``beta`` (trust in the rules) and ``T`` (temperature) are fitted by cross-validation
    when the model is trained and stored with it. Units known only to the rules (a unit
    an operator added keywords for after training) take the lowest model margin.
    """
    floor = min(model_scores.values()) if model_scores else 0.0
    units = set(model_scores) | set(rule_scores)
    combined = {
        u: model_scores.get(u, floor) + beta * rule_scores.get(u, 0.0) for u in sorted(units)
    }
    return softmax(combined, temperature)


def top_k(probabilities: dict[str, float], k: int = 3) -> list[tuple[str, float]]:
    """The ``k`` most probable (code, probability) pairs, ties broken by code."""
    return sorted(probabilities.items(), key=lambda kv: (-kv[1], kv[0]))[:k]


@dataclass(frozen=True)
class Decision:
    """What happens to a unit suggestion: left to the operator, or applied at once."""

    operator_decides: bool
    auto_apply: bool


def decide(
    confidence: float,
    *,
    operator_threshold: float = DEFAULT_OPERATOR_THRESHOLD,
    auto_apply_enabled: bool = False,
    auto_apply_threshold: float = DEFAULT_AUTO_APPLY_THRESHOLD,
) -> Decision:
    """Whether a unit suggestion is shown, left to the operator, or applied at once.

    Below ``operator_threshold`` the operator decides (the suggestion is still listed
    as an alternative). Auto-apply needs the category's switch on AND the confidence at
    or above its threshold; it is never applied when the operator decides.
    """
    operator_decides = confidence < operator_threshold
    auto = auto_apply_enabled and not operator_decides and confidence >= auto_apply_threshold
    return Decision(operator_decides=operator_decides, auto_apply=auto)


def is_outside_authority(unit_code: str) -> bool:
    """True for a body outside the city's authority (``luar-pln`` …): refer at once."""
    return unit_code.startswith(OUTSIDE_PREFIX)


# --- duplicates -----------------------------------------------------------------------

SHINGLE = 4


def shingles(text: str, n: int = SHINGLE) -> frozenset[str]:
    """Character n-grams of the normalised text (spaces kept, so word edges count)."""
    norm = f" {normalise(text)} "
    if len(norm) <= n:
        return frozenset({norm}) if norm.strip() else frozenset()
    return frozenset(norm[i : i + n] for i in range(len(norm) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b|; 0 when either set is empty."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similar_texts(
    text: str, candidates: list[tuple[Hashable, str]], threshold: float = 0.3
) -> list[tuple[Hashable, float]]:
    """Candidates whose text resembles ``text``: (id, score) with score ≥ threshold,
    best first (ties by id order of the input). Score is the Jaccard overlap of
    character 4-grams of the normalised texts, so slang, case and punctuation do not
    matter. The dev set's most similar distinct messages score 0.27 on 5-grams, so
    0.3 on 4-grams separates re-sent reports from merely similar topics."""
    mine = shingles(text)
    scored = [(cid, jaccard(mine, shingles(other))) for cid, other in candidates]
    hits = [(cid, round(score, 4)) for cid, score in scored if score >= threshold]
    return sorted(hits, key=lambda h: -h[1])


# --- validation of operator edits -------------------------------------------------------


def keyword_problem(phrase: str, weight: float) -> str:
    """Why a keyword cannot be saved, or "" when it can."""
    if not normalise(phrase):
        return _("A keyword needs a word or phrase.")
    if len(normalise(phrase).split()) > MAX_PHRASE_WORDS:
        return _("A phrase may have at most %(n)d words.") % {"n": MAX_PHRASE_WORDS}
    if not 0 < weight <= 10:
        return _("The weight must be more than 0 and at most 10.")
    return ""


def gazetteer_problem(kind: str, kelurahan_code: str, kecamatan_code: str) -> str:
    """Why a gazetteer entry cannot be saved, or "" when it can."""
    if kind == "kelurahan" and not kelurahan_code:
        return _("A kelurahan entry needs a kelurahan code.")
    if kind == "kecamatan" and not kecamatan_code:
        return _("A kecamatan entry needs a kecamatan code.")
    if kind in ("landmark", "street") and (kelurahan_code or kecamatan_code):
        return _("Landmarks and streets never set a place: leave the codes empty.")
    if kelurahan_code and kecamatan_code and not kelurahan_code.startswith(kecamatan_code + "."):
        return _("The kelurahan does not lie in that kecamatan.")
    return ""


def auto_apply_problem(threshold: float) -> str:
    """Why an auto-apply threshold is refused ("" when it is between 0.5 and 1)."""
    if not 0.5 <= threshold <= 1.0:
        return _("The minimum confidence must be between 0.5 and 1.")
    return ""
