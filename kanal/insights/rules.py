"""Pure computations of the public performance figures (kinerja).

Definitions (stated on the transparency page too):

- *received*: cases registered in the period (oversight cases excluded by the caller).
- *answered on time*: of the cases disposed to a unit whose follow-up is decided —
  followed up, or still without a follow-up after its deadline — the share followed up
  no later than ``follow_up_working_days`` working days after disposition
  (SP4N-LAPOR! practice, see kanal.complaints.rules.DEFAULT_DEADLINES).
- *median time to follow-up*: working days from disposition to the first follow-up,
  over the cases followed up (the day of disposition is not counted).
- *reopened*: of the cases that reached "completed", the share the reporter reopened.
- *satisfaction*: the mean rating (1–5) of the rated cases.

A figure is published only when its own base reaches the minimum sample, so that two
or three cases never make a unit look good or bad; units are ranked only on figures
that are published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from statistics import median
from typing import TypeVar

from kanal.core.calendar import WorkingDayCalendar

DEFAULT_MIN_CASES = 10
T = TypeVar("T")


@dataclass(frozen=True)
class CaseTimes:
    """What the figures need to know about one case (dates in local time)."""

    received_on: date
    disposed_on: date | None = None
    followed_up_on: date | None = None
    completed: bool = False
    reopen_count: int = 0
    rating: int | None = None


@dataclass(frozen=True)
class Figures:
    """Counts behind the figures of one unit, one area or the whole city."""

    received: int = 0
    decided: int = 0  # disposed cases whose follow-up is decided (done or overdue)
    on_time: int = 0
    follow_up_days: tuple[int, ...] = ()
    completed: int = 0
    reopened: int = 0
    ratings: tuple[int, ...] = field(default=())
    minimum: int = DEFAULT_MIN_CASES

    @property
    def enough_cases(self) -> bool:
        """Whether the unit has enough cases to be shown or ranked at all."""
        return self.received >= self.minimum

    @property
    def on_time_percent(self) -> int | None:
        return percent(self.on_time, self.decided, self.minimum)

    @property
    def median_follow_up_days(self) -> float | None:
        if len(self.follow_up_days) < self.minimum:
            return None
        return median(self.follow_up_days)

    @property
    def reopened_percent(self) -> int | None:
        return percent(self.reopened, self.completed, self.minimum)

    @property
    def satisfaction(self) -> float | None:
        """Mean rating out of 5, one decimal; None below the minimum number of ratings."""
        if len(self.ratings) < self.minimum:
            return None
        return round(sum(self.ratings) / len(self.ratings), 1)


def percent(part: int, whole: int, minimum: int) -> int | None:
    """``part`` of ``whole`` in whole percent, or None when ``whole`` is below ``minimum``."""
    if whole <= 0 or whole < minimum:
        return None
    return round(100 * part / whole)


def follow_up_outcome(
    calendar: WorkingDayCalendar,
    case: CaseTimes,
    working_days: int,
    today: date,
) -> bool | None:
    """True when followed up on time, False when late or overdue, None when not decided.

    A case not disposed yet, or disposed and still inside its follow-up time, has no
    outcome yet and stays out of the on-time share.
    """
    if case.disposed_on is None:
        return None
    due = calendar.add_working_days(case.disposed_on, working_days)
    if case.followed_up_on is not None:
        return case.followed_up_on <= due
    return False if today > due else None


def compute_figures(
    cases: Iterable[CaseTimes],
    *,
    calendar: WorkingDayCalendar,
    follow_up_working_days: int,
    today: date,
    minimum: int = DEFAULT_MIN_CASES,
) -> Figures:
    """The figures of a set of cases (see the module docstring for the definitions)."""
    received = decided = on_time = completed = reopened = 0
    days: list[int] = []
    ratings: list[int] = []
    for case in cases:
        received += 1
        outcome = follow_up_outcome(calendar, case, follow_up_working_days, today)
        if outcome is not None:
            decided += 1
            on_time += int(outcome)
        if case.disposed_on is not None and case.followed_up_on is not None:
            days.append(
                max(0, calendar.working_days_between(case.disposed_on, case.followed_up_on))
            )
        if case.completed:
            completed += 1
            reopened += int(case.reopen_count > 0)
        if case.rating is not None and 1 <= case.rating <= 5:
            ratings.append(case.rating)
    return Figures(
        received=received,
        decided=decided,
        on_time=on_time,
        follow_up_days=tuple(days),
        completed=completed,
        reopened=reopened,
        ratings=tuple(ratings),
        minimum=minimum,
    )


def ranked(rows: Iterable[T], figure: Callable[[T], float | None]) -> list[T]:
    """Rows whose ``figure`` is published, best first (ties keep their order).

    Rows below the minimum sample have no figure (None) and are left out: they are
    listed apart as "too few cases", never ranked.
    """
    return sorted((r for r in rows if figure(r) is not None), key=lambda r: -figure(r))


def bucket(value: int, maximum: int, buckets: int = 5) -> int:
    """Which of ``buckets`` shades (0 = none, 1..buckets) shows ``value`` out of ``maximum``."""
    if value <= 0 or maximum <= 0:
        return 0
    return min(buckets, 1 + (value * buckets - 1) // maximum)
