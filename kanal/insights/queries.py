"""Reads for the public performance figures: per unit, per kelurahan and for the city.

Every case counts except misconduct (oversight) cases and cases merged into another;
confidential cases count in these aggregates but are never listed anywhere public. The
period is the last ``KANAL_FIGURES_PERIOD_DAYS`` days (365 by default) by date of
receipt, and every page that shows a figure states it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from kanal.complaints.models import Complaint, State
from kanal.complaints.queries import deadlines
from kanal.core.queries import working_calendar
from kanal.directory.queries import city_units
from kanal.wilayah.models import Kelurahan

from . import rules
from .rules import CaseTimes, Figures


@dataclass(frozen=True)
class Period:
    """Cases received from ``start`` to ``end``, both included (local dates)."""

    start: date
    end: date


@dataclass(frozen=True)
class Row:
    """One line of a figures table: a unit or a kelurahan with its figures."""

    subject: object
    figures: Figures


@dataclass(frozen=True)
class AllFigures:
    city: Figures
    by_unit: dict[int, Figures]
    by_kelurahan: dict[int, Figures]


def min_cases() -> int:
    """The minimum base before a figure is shown or a unit ranked."""
    return int(getattr(settings, "KANAL_MIN_CASES_FOR_FIGURES", rules.DEFAULT_MIN_CASES))


def current_period(today: date | None = None) -> Period:
    end = today or timezone.localdate()
    days = int(getattr(settings, "KANAL_FIGURES_PERIOD_DAYS", 365))
    return Period(end - timedelta(days=days - 1), end)


def counted_cases(period: Period):
    """The cases the figures count: not oversight, not merged, received in ``period``."""
    return (
        Complaint.objects.filter(is_oversight=False, received_at__date__gte=period.start)
        .filter(received_at__date__lte=period.end)
        .exclude(state=State.MERGED)
    )


def _local(moment) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _compute(period: Period, today: date) -> AllFigures:
    rows = counted_cases(period).values_list(
        "unit_id",
        "kelurahan_id",
        "received_at",
        "disposed_at",
        "followed_up_at",
        "completed_at",
        "reopen_count",
        "rating",
    )
    by_unit: dict[int, list[CaseTimes]] = defaultdict(list)
    by_kelurahan: dict[int, list[CaseTimes]] = defaultdict(list)
    everything: list[CaseTimes] = []
    for unit_id, kelurahan_id, received, disposed, followed, completed, reopens, rating in rows:
        times = CaseTimes(
            received_on=_local(received),
            disposed_on=_local(disposed),
            followed_up_on=_local(followed),
            completed=completed is not None,
            reopen_count=reopens,
            rating=rating,
        )
        everything.append(times)
        if unit_id:
            by_unit[unit_id].append(times)
        if kelurahan_id:
            by_kelurahan[kelurahan_id].append(times)
    options = {
        "calendar": working_calendar(),
        "follow_up_working_days": deadlines()["follow_up_working_days"],
        "today": today,
        "minimum": min_cases(),
    }
    return AllFigures(
        city=rules.compute_figures(everything, **options),
        by_unit={k: rules.compute_figures(v, **options) for k, v in by_unit.items()},
        by_kelurahan={k: rules.compute_figures(v, **options) for k, v in by_kelurahan.items()},
    )


def all_figures(period: Period | None = None) -> AllFigures:
    """Figures of every unit and kelurahan and of the city, for ``period``.

    Cached for ``KANAL_FIGURES_CACHE_SECONDS`` (300); the key carries the number of cases
    and the last change, so a new or updated case shows at once.
    """
    today = timezone.localdate()
    period = period or current_period(today)
    state = Complaint.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    changed = state["changed"].isoformat() if state["changed"] else "-"
    key = (
        f"insights:figures:{period.start}:{period.end}:{today}:{min_cases()}:{state['n']}:{changed}"
    )
    found = cache.get(key)
    if found is None:
        found = _compute(period, today)
        cache.set(key, found, int(getattr(settings, "KANAL_FIGURES_CACHE_SECONDS", 300)))
    return found


def city_figures(period: Period | None = None) -> Figures:
    return all_figures(period).city


def unit_figures(unit, period: Period | None = None) -> Figures:
    """The figures of one unit (all its non-oversight cases in the period)."""
    return all_figures(period).by_unit.get(unit.pk, Figures(minimum=min_cases()))


def figures_by_unit(period: Period | None = None) -> list[Row]:
    """Every city unit and every other unit that had cases, most cases first."""
    figures = all_figures(period).by_unit
    from kanal.directory.models import Unit

    units = Unit.objects.filter(pk__in=figures) | city_units()
    rows = [Row(u, figures.get(u.pk, Figures(minimum=min_cases()))) for u in units.distinct()]
    return sorted(rows, key=lambda r: (-r.figures.received, r.subject.name))


def figures_by_kelurahan(period: Period | None = None) -> list[Row]:
    """Every kelurahan with its figures, by kecamatan then name."""
    figures = all_figures(period).by_kelurahan
    kelurahan = Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name")
    return [Row(k, figures.get(k.pk, Figures(minimum=min_cases()))) for k in kelurahan]
