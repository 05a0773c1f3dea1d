"""Table tests of the PPID rules: statutory clocks across Lebaran 2026 and the rest."""

from datetime import date

import pytest

from kanal.core.calendar import DayOff, DayOffKind, WorkingDayCalendar
from kanal.ppid import rules

# Lebaran 2026 as decreed: Nyepi 19 March (cuti bersama 18), Idul Fitri 21-22 March,
# cuti bersama 20, 23, 24 March; Wafat Yesus Kristus 3 April. Written out here, so the
# rules are tested against a known calendar, whatever the holidays package says.
LEBARAN_2026 = {
    date(2026, 3, 18): "Cuti Bersama Nyepi",
    date(2026, 3, 19): "Hari Suci Nyepi",
    date(2026, 3, 20): "Cuti Bersama Idul Fitri",
    date(2026, 3, 21): "Idul Fitri",
    date(2026, 3, 22): "Idul Fitri hari kedua",
    date(2026, 3, 23): "Cuti Bersama Idul Fitri",
    date(2026, 3, 24): "Cuti Bersama Idul Fitri",
    date(2026, 4, 3): "Wafat Yesus Kristus",
    date(2026, 5, 1): "Hari Buruh",
    date(2026, 5, 14): "Kenaikan Yesus Kristus",
    date(2026, 5, 15): "Cuti Bersama Kenaikan",
    date(2026, 5, 27): "Idul Adha",
    date(2026, 5, 28): "Cuti Bersama Idul Adha",
    date(2026, 5, 31): "Waisak",
    date(2026, 6, 1): "Hari Lahir Pancasila",
    date(2026, 6, 16): "Tahun Baru Islam",
}
CAL = WorkingDayCalendar(
    holidays={d: DayOff(d, n, DayOffKind.PUBLIC_HOLIDAY) for d, n in LEBARAN_2026.items()}
)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 13), date(2026, 4, 6)),  # Fri before Lebaran: 9 days off skipped
        (date(2026, 3, 16), date(2026, 4, 7)),
        (date(2026, 3, 17), date(2026, 4, 8)),  # the last working day before the break
        (date(2026, 3, 19), date(2026, 4, 8)),  # received on Nyepi: counted as from 17
        (date(2026, 3, 21), date(2026, 4, 8)),  # received on a Saturday during Lebaran
        (date(2026, 3, 25), date(2026, 4, 9)),  # first day back, 3 April is off
        (date(2026, 3, 2), date(2026, 3, 16)),  # an ordinary fortnight
    ],
)
def test_notice_is_due_ten_working_days_after_receipt(received, due):
    assert rules.notice_due(CAL, received) == due


@pytest.mark.parametrize(
    ("due", "extended"),
    [
        (date(2026, 4, 6), date(2026, 4, 15)),
        (date(2026, 4, 8), date(2026, 4, 17)),
        (date(2026, 3, 17), date(2026, 4, 2)),  # across the whole Lebaran break
        (date(2026, 5, 12), date(2026, 5, 25)),  # across Kenaikan and its cuti bersama
    ],
)
def test_extension_adds_seven_working_days(due, extended):
    assert rules.extended_due(CAL, due) == extended


@pytest.mark.parametrize(
    ("start", "filing", "answer"),
    [
        (date(2026, 4, 16), date(2026, 6, 5), date(2026, 6, 5)),
        (date(2026, 4, 20), date(2026, 6, 9), date(2026, 6, 9)),
        (date(2026, 3, 12), date(2026, 5, 4), date(2026, 5, 4)),
    ],
)
def test_objection_clocks_are_thirty_working_days(start, filing, answer):
    assert rules.objection_filing_deadline(CAL, start) == filing
    assert rules.objection_answer_due(CAL, start) == answer


@pytest.mark.parametrize(
    ("answered", "deadline"),
    [
        (date(2026, 6, 2), date(2026, 6, 23)),  # 16 June (Tahun Baru Islam) skipped
        (date(2026, 3, 16), date(2026, 4, 13)),
    ],
)
def test_dispute_must_be_filed_within_fourteen_working_days(answered, deadline):
    assert rules.dispute_filing_deadline(CAL, answered) == deadline


def test_law_constants_are_the_statute():
    assert (
        rules.NOTICE_WORKING_DAYS,
        rules.EXTENSION_WORKING_DAYS,
        rules.OBJECTION_FILING_WORKING_DAYS,
        rules.OBJECTION_ANSWER_WORKING_DAYS,
        rules.DISPUTE_FILING_WORKING_DAYS,
        rules.BERKALA_MAX_MONTHS,
    ) == (10, 7, 30, 30, 14, 6)


@pytest.mark.parametrize(
    ("received", "completed", "mode", "start"),
    [
        (date(2026, 3, 2), date(2026, 3, 5), "receipt", date(2026, 3, 2)),
        (date(2026, 3, 2), date(2026, 3, 5), "complete", date(2026, 3, 5)),
        (date(2026, 3, 2), None, "complete", date(2026, 3, 2)),
    ],
)
def test_clock_start_follows_the_setting(received, completed, mode, start):
    assert rules.clock_start(received, completed, mode) == start


@pytest.mark.parametrize(
    ("state", "extended", "today", "due", "allowed"),
    [
        ("in_progress", False, date(2026, 4, 6), date(2026, 4, 6), True),  # on the last day
        ("in_progress", False, date(2026, 4, 7), date(2026, 4, 6), False),  # too late
        ("extended", True, date(2026, 4, 1), date(2026, 4, 15), False),  # only once
        ("answered", False, date(2026, 4, 1), date(2026, 4, 6), False),
        ("incomplete", False, date(2026, 4, 1), date(2026, 4, 6), True),
    ],
)
def test_extension_is_allowed_once_before_the_deadline(state, extended, today, due, allowed):
    if allowed:
        rules.check_can_extend(state=state, already_extended=extended, today=today, due_on=due)
    else:
        with pytest.raises(rules.RuleViolation):
            rules.check_can_extend(state=state, already_extended=extended, today=today, due_on=due)


@pytest.mark.parametrize(
    ("kwargs", "ok"),
    [
        ({"outcome": "granted", "material": "Salinan"}, True),
        ({"outcome": "granted"}, False),
        ({"outcome": "partly_granted", "material": "Salinan"}, False),
        ({"outcome": "partly_granted", "material": "S", "blacked_out": "NIK"}, True),
        ({"outcome": "rejected", "exemption_ground": "h"}, False),
        ({"outcome": "rejected", "exemption_ground": "h", "consequence": "Uji"}, True),
        ({"outcome": "not_held"}, True),
        ({"outcome": "not_documented"}, True),
    ],
)
def test_notice_needs_what_its_outcome_requires(kwargs, ok):
    full = {"material": "", "blacked_out": "", "exemption_ground": "", "consequence": ""}
    full.update(kwargs)
    if ok:
        rules.check_notice_fields(**full)
    else:
        with pytest.raises(rules.RuleViolation):
            rules.check_notice_fields(**full)


@pytest.mark.parametrize(
    ("details", "missing"),
    [
        (
            {
                "requester_name": "A",
                "identity_number": "1",
                "address": "x",
                "information_requested": "y",
                "email": "a@b.c",
            },
            [],
        ),
        (
            {"requester_name": "A", "information_requested": "y", "phone": "0812"},
            ["identity_number", "address"],
        ),
        (
            {
                "requester_name": "A",
                "identity_number": "1",
                "address": "x",
                "information_requested": "y",
            },
            ["contact"],
        ),
    ],
)
def test_missing_details(details, missing):
    assert rules.missing_details(details) == missing


@pytest.mark.parametrize(
    ("last", "today", "stale"),
    [
        (date(2026, 1, 31), date(2026, 7, 31), False),
        (date(2026, 1, 31), date(2026, 8, 1), True),
        (date(2025, 8, 31), date(2026, 2, 28), False),  # month-end clamp
        (None, date(2026, 1, 1), True),
    ],
)
def test_berkala_information_is_stale_after_six_months(last, today, stale):
    assert rules.berkala_is_stale(last, today) is stale


@pytest.mark.parametrize(
    ("until", "today", "ended"),
    [
        (date(2026, 12, 31), date(2026, 12, 31), False),
        (date(2026, 12, 31), date(2027, 1, 1), True),
        (None, date(2030, 1, 1), False),
    ],
)
def test_exemption_period_ends(until, today, ended):
    assert rules.exemption_has_ended(until, today) is ended


@pytest.mark.parametrize(
    ("due", "today", "kind"),
    [
        (date(2026, 4, 6), date(2026, 3, 31), None),
        (date(2026, 4, 6), date(2026, 4, 1), "due_soon"),  # 2 wd left (3 April is off)
        (date(2026, 4, 6), date(2026, 4, 6), "due_soon"),
        (date(2026, 4, 6), date(2026, 4, 7), "overdue"),
    ],
)
def test_reminder_kind(due, today, kind):
    assert rules.reminder_kind(CAL, due, today, 2) == kind


@pytest.mark.parametrize(
    ("given", "email", "phone", "ok"),
    [
        ("Siti@Example.org", "siti@example.org", "", True),
        ("+62 812-3456-7890", "", "081234567890", True),
        ("081234567890", "", "6281234567890", True),
        ("0812", "", "0812", False),  # too short to identify anyone
        ("other@example.org", "siti@example.org", "", False),
        ("", "", "", False),
    ],
)
def test_contact_matching(given, email, phone, ok):
    assert rules.contact_matches(given, email=email, phone=phone) is ok


def test_registration_number_format():
    assert rules.format_registration_number("PPID", 2026, 123) == "PPID-2026-000123"


def test_annual_report_is_due_by_31_march():
    assert rules.annual_report_due(2025) == date(2026, 3, 31)


def test_annual_figures_on_known_data():
    r = rules.RequestFacts
    figures = rules.annual_figures(
        2025,
        [
            r(date(2025, 1, 2), "granted", date(2025, 1, 9), 5),
            r(date(2025, 2, 3), "partly_granted", date(2025, 2, 14), 9),
            r(date(2025, 3, 3), "rejected", date(2025, 3, 20), 12, "h"),  # late
            r(date(2025, 4, 1), "rejected", date(2025, 4, 25), 15, "a", 17),  # extended
            r(date(2025, 5, 2), "", None, None),
        ],
        [rules.ObjectionFacts("a", "upheld"), rules.ObjectionFacts("c", "")],
        [rules.DisputeFacts("pending")],
    )
    assert figures.requests_received == 5
    assert figures.answered == 4 and figures.unanswered == 1
    assert figures.by_outcome == {"granted": 1, "partly_granted": 1, "rejected": 2}
    assert figures.rejection_grounds == {"a": 1, "h": 1}
    assert figures.average_working_days == 10.2  # (5 + 9 + 12 + 15) / 4 = 10.25
    assert figures.max_working_days == 15
    assert figures.answered_late == 1
    assert figures.objections == 2
    assert figures.objections_by_decision == {"pending": 1, "upheld": 1}
    assert figures.disputes == 1
