"""Reads of infrastructure state: the working-day calendar in force, worker heartbeats."""

from __future__ import annotations

import threading
from datetime import date

from django.conf import settings
from django.db.models import Count, Max
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .calendar import DayOff, DayOffKind, DueDateExplanation, WorkingDayCalendar, explain_due_date
from .models import CalendarOverride, Heartbeat
from .process_copy import ProcessCopy

# Years the holiday list covers; a date outside falls back to weekends only, so the
# range is wide. The holidays package knows Indonesian holidays and cuti bersama by
# decree year (SKB 3 Menteri), in Indonesian.
HOLIDAY_YEARS = range(2015, 2041)

_lock = threading.Lock()
_cache: dict[tuple, WorkingDayCalendar] = {}
# How long a process trusts its calendar before it asks whether the overrides changed.
CALENDAR_RECHECK_SECONDS = 10.0
# (KANAL_COLLECTIVE_LEAVE_IS_DAY_OFF it was built for, the calendar)
_recent: ProcessCopy[tuple[bool, WorkingDayCalendar]] = ProcessCopy(CALENDAR_RECHECK_SECONDS)


def _statutory_days_off(collective_leave_is_day_off: bool) -> dict[date, DayOff]:
    # Imported here: ~5 MB that a process which never computes a due date (the
    # scheduler) need not hold (issue 24).
    import holidays as holidays_lib

    days: dict[date, DayOff] = {}
    public = holidays_lib.country_holidays(
        "ID", years=HOLIDAY_YEARS, language="id", categories=("public",)
    )
    for day, name in public.items():
        days[day] = DayOff(day, name, DayOffKind.PUBLIC_HOLIDAY)
    if collective_leave_is_day_off:
        leave = holidays_lib.country_holidays(
            "ID", years=HOLIDAY_YEARS, language="id", categories=("government",)
        )
        for day, name in leave.items():
            days.setdefault(day, DayOff(day, name, DayOffKind.COLLECTIVE_LEAVE))
    return days


def working_calendar() -> WorkingDayCalendar:
    """The calendar in force now: statutory days off plus the decree overrides.

    Cached per process and rebuilt when the override table changes. Whether it changed
    is asked of the database (one aggregate query) at most once every
    CALENDAR_RECHECK_SECONDS per process rather than on every call (every case taken in
    asked it): a decree saved in this process counts at once (``forget_calendar``, on
    every save and delete of an override), in the other processes within those seconds.
    Decrees are made days ahead of the day they concern.
    """
    leave_is_day_off = settings.KANAL_COLLECTIVE_LEAVE_IS_DAY_OFF
    leave, calendar = _recent.get(lambda: _current_calendar(leave_is_day_off))
    if leave != leave_is_day_off:  # the setting changed (tests): ask again
        _recent.forget()
        leave, calendar = _recent.get(lambda: _current_calendar(leave_is_day_off))
    return calendar


def _current_calendar(leave_is_day_off: bool) -> tuple[bool, WorkingDayCalendar]:
    """The calendar as the override table has it now, rebuilt only if the table changed."""
    state = CalendarOverride.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    key = (state["n"], state["changed"], leave_is_day_off)
    with _lock:
        if key in _cache:
            return leave_is_day_off, _cache[key]
    days = _statutory_days_off(leave_is_day_off)
    working = set()
    for override in CalendarOverride.objects.all():
        if override.is_working_day:
            working.add(override.date)
            days.pop(override.date, None)
        else:
            days[override.date] = DayOff(override.date, override.reason, DayOffKind.DECREE)
    calendar = WorkingDayCalendar(holidays=days, working_overrides=frozenset(working))
    with _lock:
        _cache.clear()
        _cache[key] = calendar
    return leave_is_day_off, calendar


def forget_calendar(**_signal_kwargs) -> None:
    """Ask the database again on the next ``working_calendar`` in this process (now and
    once the current transaction ends: a signal receiver for override saves/deletes)."""
    _recent.forget_now_and_after_commit()


def describe_due_date(start: date, days: int) -> str:
    """A due date in words, in the active language.

    "10 hari kerja sejak 13 Maret 2026 (jatuh tempo 30 Maret 2026), tidak termasuk:
    4 hari Sabtu/Minggu, 20 Maret 2026 (Cuti Bersama Hari Raya Idul Fitri), …"
    """
    return format_explanation(explain_due_date(working_calendar(), start, days))


def format_explanation(exp: DueDateExplanation) -> str:
    """A due date's explanation as one translated sentence: the working days counted and the
    weekend days and holidays left out, with dates as "6 Desember 2026"."""

    def fmt(d: date) -> str:
        return formats.date_format(d, "j F Y")

    head = ngettext(
        "%(n)d working day from %(start)s (due %(due)s)",
        "%(n)d working days from %(start)s (due %(due)s)",
        exp.working_days,
    ) % {"n": exp.working_days, "start": fmt(exp.start), "due": fmt(exp.due)}
    excluded = []
    if exp.weekend_days:
        excluded.append(
            ngettext("%(n)d Saturday/Sunday", "%(n)d Saturdays/Sundays", exp.weekend_days)
            % {"n": exp.weekend_days}
        )
    excluded += [f"{fmt(d.date)} ({d.name})" for d in exp.skipped]
    if not excluded:
        return head
    return _("%(head)s, excluding: %(days)s") % {"head": head, "days": "; ".join(excluded)}


def last_heartbeat(name: str) -> Heartbeat | None:
    """The last heartbeat of the process called ``name``, or None when it never beat."""
    return Heartbeat.objects.filter(name=name).first()
