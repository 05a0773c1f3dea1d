"""Table tests of the field app's pure rules and the staff channel preset."""

from datetime import UTC, datetime, timedelta

import pytest

from kanal.complaints.rules import default_staff_channel
from kanal.field import rules

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("K7QM2-XPD4R", True),
        ("00000-ZZZZZ", True),
        ("k7qm2-xpd4r", False),  # the server upper-cases before checking
        ("K7QM2XPD4R", False),
        ("K7QM2-XPD4", False),
        ("K7QI2-XPD4R", False),  # I is not in the alphabet
        ("", False),
    ],
)
def test_slip_numbers(text, ok):
    assert rules.is_slip_number(text) is ok


@pytest.mark.parametrize(
    ("verified_ago", "active_ago", "needs"),
    [(5, 5, False), (40, 5, False), (40, 31, True), (31, 40, True), (30, 30, False)],
)
def test_an_idle_device_needs_the_code_again(verified_ago, active_ago, needs):
    assert (
        rules.needs_reverification(
            verified_at=NOW - timedelta(minutes=verified_ago),
            last_active_at=NOW - timedelta(minutes=active_ago),
            now=NOW,
            idle_minutes=30,
        )
        is needs
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Lampu mati", "Lampu mati"),
        ("  Jalan rusak\nsudah lama  ", "Jalan rusak"),
        ("", "Foto"),
        ("kata " * 30, ("kata " * 16).strip() + "…"),
    ],
)
def test_titles_come_from_the_first_line(text, title):
    assert rules.title_from_text(text, "Foto") == title


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        (None, NOW),
        (NOW - timedelta(hours=3), NOW - timedelta(hours=3)),
        (NOW + timedelta(hours=1), NOW),  # a phone clock ahead
        (NOW - timedelta(days=8), NOW),  # too old to believe
    ],
)
def test_the_time_a_complaint_was_heard(recorded, expected):
    assert rules.received_time(recorded, NOW, 7) == expected


@pytest.mark.parametrize(
    ("roles", "kinds", "visit", "channel"),
    [
        ({"area_officer"}, {"kelurahan"}, False, "lurah"),
        ({"area_officer"}, {"kecamatan"}, False, "camat"),
        ({"area_officer"}, {"kelurahan"}, True, "field_visit"),
        ({"ppid_officer"}, set(), False, "ppid_desk"),
        ({"operator"}, set(), False, "phone"),
        ({"unit_officer"}, set(), False, "phone"),
    ],
)
def test_the_staff_channel_preset(roles, kinds, visit, channel):
    assert (
        default_staff_channel(frozenset(roles), frozenset(kinds), on_field_visit=visit) == channel
    )


def test_device_labels_are_short_and_readable():
    ua = (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Mobile Safari/537.36"
    )
    assert rules.device_label(ua) == "Android 10 K · Chrome"
    assert rules.device_label("") == "?"
