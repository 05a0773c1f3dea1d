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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("l4mpu j4l4n m4t1", "lampu jalan mati"),
        ("0kn0m p3tug4s m1nt4 u4ng", "oknom petugas minta uang"),
        ("g0r0ng2 mp3t", "gorong gorong mpet"),
        ("b4ny4k s4mp4h", "banyak sampah"),
        # numbers, numbers with a unit and codes keep their digits
        (
            "bayar 10rb 2jt 3x rt05 km8 jam 7 tahun 2026",
            "bayar 10rb 2jt 3x rt05 km8 jam 7 tahun 2026",
        ),
    ],
)
def test_fold_reads_alay_digits_as_letters(raw, expected):
    assert fold(raw) == expected


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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Djalan di kampoeng kami soedah roesak, banjak jang berloebang",
            "jalan di kampung kami sudah rusak banyak yang berlubang",
        ),
        ("Jth. Bapak, tjoetjoe saja beloem dapat akte", "yth bapak cucu saya belum dapat akte"),
        # Names keep their spelling, and one old-spelt name does not respell a modern text.
        (
            "jalan Soekarno-Hatta dekat RSUD Dadi Tjokrodipo",
            "jalan soekarno hatta dekat rsud dadi tjokrodipo",
        ),
    ],
)
def test_old_spelling_is_respelt_only_when_the_text_uses_it(raw, expected):
    assert normalise(raw, {}) == expected


def test_the_shipped_slang_file_reads_dialect_and_chat():
    from kanal.routing import datafiles

    from .conftest import DATA

    slang = datafiles.read_slang(DATA / "slang.csv")
    assert normalise("lampu jalan mati galo, kelam nian", slang) == (
        "lampu jalan mati semua gelap sekali"
    )
    assert normalise("jukir minta duit", slang) == "juru parkir minta uang"
    # "tpi" is a fish auction site here, never chat for "tapi"
    assert normalise("TPI kotor", slang) == "tpi kotor"
