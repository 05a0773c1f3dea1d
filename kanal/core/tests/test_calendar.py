"""Table tests of the working-day calendar: pure rules, then the statutory calendar in force."""

from datetime import date

import pytest

from kanal.core import actions, process_copy
from kanal.core.calendar import DayOff, DayOffKind, WorkingDayCalendar, explain_due_date
from kanal.core.queries import describe_due_date, working_calendar

D = date

# A small hand-made calendar: one holiday on Wednesday 2026-03-18, one decreed working
# Saturday 2026-03-28.
TOY = WorkingDayCalendar(
    holidays={D(2026, 3, 18): DayOff(D(2026, 3, 18), "Libur", DayOffKind.PUBLIC_HOLIDAY)},
    working_overrides=frozenset({D(2026, 3, 28)}),
)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 3, 16), 0, D(2026, 3, 16)),  # zero days: the same date
        (D(2026, 3, 16), 1, D(2026, 3, 17)),  # Mon + 1 = Tue
        (D(2026, 3, 16), 2, D(2026, 3, 19)),  # skips the Wednesday holiday
        (D(2026, 3, 20), 1, D(2026, 3, 23)),  # Fri + 1 = Mon
        (D(2026, 3, 21), 1, D(2026, 3, 23)),  # from a Saturday
        (D(2026, 3, 27), 1, D(2026, 3, 28)),  # decreed working Saturday counts
        (D(2026, 3, 19), -1, D(2026, 3, 17)),  # backwards skips the holiday too
    ],
)
def test_adding_working_days_on_a_toy_calendar(start, days, due):
    assert TOY.add_working_days(start, days) == due


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (D(2026, 3, 16), D(2026, 3, 16), 0),
        (D(2026, 3, 16), D(2026, 3, 20), 3),  # Tue, Thu, Fri (Wed is off)
        (D(2026, 3, 20), D(2026, 3, 16), -3),
        (D(2026, 3, 20), D(2026, 3, 22), 0),  # a weekend
        (D(2026, 3, 27), D(2026, 3, 30), 2),  # working Saturday + Monday
    ],
)
def test_counting_working_days_on_a_toy_calendar(start, end, count):
    assert TOY.working_days_between(start, end) == count


def test_adding_then_counting_gives_back_the_count():
    for days in range(40):
        due = TOY.add_working_days(D(2026, 3, 1), days)
        assert TOY.working_days_between(D(2026, 3, 1), due) == days


def test_explanation_lists_skipped_days_and_weekends():
    exp = explain_due_date(TOY, D(2026, 3, 16), 5)
    assert exp.due == D(2026, 3, 24)
    assert exp.weekend_days == 2
    assert [d.date for d in exp.skipped] == [D(2026, 3, 18)]


# --- the statutory calendar (holidays package + overrides) ----------------------------

LEBARAN_2026 = [
    # Idul Fitri 2026: 20, 23, 24 March cuti bersama; 21-22 March holiday; Nyepi 18-19.
    (D(2026, 3, 13), 1, D(2026, 3, 16)),
    (D(2026, 3, 13), 3, D(2026, 3, 25)),  # Mon 16, Tue 17, then Wed 25
    (D(2026, 3, 13), 10, D(2026, 4, 6)),  # Good Friday 3 April is off too
    (D(2026, 3, 17), 1, D(2026, 3, 25)),
    (D(2026, 3, 19), 5, D(2026, 3, 31)),
]
YEAR_ENDS = [
    (D(2025, 12, 23), 3, D(2025, 12, 30)),  # 24 Dec cuti bersama, 25 Dec Natal, 26 cuti
    (D(2025, 12, 31), 1, D(2026, 1, 2)),  # 1 Jan New Year
    (D(2026, 12, 23), 2, D(2026, 12, 29)),  # 24 cuti bersama, 25 Natal, weekend
    (D(2026, 12, 31), 1, D(2027, 1, 4)),  # New Year on Friday, then the weekend
]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "days", "due"), LEBARAN_2026 + YEAR_ENDS)
def test_statutory_calendar_across_lebaran_and_year_ends(start, days, due):
    assert working_calendar().add_working_days(start, days) == due


@pytest.mark.django_db
def test_collective_leave_counts_as_working_when_configured(settings):
    settings.KANAL_COLLECTIVE_LEAVE_IS_DAY_OFF = False
    calendar = working_calendar()
    assert calendar.is_working_day(D(2026, 3, 20))  # cuti bersama: working
    assert not calendar.is_working_day(D(2026, 3, 19))  # Nyepi: still a holiday


@pytest.mark.django_db
def test_a_decree_override_changes_the_calendar_at_once():
    assert working_calendar().is_working_day(D(2026, 3, 12))
    actions.set_calendar_override(
        actor=None,
        day=D(2026, 3, 12),
        is_working_day=False,
        reason="Libur daerah HUT Kota",
        decree="Kep. Wali Kota 1/2026",
    )
    assert not working_calendar().is_working_day(D(2026, 3, 12))
    actions.set_calendar_override(
        actor=None, day=D(2026, 3, 20), is_working_day=True, reason="Cuti bersama dibatalkan"
    )
    calendar = working_calendar()
    assert calendar.is_working_day(D(2026, 3, 20))
    assert calendar.add_working_days(D(2026, 3, 11), 1) == D(2026, 3, 13)


@pytest.mark.django_db
def test_another_process_decree_counts_after_the_recheck_interval(monkeypatch):
    """The table is asked at most every CALENDAR_RECHECK_SECONDS (not on every case); a
    write this process's signals do not see (another process: bulk_create sends none)
    counts once the interval has passed; one they see counts at once."""
    from kanal.core import queries
    from kanal.core.models import CalendarOverride

    now = [1000.0]
    monkeypatch.setattr(process_copy.time, "monotonic", lambda: now[0])
    assert working_calendar().is_working_day(D(2026, 3, 12))
    CalendarOverride.objects.bulk_create(
        [CalendarOverride(date=D(2026, 3, 12), is_working_day=False, reason="Libur daerah")]
    )
    now[0] += queries.CALENDAR_RECHECK_SECONDS / 2
    assert working_calendar().is_working_day(D(2026, 3, 12))  # not asked yet
    now[0] += queries.CALENDAR_RECHECK_SECONDS
    assert not working_calendar().is_working_day(D(2026, 3, 12))
    CalendarOverride.objects.create(date=D(2026, 3, 13), is_working_day=False, reason="Banjir")
    assert not working_calendar().is_working_day(D(2026, 3, 13))  # its signal: at once


@pytest.mark.django_db
def test_due_date_explained_in_indonesian():
    from django.utils import translation

    with translation.override("id"):
        text = describe_due_date(D(2026, 3, 13), 10)
    assert text.startswith("10 hari kerja sejak 13 Maret 2026 (jatuh tempo 6 April 2026)")
    assert "tidak termasuk" in text
    assert "20 Maret 2026 (Cuti Bersama Hari Raya Idul Fitri)" in text


@pytest.mark.django_db
def test_due_date_explained_in_english():
    from django.utils import translation

    with translation.override("en"):
        text = describe_due_date(D(2026, 3, 13), 10)
    assert text.startswith("10 working days from 13 March 2026 (due 6 April 2026), excluding:")
