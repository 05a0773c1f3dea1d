"""Table tests of the figure computations."""

import random
import statistics
from datetime import date, timedelta

import pytest

from kanal.core.calendar import DayOff, DayOffKind, WorkingDayCalendar
from kanal.insights import rules
from kanal.insights.rules import CaseTimes, Figures, Tally

CAL = WorkingDayCalendar()  # weekends only, so the tests read easily
MON = date(2026, 3, 2)  # a Monday
TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("case", "today", "expected"),
    [
        (CaseTimes(MON), TODAY, None),  # never disposed: no outcome
        (CaseTimes(MON, MON, date(2026, 3, 9)), TODAY, True),  # 5th working day: on time
        (CaseTimes(MON, MON, date(2026, 3, 10)), TODAY, False),  # 6th: late
        (CaseTimes(MON, MON), date(2026, 3, 9), None),  # still inside its time
        (CaseTimes(MON, MON), date(2026, 3, 10), False),  # overdue without follow-up
    ],
)
def test_follow_up_outcome(case, today, expected):
    assert rules.follow_up_outcome(CAL, case, 5, today) is expected


@pytest.mark.parametrize(
    ("part", "whole", "minimum", "expected"),
    [(3, 4, 10, None), (0, 0, 0, None), (7, 10, 10, 70), (2, 3, 1, 67), (10, 10, 10, 100)],
)
def test_percent_needs_the_minimum_base(part, whole, minimum, expected):
    assert rules.percent(part, whole, minimum) == expected


def test_compute_figures_counts_each_figure_on_its_own_base():
    cases = [
        CaseTimes(MON, MON, date(2026, 3, 3), completed=True, rating=5),  # 1 wd
        CaseTimes(MON, MON, date(2026, 3, 5), completed=True, reopen_count=1, rating=2),  # 3 wd
        CaseTimes(MON, MON, date(2026, 3, 12), completed=True, rating=4),  # 8 wd, late
        CaseTimes(MON, MON),  # overdue
        CaseTimes(MON),  # not disposed
        CaseTimes(MON, rating=9),  # an impossible rating is ignored
    ]
    f = rules.compute_figures(cases, calendar=CAL, follow_up_working_days=5, today=TODAY, minimum=3)
    assert (f.received, f.decided, f.on_time) == (6, 4, 2)
    assert f.on_time_percent == 50
    assert tuple(f.follow_up_days) == (1, 3, 8)
    assert f.median_follow_up_days == 3
    assert (f.completed, f.reopened, f.reopened_percent) == (3, 1, 33)
    assert f.satisfaction == 3.7
    assert f.enough_cases


def test_figures_below_the_minimum_are_withheld():
    f = Figures(received=4, decided=4, on_time=4, follow_up_days=(1, 2), ratings=(5,), minimum=10)
    assert not f.enough_cases
    assert f.on_time_percent is None
    assert f.median_follow_up_days is None
    assert f.satisfaction is None
    assert f.reopened_percent is None


def test_ranking_leaves_out_rows_without_a_published_figure():
    rows = [("a", 50), ("b", None), ("c", 90), ("d", 50)]
    assert rules.ranked(rows, lambda r: r[1]) == [("c", 90), ("a", 50), ("d", 50)]


@pytest.mark.parametrize(
    ("value", "maximum", "expected"),
    [(0, 10, 0), (1, 10, 1), (2, 10, 1), (3, 10, 2), (10, 10, 5), (5, 0, 0), (1, 1, 5)],
)
def test_bucket(value, maximum, expected):
    assert rules.bucket(value, maximum) == expected


@pytest.mark.parametrize("seed", range(40))
def test_a_tally_gives_what_statistics_gives_for_the_values(seed):
    rng = random.Random(seed)
    values = [rng.choice([0, 0, 1, 2, 3, 5, 8, 40]) for _ in range(rng.randint(1, 30))]
    tally = Tally.of(values)
    assert len(tally) == len(values)
    assert list(tally) == sorted(values)
    assert tally.total() == sum(values)
    expected = statistics.median(values)
    assert tally.median() == expected
    assert type(tally.median()) is type(expected)  # "2" and "2.0" read differently


def test_tallies_add_up_and_figures_take_any_iterable():
    assert Tally.of([1, 2, 2]) + Tally.of([2, 7]) == Tally.of([1, 2, 2, 2, 7])
    assert Tally.of({3: 2, 4: 0}) == Tally.of([3, 3])
    f = Figures(received=1, follow_up_days=[2, 1], ratings=(5,), minimum=1)
    g = Figures(received=2, follow_up_days=[3], completed=1, reopened=1, minimum=1)
    total = f + g
    assert (total.received, total.completed, total.reopened) == (3, 1, 1)
    assert tuple(total.follow_up_days) == (1, 2, 3)
    assert total.median_follow_up_days == 2
    assert len(total.ratings) == 1 and total.satisfaction == 5.0
    with pytest.raises(ValueError):
        Tally().median()


def test_the_calendar_window_agrees_with_the_calendar():
    friday = date(2026, 3, 20)  # a holiday here; the Saturday after is a decreed working day
    calendar = WorkingDayCalendar(
        holidays={friday: DayOff(friday, "Libur", DayOffKind.PUBLIC_HOLIDAY)},
        working_overrides=frozenset({date(2026, 3, 21)}),
    )
    first, last = date(2026, 3, 1), date(2026, 4, 15)
    for follow_up_days in (0, 1, 5):
        window = rules.calendar_window(calendar, first, last, follow_up_days)
        assert [d.day for d in window] == [
            first + timedelta(days=i) for i in range((last - first).days + 1)
        ]
        for a in window:
            assert a.index == (a.day - first).days
            due = calendar.add_working_days(a.day, follow_up_days)
            assert a.due_index == (due - first).days
            for b in window[::3]:
                assert b.working_index - a.working_index == calendar.working_days_between(
                    a.day, b.day
                )
