import pytest

from kanal.routing.text import fold, normalise, stem, stemmed, word_count


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sy gk tau yg mana", "saya tidak tau yang mana"),
        ("Udh 3 bln tdk ada kabar!!", "sudah 3 bulan tidak ada kabar"),
        ("tlg dibantu bgt ya min 🙏", "tolong dibantu banget ya admin"),
        ("kantor2 pemkot", "kantor kantor pemkot"),
        ("parahhhh bangettt", "parahh bangett"),
        ("Jl. Teuku Umar", "jalan teuku umar"),
        ("Café né", "cafe ne"),
        ("", ""),
    ],
)
def test_normalise_expands_slang_and_folds(raw, expected):
    assert normalise(raw) == expected


def test_normalise_uses_the_given_table_only():
    assert normalise("yg gk", {"yg": "yang"}) == "yang gk"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("diperbaiki", "perbaik"),
        ("memperbaiki", "perbaik"),
        ("perbaiki", "perbaik"),
        ("jalannya", "jalan"),
        ("sampah", "sampah"),
        ("pdam", "pdam"),
        ("dibersihkan", "bersih"),
    ],
)
def test_stem_strips_affixes_but_keeps_short_words(word, expected):
    assert stem(word) == expected


def test_stemmed_and_fold_and_word_count():
    assert stemmed("jalannya diperbaiki") == "jalan perbaik"
    assert fold("A-B/C") == "a b c"
    assert word_count("sampah CFD numpuk sampe sore") == 5
