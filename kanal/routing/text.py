"""Indonesian text normalisation for routing: pure functions, no Django.

Order matters: places are extracted from the raw text first (``places.py``), then the
text is folded (lower case, accents and emoji dropped, letters repeated for emphasis
squeezed), slang and abbreviations are expanded (``yg`` → ``yang``), and only then are
words stemmed for the classifier, so a stemmer never mangles a place name before the
gazetteer sees it.
"""

from __future__ import annotations

import re
import unicodedata

# The common chat abbreviations and Jakarta-style forms in citizen messages. The
# editable list lives in data/routing/slang.csv; this is the built-in minimum so the
# functions work without files (and in table tests).
DEFAULT_SLANG: dict[str, str] = {
    "yg": "yang",
    "gk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "tdk": "tidak",
    "tak": "tidak",
    "sy": "saya",
    "aku": "saya",
    "udh": "sudah",
    "udah": "sudah",
    "sdh": "sudah",
    "dah": "sudah",
    "blm": "belum",
    "tlg": "tolong",
    "tolongin": "tolong",
    "bgt": "banget",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "krn": "karena",
    "karna": "karena",
    "tp": "tapi",
    "jg": "juga",
    "sm": "sama",
    "dr": "dari",
    "dri": "dari",
    "kmrn": "kemarin",
    "skrg": "sekarang",
    "skr": "sekarang",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "knp": "kenapa",
    "kpn": "kapan",
    "dmn": "dimana",
    "kmn": "kemana",
    "org": "orang",
    "rmh": "rumah",
    "thn": "tahun",
    "bln": "bulan",
    "hr": "hari",
    "jln": "jalan",
    "jl": "jalan",
    "pdhl": "padahal",
    "trs": "terus",
    "trus": "terus",
    "lg": "lagi",
    "aja": "saja",
    "doang": "saja",
    "bnyk": "banyak",
    "byk": "banyak",
    "sampe": "sampai",
    "pd": "pada",
    "kalo": "kalau",
    "klo": "kalau",
    "gede": "besar",
    "dkt": "dekat",
    "deket": "dekat",
    "mulu": "terus",
    "min": "admin",
    "pak": "bapak",
    "bpk": "bapak",
    "bu": "ibu",
    "dll": "dan lain lain",
    "ttg": "tentang",
    "msh": "masih",
    "bs": "bisa",
    "bsa": "bisa",
    "mhn": "mohon",
    "dpt": "dapat",
    "dapet": "dapat",
    "kyk": "kayak",
    "emg": "memang",
    "dikit": "sedikit",
    "nyampah": "buang sampah",
}

_REPEAT = re.compile(r"(\w)\1{2,}")  # "parahhhh" → "parah"
_REDUP = re.compile(r"\b(\w+)2\b")  # "kantor2" → "kantor kantor"
_NON_WORD = re.compile(r"[^a-z0-9]+")

# "Alay" spelling: digits written for the letters they look like ("l4mpu j4l4n m4t1",
# "0kn0m"). 2 is left alone (it marks reduplication, "kantor2"), and so are words that
# are a number with a unit ("10rb", "2jt", "3x") or a code with a number ("rt05", "km8").
_ALAY = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "9": "g"}
)
_ALAY_WORD = re.compile(r"\b(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[0134-79])[a-z0-9]+\b")
_NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:rb|ribu|jt|juta|k|x|km|m|kg|cm|mm|an|th|thn|tahun|bln|hr|jam|ons|gb|mb|lt|ltr|"
    r"pm|am|wib|ha|persen|nya|s|st|nd|rd)?"
)
_CODE_WITH_NUMBER = re.compile(r"[a-z]{1,6}\d+")


def dealay(folded_word: str) -> str:
    """A word in alay spelling with its digits read as letters ("l4mpu" → "lampu",
    "0kn0m" → "oknom"); numbers, numbers with a unit ("10rb") and codes ("rt05") are kept."""
    if _NUMBER_WITH_UNIT.fullmatch(folded_word) or _CODE_WITH_NUMBER.fullmatch(folded_word):
        return folded_word
    return folded_word.translate(_ALAY)


def fold(text: str) -> str:
    """Lower-case ASCII text: accents removed, emoji and punctuation turned into spaces,
    letters repeated for emphasis squeezed, "kantor2" doubled and alay digits read as
    letters (:func:`dealay`)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    text = _REDUP.sub(r"\1 \1", text)
    text = _ALAY_WORD.sub(lambda m: dealay(m.group(0)), text)
    text = _REPEAT.sub(r"\1\1", text)
    return " ".join(_NON_WORD.split(text)).strip()


# Letters in the pre-1972 spelling (Soewandi/van Ophuijsen) that citizens still use in
# formal letters: "djalan", "tjahaja", "soedah", "jang". Proper names keep them in
# modern text too ("Soekarno-Hatta", "Dadi Tjokrodipo"), so a text is only respelt when
# several other words use them.
_OLD_SPELLING_MARK = re.compile(r"dj|tj|oe")
_OLD_SPELLING_NAMES = frozenset(
    {"soekarno", "tjokrodipo", "djausal", "soemantri", "soedirman", "soeharto", "moeloek"}
)
OLD_SPELLING_MIN_WORDS = 2


def is_old_spelling(folded_text: str) -> bool:
    marked = {
        w
        for w in folded_text.split()
        if _OLD_SPELLING_MARK.search(w) and w not in _OLD_SPELLING_NAMES
    }
    return len(marked) >= OLD_SPELLING_MIN_WORDS


def modern_spelling(folded_text: str) -> str:
    """Old spelling respelt: j→y (not after d or t), dj→j, tj→c, oe→u (so nj→ny and
    sj→sy follow): "djalan jang roesak" → "jalan yang rusak". Names are kept."""
    words = []
    for w in folded_text.split():
        if w not in _OLD_SPELLING_NAMES:
            w = re.sub(r"(?<![dt])j", "y", w)
            w = w.replace("dj", "j").replace("tj", "c").replace("oe", "u")
        words.append(w)
    return " ".join(words)


def normalise(text: str, slang: dict[str, str] | None = None) -> str:
    """Folded text, respelt when it is in the old spelling, with slang and abbreviations
    expanded: ``"sy gk tau yg mana"`` → ``"saya tidak tau yang mana"``. Deterministic;
    words not in ``slang`` are kept. A slang entry may expand to several words."""
    table = DEFAULT_SLANG if slang is None else slang
    folded = fold(text)
    if is_old_spelling(folded):
        folded = modern_spelling(folded)
    return " ".join(table.get(word, word) for word in folded.split())


_PREFIXES = ("meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "di", "ter", "ber")
_SUFFIXES = ("nya", "lah", "kah", "kan", "an", "i")


def stem(word: str) -> str:
    """A light Indonesian stemmer: strips one particle/possessive, one derivational suffix
    and one common prefix, never leaving fewer than four letters. Crude on purpose: it
    only has to make "diperbaiki", "memperbaiki" and "perbaiki" share a feature."""
    for suffix in ("nya", "lah", "kah"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    for suffix in ("kan", "an", "i"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            return word[len(prefix) :]
    return word


def stemmed(normalised_text: str) -> str:
    """Every word of an already normalised text stemmed (see :func:`stem`)."""
    return " ".join(stem(w) for w in normalised_text.split())


def word_count(text: str) -> int:
    return len(fold(text).split())
