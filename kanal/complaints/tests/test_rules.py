"""Table tests of the case rules: every (state, action) pair, clocks, SLA, escalation."""

from datetime import date

import pytest

from kanal.complaints import rules
from kanal.complaints.models import State
from kanal.core.calendar import DayOff, DayOffKind, WorkingDayCalendar

A = rules.Action
ALLOWED = {
    "diterima": {
        A.VERIFY: "diverifikasi",
        A.DISPOSE: "didisposisikan",
        A.POSTPONE: "ditunda",
        A.REFER_OUTSIDE: "bukan_wewenang",
        A.REJECT: "ditolak",
        A.MERGE: "digabung",
        A.HAND_TO_PPID: "ditutup",
    },
    "diverifikasi": {
        A.DISPOSE: "didisposisikan",
        A.POSTPONE: "ditunda",
        A.REFER_OUTSIDE: "bukan_wewenang",
        A.REJECT: "ditolak",
        A.MERGE: "digabung",
        A.HAND_TO_PPID: "ditutup",
    },
    "didisposisikan": {
        A.FOLLOW_UP: "ditindaklanjuti",
        A.SEND_BACK: "diverifikasi",
        A.MERGE: "digabung",
        A.REROUTE: "didisposisikan",
    },
    "ditindaklanjuti": {
        A.COMPLETE: "selesai",
        A.RETURN_TO_UNIT: "didisposisikan",
        A.REROUTE: "didisposisikan",
    },
    "selesai": {A.CLOSE: "ditutup", A.REOPEN: "didisposisikan"},
    "ditutup": {A.REOPEN: "didisposisikan"},
    "ditunda": {
        A.RESUME: "diverifikasi",
        A.REFER_OUTSIDE: "bukan_wewenang",
        A.REJECT: "ditolak",
        A.MERGE: "digabung",
    },
    "bukan_wewenang": {},
    "ditolak": {},
    "digabung": {},
}


def test_the_table_covers_every_state():
    assert set(ALLOWED) == set(State.values)


@pytest.mark.parametrize("state", sorted(ALLOWED))
@pytest.mark.parametrize("action", list(A))
def test_every_state_and_action_pair(state, action):
    expected = ALLOWED[state].get(action)
    if expected is None:
        with pytest.raises(rules.TransitionRefused):
            rules.next_state(state, action)
    else:
        assert rules.next_state(state, action) == expected


def test_every_action_names_the_capability_it_needs():
    assert set(rules.ACTION_CAPABILITY) == set(A)


NYEPI_LEBARAN = WorkingDayCalendar(
    holidays={
        d: DayOff(d, "libur", DayOffKind.PUBLIC_HOLIDAY)
        for d in [
            date(2026, 3, 18),
            date(2026, 3, 19),
            date(2026, 3, 20),
            date(2026, 3, 23),
            date(2026, 3, 24),
        ]
    }
)
D = rules.DEFAULT_DEADLINES


@pytest.mark.parametrize(
    ("state", "since", "due", "basis"),
    [
        ("diterima", date(2026, 3, 16), date(2026, 3, 26), "verify"),  # 17, 25, 26
        ("diverifikasi", date(2026, 3, 13), date(2026, 3, 25), "verify"),  # 16, 17, 25
        ("didisposisikan", date(2026, 3, 17), date(2026, 3, 31), "follow_up"),  # 5 WD
        ("ditindaklanjuti", date(2026, 3, 26), date(2026, 3, 31), "review"),
        ("selesai", date(2026, 3, 2), date(2026, 3, 16), "auto_close"),  # 10 WD
        ("ditunda", date(2026, 3, 2), None, ""),
        ("ditutup", date(2026, 3, 2), None, ""),
    ],
)
def test_due_dates_per_state(state, since, due, basis):
    got_due, got_basis, _ = rules.due_date_for(NYEPI_LEBARAN, state, since, D)
    assert (got_due, got_basis) == (due, basis)


@pytest.mark.parametrize(
    ("due", "today", "status"),
    [
        (None, date(2026, 3, 2), rules.SlaStatus.NONE),
        (date(2026, 3, 10), date(2026, 3, 2), rules.SlaStatus.ON_TRACK),
        (date(2026, 3, 10), date(2026, 3, 9), rules.SlaStatus.AT_RISK),
        (date(2026, 3, 10), date(2026, 3, 10), rules.SlaStatus.AT_RISK),
        (date(2026, 3, 25), date(2026, 3, 17), rules.SlaStatus.AT_RISK),  # holidays between
        (date(2026, 3, 10), date(2026, 3, 11), rules.SlaStatus.OVERDUE),
    ],
)
def test_sla_status(due, today, status):
    assert rules.sla_status(NYEPI_LEBARAN, due, today, D) == status


@pytest.mark.parametrize(
    ("today", "level"),
    [
        (date(2026, 3, 2), 0),
        (date(2026, 3, 3), 1),
        (date(2026, 3, 4), 1),
        (date(2026, 3, 5), 2),
        (date(2026, 3, 9), 3),
        (date(2026, 3, 30), 3),
    ],
)
def test_escalation_levels_by_working_days_overdue(today, level):
    assert rules.escalation_level(NYEPI_LEBARAN, date(2026, 3, 2), today) == level


@pytest.mark.parametrize(
    ("state", "closed", "today", "ok"),
    [
        ("selesai", None, date(2026, 4, 30), True),
        ("ditutup", date(2026, 3, 2), date(2026, 3, 16), True),  # 10 WD later
        ("ditutup", date(2026, 3, 2), date(2026, 3, 17), False),
        ("ditutup", date(2026, 3, 17), date(2026, 3, 31), True),  # holidays don't count
        ("didisposisikan", None, date(2026, 3, 2), False),
    ],
)
def test_reopen_window(state, closed, today, ok):
    assert rules.may_reopen(NYEPI_LEBARAN, state, closed, today, D) is ok


def test_tracking_numbers_are_readable_and_random():
    numbers = {rules.new_tracking_number("BL") for _ in range(2000)}
    assert len(numbers) == 2000
    for n in list(numbers)[:50]:
        assert len(n) == 12 and n.startswith("BL-") and n[7] == "-"
        assert not set(n[3:].replace("-", "")) & set("ILOU")


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("bl-7kq2-m9xd", "BL-7KQ2-M9XD"),
        ("BL7KQ2M9XD", "BL-7KQ2-M9XD"),
        (" bl 7kq2 m9xd ", "BL-7KQ2-M9XD"),
        ("BL-7KQ2-M9XO", "BL-7KQ2-M9X0"),
        ("BL-1KQ2-M9XD", "BL-1KQ2-M9XD"),
        ("bl-lkq2-m9xd", "BL-1KQ2-M9XD"),
    ],
)
def test_typed_tracking_numbers_are_normalised(typed, number):
    assert rules.normalise_tracking_number(typed) == number


@pytest.mark.parametrize(
    ("text", "must_not_contain"),
    [
        ("Nama saya Budi Santoso, tinggal di Kedaton", "Budi Santoso"),
        ("hubungi 0812-3456-7890 ya", "3456"),
        ("WA +62 812 3456 7890", "3456"),
        ("NIK 1871012345678901 saya ditolak", "1871012345678901"),
        ("email budi.s@example.com", "budi.s@example.com"),
        ("KTP: 1871 0123 4567 8901", "4567"),
    ],
)
def test_personal_data_is_redacted(text, must_not_contain):
    assert must_not_contain not in rules.redact_personal_data(text)


def test_known_reporter_details_are_redacted_anywhere():
    text = "Pak Slamet Riyadi dari RT 3 bilang jalannya rusak"
    assert "Slamet Riyadi" not in rules.redact_personal_data(text, ["Slamet Riyadi"])


def test_templates_fill_known_placeholders_only():
    body = "Laporan {tracking_number} untuk {unit}: {unknown}"
    assert rules.fill_template(body, {"tracking_number": "BL-1", "unit": "DPU"}) == (
        "Laporan BL-1 untuk DPU: {unknown}"
    )


# --- history in sentences and the "heard in person" set -----------------------------------


@pytest.mark.parametrize(
    ("action", "data", "expected"),
    [
        ("complaint.submitted", {"channel": "whatsapp"}, "Received through WhatsApp."),
        ("complaint.dispose", {"unit": "dpu"}, "Disposed to Dinas PU."),
        (
            "complaint.dispose",
            {"unit": "dpu", "automatic": True},
            "Routed automatically to Dinas PU.",
        ),
        (
            "complaint.reroute",
            {"old_unit": "dpu", "unit": "dlh"},
            "Re-routed from Dinas PU to dlh.",
        ),
        (
            "complaint.send_back",
            {"unit": "dpu", "reason": "Jalan provinsi"},
            "Sent back to the operators by Dinas PU: Jalan provinsi",
        ),
        (
            "complaint.notice_skipped",
            {},
            "The reporter was not notified (no way to reach them on this channel).",
        ),
        (
            "complaint.escalated",
            {"to": 2, "due_date": "2026-03-02"},
            "Overdue since 2 March 2026: escalated to level 2.",
        ),
        ("complaint.something_new", {}, "Recorded: something new."),
    ],
)
def test_history_events_read_as_sentences(action, data, expected):
    from django.utils import translation

    with translation.override("en"):
        assert rules.describe_event(action, data, {"dpu": "Dinas PU"}) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("citizen", "The reporter"),
        ("channel:whatsapp", "WhatsApp channel"),
        ("system", "Kanal (automatic)"),
        ("system:routing", "Kanal's router"),
    ],
)
def test_who_acted_reads_as_words(label, expected):
    from django.utils import translation

    with translation.override("en"):
        assert rules.describe_actor("", label) == expected
    assert rules.describe_actor("Rina", label) == "Rina"


def test_heard_in_person_covers_the_desk_voice_and_area_channels_only():
    from kanal.complaints.models import Channel

    in_person = {c for c in Channel.values if rules.is_heard_in_person(c)}
    assert {"walk_in", "phone", "ppid_desk", "field_visit"} <= in_person
    assert "area_office" in in_person or {"lurah", "camat"} <= in_person
    assert not in_person & {"web", "whatsapp", "email", "sms", "lapor", "instagram", "api"}
