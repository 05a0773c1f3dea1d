"""Table tests of the pure Open311 rules."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kanal.api import rules
from kanal.api.rules import AttributeSpec, Open311Error

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=WIB)


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("diterima", "open"),
        ("didisposisikan", "open"),
        ("ditunda", "open"),
        ("selesai", "closed"),
        ("ditutup", "closed"),
        ("ditolak", "closed"),
        ("digabung", "closed"),
        ("bukan_wewenang", "closed"),
    ],
)
def test_open311_status(state, status):
    assert rules.open311_status(state) == status


def test_datetimes_carry_the_timezone():
    moment = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
    assert rules.format_datetime(moment, WIB) == "2026-11-28T12:00:00+07:00"


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2026-11-01T10:00:00Z", False, datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("2026-11-01T10:00:00 07:00", False, datetime(2026, 11, 1, 10, tzinfo=WIB)),
        ("2026-11-01", False, datetime(2026, 11, 1, tzinfo=WIB)),
        ("2026-11-01", True, datetime(2026, 11, 1, 23, 59, 59, 999999, tzinfo=WIB)),
    ],
)
def test_parse_w3c(text, end, expected):
    assert rules.parse_w3c(text, WIB, end=end) == expected


@pytest.mark.parametrize("text", ["kemarin", "2026-13-01", "0000-01-01", "2026-11-01T25:00"])
def test_parse_w3c_refuses_nonsense(text):
    with pytest.raises(Open311Error):
        rules.parse_w3c(text, WIB)


def test_date_window():
    assert rules.date_window(None, None, NOW) == (NOW - timedelta(days=90), NOW)
    start = NOW - timedelta(days=10)
    assert rules.date_window(start, None, NOW) == (start, start + timedelta(days=90))
    with pytest.raises(Open311Error):
        rules.date_window(NOW - timedelta(days=91), NOW, NOW)
    with pytest.raises(Open311Error):
        rules.date_window(None, datetime(1, 1, 2, tzinfo=UTC), NOW)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"lat": "-5.4", "long": "105.2"}, rules.Location(lat=-5.4, lng=105.2)),
        ({"address_string": " Jl. Kartini "}, rules.Location(address="Jl. Kartini")),
        ({"address_id": "18.71.01.1003"}, rules.Location(address_id="18.71.01.1003")),
    ],
)
def test_location_forms(params, expected):
    assert rules.parse_location(params) == expected


@pytest.mark.parametrize(
    "params",
    [{}, {"lat": "-5.4"}, {"long": "105"}, {"lat": "x", "long": "1"}, {"lat": "inf", "long": "1"}],
)
def test_incomplete_locations_are_refused(params):
    with pytest.raises(Open311Error) as error:
        rules.parse_location(params)
    assert error.value.status == 400


SPECS = [
    AttributeSpec("size", "singlevaluelist", True, frozenset({"small", "big"})),
    AttributeSpec("kinds", "multivaluelist", False, frozenset({"a", "b"})),
    AttributeSpec("count", "number", False),
    AttributeSpec("seen", "datetime", False),
]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"size": ["big"]}, {"size": "big"}),
        ({"size": ["big"], "kinds": ["a", "b"]}, {"size": "big", "kinds": ["a", "b"]}),
        ({"size": ["small"], "fixmystreet_id": ["9"]}, {"size": "small", "fixmystreet_id": "9"}),
        ({"size": ["small"], "count": ["2.5"], "kinds": [""]}, {"size": "small", "count": "2.5"}),
    ],
)
def test_attributes_accepted(given, expected):
    assert rules.clean_attributes(SPECS, given, WIB) == expected


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"size": ["huge"]},
        {"size": ["big", "small"]},
        {"size": ["big"], "kinds": ["c"]},
        {"size": ["big"], "count": ["nan"]},
        {"size": ["big"], "seen": ["yesterday"]},
    ],
)
def test_attributes_refused(given):
    with pytest.raises(Open311Error):
        rules.clean_attributes(SPECS, given, WIB)


@pytest.mark.parametrize(
    ("description", "title"),
    [
        ("Lampu mati\nsejak Senin", "Lampu mati"),
        ("", "Sampah"),
        ("x" * 100, "x" * 77 + "…"),
    ],
)
def test_title_from(description, title):
    assert rules.title_from(description, "Sampah") == title


@pytest.mark.parametrize(
    "a, b, metres",
    [
        ((-5.427, 105.261), (-5.427, 105.261), 0),
        ((-5.427, 105.261), (-5.407, 105.261), 2224),  # 0.02 degrees of latitude
        ((0.0, 0.0), (0.0, 1.0), 111195),  # one degree along the equator
    ],
)
def test_distance_in_metres(a, b, metres):
    assert rules.distance_m(*a, *b) == pytest.approx(metres, abs=2)


@pytest.mark.parametrize(
    "texts, expected",
    [
        (("", "", ""), None),
        (("-5.4", "105.2", ""), rules.Near(-5.4, 105.2, rules.DEFAULT_RADIUS_M)),
        (("-5.4", "105.2", "250"), rules.Near(-5.4, 105.2, 250.0)),
        (("", "", "250"), "radius needs lat and long"),
        (("-5.4", "", ""), "together"),
        (("-5.4", "105.2", "0"), "more than 0"),
        (("-5.4", "105.2", "50001"), "at most"),
        (("-5.4", "105.2", "nan"), "more than 0"),
        (("-5.4", "105.2", "jauh"), "number of metres"),
    ],
)
def test_parse_near(texts, expected):
    if isinstance(expected, str):
        with pytest.raises(rules.Open311Error, match=expected):
            rules.parse_near(*texts)
    else:
        assert rules.parse_near(*texts) == expected


def test_near_measures_to_the_rounded_public_point():
    near = rules.Near(-5.42749, 105.26149, 10)
    assert not near.contains(-5.42749, 105.26149)  # shown as -5.427, 105.261: 54 m away
    assert rules.Near(-5.427, 105.261, 1).contains(-5.42749, 105.26149)
    min_lat, max_lat, min_lng, max_lng = rules.Near(-5.427, 105.261, 1).bounding_box()
    assert min_lat < -5.42749 < max_lat and min_lng < 105.26149 < max_lng


@pytest.mark.parametrize(
    "locale, header, expected",
    [
        ("", "", "id"),
        ("en", "", "en"),
        ("en_US", "id", "en"),
        ("ID-id", "en", "id"),
        ("fr", "en", "en"),
        ("", "en-GB,en;q=0.9", "en"),
        ("", "fr, id;q=0.4, en;q=0.8", "en"),
        ("", "en;q=0", "id"),
        ("", "de", "id"),
    ],
)
def test_api_language(locale, header, expected):
    assert rules.api_language(locale, header, {"id", "en"}, "id") == expected
