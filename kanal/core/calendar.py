"""The working-day calendar: pure date arithmetic over a known set of days off.

A *working day* (hari kerja) is Monday to Friday, minus national holidays (libur
nasional), minus cuti bersama when the deployment treats it as a day off, with
decree overrides winning over everything. Building the sets from the ``holidays``
package and the override table happens in :mod:`kanal.core.queries`; this module only
counts, so every rule here has table tests.

Counting convention (SP4N-LAPOR! and UU 14/2008 practice): the day of the event
itself is not counted; "N working days since D" ends on the N-th working day after D.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum


class DayOffKind(StrEnum):
    WEEKEND = "weekend"
    PUBLIC_HOLIDAY = "public_holiday"
    COLLECTIVE_LEAVE = "collective_leave"
    DECREE = "decree"


@dataclass(frozen=True)
class DayOff:
    date: date
    name: str
    kind: DayOffKind


@dataclass(frozen=True)
class WorkingDayCalendar:
    """Days off (other than weekends) and decreed working days.

    ``holidays`` maps a date to its day off; ``working_overrides`` are dates a decree
    made working days (they win over weekends and holidays).
    """

    holidays: Mapping[date, DayOff] = field(default_factory=dict)
    working_overrides: frozenset[date] = frozenset()

    def day_off(self, day: date) -> DayOff | None:
        """Why ``day`` is not a working day, or None when it is one."""
        if day in self.working_overrides:
            return None
        if day in self.holidays:
            return self.holidays[day]
        if day.weekday() >= 5:
            return DayOff(day, "Sabtu" if day.weekday() == 5 else "Minggu", DayOffKind.WEEKEND)
        return None

    def is_working_day(self, day: date) -> bool:
        return self.day_off(day) is None

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted).

        ``days`` = 0 returns ``start`` unchanged. Negative counts go backwards.
        """
        step = timedelta(days=1 if days >= 0 else -1)
        remaining = abs(days)
        current = start
        while remaining:
            current += step
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many have passed from ``start`` to ``end``.

        Negative when ``end`` is before ``start``. Equal dates give 0.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def days_off_between(self, start: date, end: date) -> list[DayOff]:
        """Every non-working day in (start, end], weekends included, in date order."""
        result = []
        current = start
        while current < end:
            current += timedelta(days=1)
            off = self.day_off(current)
            if off is not None:
                result.append(off)
        return result


@dataclass(frozen=True)
class DueDateExplanation:
    """What a due date was computed from, for people to read and check."""

    start: date
    working_days: int
    due: date
    weekend_days: int
    skipped: tuple[DayOff, ...]


def explain_due_date(calendar: WorkingDayCalendar, start: date, days: int) -> DueDateExplanation:
    """The due date ``days`` working days after ``start`` and the days that were skipped."""
    due = calendar.add_working_days(start, days)
    off = calendar.days_off_between(start, due)
    return DueDateExplanation(
        start=start,
        working_days=days,
        due=due,
        weekend_days=sum(1 for d in off if d.kind == DayOffKind.WEEKEND),
        skipped=tuple(d for d in off if d.kind != DayOffKind.WEEKEND),
    )
