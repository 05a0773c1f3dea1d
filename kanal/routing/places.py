"""Finding the kecamatan and kelurahan a message names: a pure gazetteer matcher.

Conventions (data/routing/README.md, "Places"):

- a kelurahan named as a place sets the kelurahan and its parent kecamatan;
- a kecamatan named alone sets only the kecamatan;
- a name shared by a kecamatan and one of its kelurahan (Kedaton, Rajabasa, …) sets only
  the kecamatan unless "Kelurahan", "Kel." or "Lurah" comes right before it;
- landmarks (streets, markets, monuments, campuses, terminals, angkot routes) never set a
  place, even when their name contains one; "Jl. Way Halim" is a street, and two place
  names joined by a dash ("Rajabasa–Tanjungkarang") are an angkot route;
- entries marked ``needs_prefix`` ("Telukbetung", "Tanjungkarang": the old town spanning
  several kecamatan) count only after "Kelurahan"/"Kel."/"Lurah";
- entries marked ``case_sensitive`` (names that are also common words: "Panjang",
  "Talang", "Gotong Royong") count only when written with a capital letter;
- ``not_after`` lists words that cancel a match ("wali" + "kota baru" is the mayor).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

KELURAHAN = "kelurahan"
KECAMATAN = "kecamatan"
LANDMARK = "landmark"
STREET = "street"

KELURAHAN_MARKERS = frozenset({"kelurahan", "kel", "lurah", "kelurhan"})
KECAMATAN_MARKERS = frozenset({"kecamatan", "kec", "camat"})
STREET_MARKERS = frozenset({"jl", "jln", "jalan"})
MAX_NGRAM = 5
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}
_TOKEN = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class GazetteerRow:
    """One name of a place or landmark (as loaded from a GazetteerEntry or the CSV)."""

    name: str
    kind: str
    kelurahan_code: str = ""
    kecamatan_code: str = ""
    unit_hint: str = ""
    needs_prefix: bool = False
    case_sensitive: bool = False
    not_after: str = ""  # space-separated words


@dataclass(frozen=True)
class PlaceMatch:
    kecamatan_code: str | None
    kelurahan_code: str | None
    confidence: float
    matched: str = ""  # the name as written, for the reason
    landmarks: tuple[str, ...] = ()  # landmark names seen (they may hint a unit)
    unit_hints: tuple[str, ...] = ()


NO_PLACE = PlaceMatch(None, None, 0.0)


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _key(words: list[str]) -> str:
    """Compact key: lower case, Roman numerals as digits, no spaces ("Jagabaya III" ==
    "jagabaya 3" == "JagaBaya3"; "Gunung Sulah" == "Gunungsulah")."""
    return "".join(_ROMAN.get(w, w) for w in (w.lower() for w in words))


@dataclass
class Gazetteer:
    """Names indexed by compact key; build once with :func:`build_gazetteer`."""

    by_key: dict[str, list[GazetteerRow]] = field(default_factory=dict)
    kecamatan_of: dict[str, str] = field(default_factory=dict)  # kelurahan → kecamatan


def build_gazetteer(rows: list[GazetteerRow]) -> Gazetteer:
    gaz = Gazetteer()
    for row in rows:
        words = _TOKEN.findall(_ascii(row.name))
        if row.kind == STREET and words and words[0].lower() in STREET_MARKERS:
            words = words[1:]  # "Jl. Kartini" matches "Jalan Kartini" and "Kartini"
        key = _key(words)
        if key:
            gaz.by_key.setdefault(key, []).append(row)
        if row.kelurahan_code and row.kecamatan_code:
            gaz.kecamatan_of[row.kelurahan_code] = row.kecamatan_code
    return gaz


@dataclass
class _Token:
    text: str
    lower: str
    capital: bool
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    text = _ascii(text)
    return [
        _Token(m.group(), m.group().lower(), m.group()[0].isupper(), m.start(), m.end())
        for m in _TOKEN.finditer(text)
    ]


def _joined_by_dash(text: str, a: _Token, b: _Token) -> bool:
    between = text[a.end : b.start]
    return any(ch in between for ch in "-–—/") and len(between.strip()) <= 3


@dataclass
class _Hit:
    start: int  # token index
    end: int  # exclusive
    rows: list[GazetteerRow]
    written: str


def _hits(tokens: list[_Token], gaz: Gazetteer) -> list[_Hit]:
    """Longest non-overlapping matches, left to right."""
    hits, i = [], 0
    while i < len(tokens):
        for n in range(min(MAX_NGRAM, len(tokens) - i), 0, -1):
            rows = gaz.by_key.get(_key([t.lower for t in tokens[i : i + n]]))
            if rows:
                written = " ".join(t.text for t in tokens[i : i + n])
                hits.append(_Hit(i, i + n, rows, written))
                i += n
                break
        else:
            i += 1
    return hits


def _in_route(raw: str, tokens: list[_Token], hits: list[_Hit], index: int) -> bool:
    """Whether hit ``index`` is joined by a dash to an adjacent place name."""
    hit = hits[index]
    prev = hits[index - 1] if index else None
    nxt = hits[index + 1] if index + 1 < len(hits) else None
    before = (
        prev is not None
        and prev.end == hit.start
        and _joined_by_dash(raw, tokens[prev.end - 1], tokens[hit.start])
    )
    after = (
        nxt is not None
        and nxt.start == hit.end
        and _joined_by_dash(raw, tokens[hit.end - 1], tokens[nxt.start])
    )
    return before or after


def extract_place(text: str, gaz: Gazetteer) -> PlaceMatch:
    """The kecamatan/kelurahan ``text`` names, following the conventions above.

    The first kelurahan named wins (with its parent kecamatan); else the first kecamatan;
    else nothing. Landmarks seen are returned for their unit hints.
    """
    raw = _ascii(text)
    tokens = _tokens(text)
    hits = _hits(tokens, gaz)
    landmarks, hints = [], []
    kelurahan: tuple[str, str, str] | None = None  # (kel, kec, written)
    kecamatan: tuple[str, str] | None = None
    for index, hit in enumerate(hits):
        before = tokens[hit.start - 1].lower if hit.start > 0 else ""
        landmark_rows = [r for r in hit.rows if r.kind in (LANDMARK, STREET)]
        if landmark_rows:
            landmarks.append(hit.written)
            hints.extend(r.unit_hint for r in landmark_rows if r.unit_hint)
            continue
        if before in STREET_MARKERS:
            continue  # "Jl. Way Halim" is a street
        if _in_route(raw, tokens, hits, index):
            continue  # "Rajabasa–Tanjungkarang" is an angkot route
        marked_kel = before in KELURAHAN_MARKERS
        rows = [
            r
            for r in hit.rows
            if before not in set(r.not_after.split())
            and (not r.case_sensitive or tokens[hit.start].capital)
            and (not r.needs_prefix or marked_kel)
        ]
        kel_rows = [r for r in rows if r.kind == KELURAHAN]
        kec_rows = [r for r in rows if r.kind == KECAMATAN]
        if kec_rows and kel_rows and not marked_kel:
            kel_rows = []  # a shared name without "Kelurahan" means the kecamatan
        if kel_rows and (not kec_rows or marked_kel or before not in KECAMATAN_MARKERS):
            if kelurahan is None:
                row = kel_rows[0]
                kec = row.kecamatan_code or gaz.kecamatan_of.get(row.kelurahan_code, "")
                kelurahan = (row.kelurahan_code, kec, hit.written)
        elif kec_rows and kecamatan is None:
            kecamatan = (kec_rows[0].kecamatan_code, hit.written)
    if kelurahan:
        return PlaceMatch(
            kelurahan[1] or None, kelurahan[0], 0.9, kelurahan[2], tuple(landmarks), tuple(hints)
        )
    if kecamatan:
        return PlaceMatch(kecamatan[0], None, 0.85, kecamatan[1], tuple(landmarks), tuple(hints))
    return PlaceMatch(None, None, 0.0, "", tuple(landmarks), tuple(hints))
