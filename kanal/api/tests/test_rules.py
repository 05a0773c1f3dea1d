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
