"""Place extraction, including the dev set README's conventions."""

import pytest

from kanal.routing.places import GazetteerRow, build_gazetteer, extract_place

KEDATON_KEC, KEDATON_KEL = "18.71.01", "18.71.01.1003"


@pytest.mark.parametrize(
    ("text", "kecamatan", "kelurahan"),
    [
        # a kelurahan sets itself and its parent
        ("Sampah numpuk di Kelurahan Bakung", "18.71.08", "18.71.08.1005"),
        ("warga Pahoman mengeluh", "18.71.17", "18.71.17.1006"),
        # spelling variants
        ("jalan rusak di Gunung Sulah", "18.71.15", "18.71.15.1003"),
        ("di Sukadanaham banjir", "18.71.03", "18.71.03.1006"),
        ("Segala Mider gelap", "18.71.03", "18.71.03.1011"),
        ("rumah sy di Jagabaya 3", "18.71.15", "18.71.15.1006"),
        ("warga Tanjung Raya", "18.71.18", "18.71.18.1006"),
        ("lampu mati di Bilabong", "18.71.16", "18.71.16.1005"),
        # a name shared by kecamatan and kelurahan: kecamatan only without a marker
        ("jalan rusak di Kedaton", KEDATON_KEC, None),
        ("Kecamatan Rajabasa", "18.71.10", None),
        ("Kelurahan Kedaton banjir", KEDATON_KEC, KEDATON_KEL),
        ("Kel. Rajabasa gelap", "18.71.10", "18.71.10.1001"),
        ("Lurah Sukarame tidak ada", "18.71.02", "18.71.02.1003"),
        # only a kecamatan named
        ("pungli di Kecamatan Panjang", "18.71.04", None),
        ("banjir di Telukbetung Timur", "18.71.19", None),
        ("macet di Tanjung Karang Pusat", "18.71.06", None),
        # landmarks never set a place
        ("atap Pasar Tugu bocor", None, None),
        ("parkir liar di Jl. Teuku Umar", None, None),
        ("Jl. Way Halim berlubang", None, None),
        ("Jalan Kartini macet", None, None),
        ("lampu di Tugu Adipura nyala siang", None, None),
        ("TPI Gudang Lelang kotor", None, None),
        ("angkot Rajabasa–Tanjungkarang ngetem", None, None),
        ("angkot Rajabasa - Tanjung Karang", None, None),
        # the old town alone sets nothing
        ("banyak sampah di Telukbetung", None, None),
        ("Tanjungkarang macet", None, None),
        ("Kelurahan Telukbetung banjir", "18.71.07", "18.71.07.1002"),
        ("Kel. Tanjungkarang", "18.71.17", "18.71.17.1003"),
        # the mayor is not the kelurahan Kota Baru
        ("wali kota baru belum turun", None, None),
        ("warga Kota Baru mengeluh", "18.71.05", "18.71.05.1002"),
        # common words only count with a capital letter
        ("antrean panjang sekali", None, None),
        ("talang air bocor", None, None),
        ("warga gotong royong", None, None),
        ("Kelurahan Gotong Royong", "18.71.06", "18.71.06.1002"),
        # the first kelurahan named wins
        ("dari Kaliawi ke Pahoman", "18.71.06", "18.71.06.1006"),
        ("", None, None),
    ],
)
def test_extract_place(gazetteer, text, kecamatan, kelurahan):
    match = extract_place(text, gazetteer)
    assert (match.kecamatan_code, match.kelurahan_code) == (kecamatan, kelurahan)


def test_landmarks_are_reported_with_their_unit_hints(gazetteer):
    match = extract_place("antre lama di RSUD Abdul Moeloek", gazetteer)
    assert match.kelurahan_code is None
    assert "luar-pemprov" in match.unit_hints


def test_a_kelurahan_named_after_its_kecamatan_marker_is_the_kecamatan():
    gaz = build_gazetteer(
        [
            GazetteerRow("Sukabumi", "kecamatan", "", "18.71.12"),
            GazetteerRow("Sukabumi", "kelurahan", "18.71.12.1002", "18.71.12"),
        ]
    )
    assert extract_place("Kecamatan Sukabumi", gaz).kelurahan_code is None
    assert extract_place("Kelurahan Sukabumi", gaz).kelurahan_code == "18.71.12.1002"
