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

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
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
class Tally:
    """A multiset of whole numbers kept as (value, count) pairs in ascending order.

    The figures need the median of up to a million follow-up times and the mean of the
    ratings: a tally holds them in a few hundred bytes (it is pickled into the cache on
    every refresh) and still behaves as the sorted sequence of values (``len``,
    iteration) where that is convenient.
    """

    counts: tuple[tuple[int, int], ...] = ()

    @classmethod
    def of(cls, values: Iterable[int] | Mapping[int, int]) -> Tally:
        """A tally of ``values``, or of a ``{value: count}`` mapping."""
        counter = Counter(values) if not isinstance(values, Mapping) else values
        return cls(tuple(sorted((int(v), int(n)) for v, n in counter.items() if n > 0)))

    def __len__(self) -> int:
        return sum(n for _, n in self.counts)

    def __iter__(self) -> Iterator[int]:
        for value, n in self.counts:
            for _ in range(n):
                yield value

    def __add__(self, other: Tally) -> Tally:
        merged = Counter(dict(self.counts))
        merged.update(dict(other.counts))
        return Tally.of(dict(merged))

    def total(self) -> int:
        return sum(v * n for v, n in self.counts)

    def _nth(self, index: int) -> int:
        """The value at ``index`` (from 0) of the sorted sequence."""
        for value, n in self.counts:
            if index < n:
                return value
            index -= n
        raise IndexError(index)

    def median(self) -> int | float:
        """Exactly what ``statistics.median`` gives for the expanded values."""
        size = len(self)
        if size == 0:
            raise ValueError("no median for empty data")
        if size % 2 == 1:
            return self._nth(size // 2)
        return (self._nth(size // 2 - 1) + self._nth(size // 2)) / 2


@dataclass(frozen=True)
class Figures:
    """Counts behind the figures of one unit, one area or the whole city.

    ``follow_up_days`` and ``ratings`` accept any iterable of whole numbers and are kept
    as a :class:`Tally`. ``as_of`` is when the counts were taken (None when not known).
    """

    received: int = 0
    decided: int = 0  # disposed cases whose follow-up is decided (done or overdue)
    on_time: int = 0
    follow_up_days: Tally = field(default_factory=Tally)
    completed: int = 0
    reopened: int = 0
    ratings: Tally = field(default_factory=Tally)
    minimum: int = DEFAULT_MIN_CASES
    as_of: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("follow_up_days", "ratings"):
            value = getattr(self, name)
            if not isinstance(value, Tally):
                object.__setattr__(self, name, Tally.of(value))

    def __add__(self, other: Figures) -> Figures:
        """The figures of two disjoint sets of cases together (minimum and as_of of self)."""
        return Figures(
            received=self.received + other.received,
            decided=self.decided + other.decided,
            on_time=self.on_time + other.on_time,
            follow_up_days=self.follow_up_days + other.follow_up_days,
            completed=self.completed + other.completed,
            reopened=self.reopened + other.reopened,
            ratings=self.ratings + other.ratings,
            minimum=self.minimum,
            as_of=self.as_of,
        )

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
        return self.follow_up_days.median()

    @property
    def reopened_percent(self) -> int | None:
        return percent(self.reopened, self.completed, self.minimum)

    @property
    def satisfaction(self) -> float | None:
        """Mean rating out of 5, one decimal; None below the minimum number of ratings."""
        if len(self.ratings) < self.minimum:
            return None
        return round(self.ratings.total() / len(self.ratings), 1)


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
        follow_up_days=Tally.of(days),
        completed=completed,
        reopened=reopened,
        ratings=Tally.of(ratings),
        minimum=minimum,
    )


@dataclass(frozen=True)
class WindowDay:
    """One day of a calendar window, as numbers a database can compare.

    ``index`` counts days from the window's first day; ``working_index`` counts the
    working days in (first day, ``day``], so ``working_days_between(a, b)`` is
    ``b.working_index - a.working_index``; ``due_index`` is the ``index`` of the follow-up
    deadline of a case disposed on ``day`` (it may lie beyond the window).
    """

    day: date
    index: int
    working_index: int
    due_index: int


def calendar_window(
    calendar: WorkingDayCalendar, first: date, last: date, follow_up_working_days: int
) -> list[WindowDay]:
    """Every day from ``first`` to ``last`` (both included) with its working-day numbers.

    This is what lets the database compute the working-day figures: each case looks up
    its disposition and follow-up dates here instead of being counted in Python.
    """
    days = []
    working = 0
    for index in range((last - first).days + 1):
        day = first + timedelta(days=index)
        if index and calendar.is_working_day(day):
            working += 1
        due = calendar.add_working_days(day, follow_up_working_days)
        days.append(WindowDay(day, index, working, (due - first).days))
    return days


def ranked(rows: Iterable[T], figure: Callable[[T], float | None]) -> list[T]:
    """Rows whose ``figure`` is published, best first (ties keep their order).

    Rows below the minimum sample have no figure (None) and are left out: they are
    listed apart as "too few cases", never ranked.
    """
    published = [(row, value) for row in rows if (value := figure(row)) is not None]
    return [row for row, _ in sorted(published, key=lambda pair: -pair[1])]


def bucket(value: int, maximum: int, buckets: int = 5) -> int:
    """Which of ``buckets`` shades (0 = none, 1..buckets) shows ``value`` out of ``maximum``."""
    if value <= 0 or maximum <= 0:
        return 0
    return min(buckets, 1 + (value * buckets - 1) // maximum)
