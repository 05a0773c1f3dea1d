"""Reads for the public performance figures: per unit, per kelurahan and for the city.

Every case counts except misconduct (oversight) cases and cases merged into another;
confidential cases count in these aggregates but are never listed anywhere public. The
period is the last ``KANAL_FIGURES_PERIOD_DAYS`` days (365 by default) by date of
receipt, and every page that shows a figure states it.

The figures are computed in the database (one statement, see :func:`_sql_figures`) and
cached as of a time: a public page serves the cached value, stale or not, and only
computes when there is none (first start). The job ``insights.refresh_figures``
(:mod:`kanal.insights.tasks`) replaces the cached value every
``KANAL_FIGURES_CACHE_SECONDS``, so new cases show within that time and no visitor waits
for the computation. The pure definitions are in :mod:`kanal.insights.rules`;
:func:`python_figures` applies them case by case and is the reference the tests hold the
SQL to.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from kanal.complaints.models import Complaint, State
from kanal.complaints.queries import deadlines
from kanal.core.queries import working_calendar
from kanal.directory.queries import city_units
from kanal.wilayah.models import Kelurahan

from . import rules
from .rules import CaseTimes, Figures, Tally

if TYPE_CHECKING:
    from kanal.directory.models import Unit

# Days of calendar kept on each side of the period for disposition and follow-up
# dates; a case with a date outside (an import with odd dates) is counted in Python.
WINDOW_MARGIN_DAYS = 31
# A stale value is still served for this many refresh intervals when the refresh job
# does not run (no worker); after that a visitor recomputes.
STALE_INTERVALS = 6


@dataclass(frozen=True)
class Period:
    """Cases received from ``start`` to ``end``, both included (local dates)."""

    start: date
    end: date


@dataclass(frozen=True)
class Row:
    """One line of a figures table: a unit or a kelurahan with its figures."""

    subject: Unit | Kelurahan
    figures: Figures


@dataclass(frozen=True)
class AllFigures:
    """The figures of the city, every unit and every kelurahan for one period, as of a time."""

    city: Figures
    by_unit: dict[int, Figures]
    by_kelurahan: dict[int, Figures]
    period: Period | None = None
    as_of: datetime | None = None

    def empty(self) -> Figures:
        """The figures of a unit or kelurahan without cases, as of the same time."""
        return Figures(minimum=self.city.minimum, as_of=self.as_of)


def min_cases() -> int:
    """The minimum base before a figure is shown or a unit ranked."""
    return int(settings.KANAL_MIN_CASES_FOR_FIGURES)


def cache_seconds() -> int:
    """How often the cached figures are recomputed (the most they lag behind the cases)."""
    return int(settings.KANAL_FIGURES_CACHE_SECONDS)


def current_period(today: date | None = None) -> Period:
    """The last ``KANAL_FIGURES_PERIOD_DAYS`` days up to ``today`` (local date), both included."""
    end = today or timezone.localdate()
    days = int(settings.KANAL_FIGURES_PERIOD_DAYS)
    return Period(end - timedelta(days=days - 1), end)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def counted_cases(period: Period):
    """The cases the figures count: not oversight, not merged, received in ``period``.

    The period is compared as instants (local midnights), not as ``received_at__date``,
    so that the database can use the index and its statistics on ``received_at``.
    """
    return Complaint.objects.filter(
        is_oversight=False,
        received_at__gte=_start_of(period.start),
        received_at__lt=_start_of(period.end + timedelta(days=1)),
    ).exclude(state=State.MERGED)


def _options(today: date) -> dict:
    return {
        "calendar": working_calendar(),
        "follow_up_working_days": deadlines()["follow_up_working_days"],
        "today": today,
        "minimum": min_cases(),
    }


# --- the reference: case by case in Python ------------------------------------------------


def _local(moment) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def python_figures(cases, today: date) -> AllFigures:
    """The figures of ``cases`` (a queryset) computed case by case with the pure rules.

    Slow (every case is loaded); used for the few cases outside the SQL calendar window
    and as the reference in the tests.
    """
    rows = cases.values_list(
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
            received_on=timezone.localdate(received),
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
    options = _options(today)
    return AllFigures(
        city=rules.compute_figures(everything, **options),
        by_unit={k: rules.compute_figures(v, **options) for k, v in by_unit.items()},
        by_kelurahan={k: rules.compute_figures(v, **options) for k, v in by_kelurahan.items()},
    )


# --- the figures in SQL ---------------------------------------------------------------

# Other databases (SQLite), per case: is it inside the calendar window, its follow-up
# outcome (decided, on time: rules.follow_up_outcome), working days to follow-up
# (clamped at 0, as rules.compute_figures), completed, reopened, a valid rating.
# ``dc``/``fc`` are the calendar rows of the disposition and follow-up dates (NULL when
# none or outside); the PostgreSQL statement below does the same with arrays.
_BASE = """
SELECT c.c_unit AS unit_id, c.c_area AS area_id,
  CASE WHEN (c.c_disposed_at IS NOT NULL AND dc.n IS NULL)
         OR (c.c_followed_at IS NOT NULL AND fc.n IS NULL) THEN 0 ELSE 1 END AS inside,
  CASE WHEN dc.n IS NULL THEN 0 WHEN fc.n IS NOT NULL THEN 1
       WHEN %s > dc.due_n THEN 1 ELSE 0 END AS decided,
  CASE WHEN dc.n IS NOT NULL AND fc.n IS NOT NULL AND fc.n <= dc.due_n THEN 1
       ELSE 0 END AS on_time,
  CASE WHEN dc.n IS NULL OR fc.n IS NULL THEN NULL WHEN fc.w > dc.w THEN fc.w - dc.w
       ELSE 0 END AS days,
  CASE WHEN c.c_completed IS NULL THEN 0 ELSE 1 END AS completed,
  CASE WHEN c.c_completed IS NOT NULL AND c.c_reopens > 0 THEN 1 ELSE 0 END AS reopened,
  CASE WHEN c.c_rating BETWEEN 1 AND 5 THEN c.c_rating END AS rating
FROM ({cases}) c
LEFT JOIN cal dc ON dc.day = c.c_disposed
LEFT JOIN cal fc ON fc.day = c.c_followed
"""
# PostgreSQL: one pass, one hash table per grouping set; the tallies come back as arrays
# (a few hundred thousand small integers, cheap to read). Each date becomes its index in
# the calendar window and the working-day numbers are read from arrays by that index
# (cheaper per row than a join; an index outside the window reads NULL). OFFSET 0 keeps
# each level from being inlined into the next, so every expression runs once a row.
# Placeholders, in order: today's index, the working-index array, the due-index array,
# the working-index array again, then those of {disposed}/{followed} and {cases}.
_PG_SELECT = """
SELECT GROUPING(unit_id, area_id), unit_id, area_id,
  COUNT(*) FILTER (WHERE inside), SUM(decided) FILTER (WHERE inside),
  SUM(on_time) FILTER (WHERE inside), SUM(completed) FILTER (WHERE inside),
  SUM(reopened) FILTER (WHERE inside), COUNT(*) FILTER (WHERE NOT inside),
  array_agg(days) FILTER (WHERE inside AND days IS NOT NULL),
  array_agg(rating) FILTER (WHERE inside AND rating BETWEEN 1 AND 5)
FROM (
  SELECT unit_id, area_id, rating, completed, reopened,
    (dn IS NULL OR dw IS NOT NULL) AND (fn IS NULL OR fw IS NOT NULL) AS inside,
    CASE WHEN dw IS NULL THEN 0 WHEN fw IS NOT NULL OR %s > due THEN 1 ELSE 0 END AS decided,
    CASE WHEN fw IS NOT NULL AND fn - 1 <= due THEN 1 ELSE 0 END AS on_time,
    CASE WHEN fw > dw THEN fw - dw WHEN fw IS NOT NULL AND dw IS NOT NULL THEN 0 END AS days
  FROM (
    SELECT unit_id, area_id, rating, completed, reopened, dn, fn,
      (%s::int[])[dn] AS dw, (%s::int[])[dn] AS due, (%s::int[])[fn] AS fw
    FROM (
      SELECT c.c_unit AS unit_id, c.c_area AS area_id, c.c_rating AS rating,
        {disposed} AS dn, {followed} AS fn,
        CASE WHEN c.c_completed IS NULL THEN 0 ELSE 1 END AS completed,
        CASE WHEN c.c_completed IS NOT NULL AND c.c_reopens > 0 THEN 1 ELSE 0 END AS reopened
      FROM ({cases}) c OFFSET 0
    ) i OFFSET 0
  ) j
) b GROUP BY GROUPING SETS ((unit_id), (area_id))
"""
# Other databases (SQLite): one SELECT per group over the same ``base`` (a CTE); "ud"/"kd"
# tally the follow-up days and "ur"/"kr" the ratings per unit / kelurahan. The NULLs are
# cast so that every branch of the UNION has integer columns.
_SUMS = "COUNT(*), SUM(decided), SUM(on_time), SUM(completed), SUM(reopened)"
_NONE = "CAST(NULL AS INTEGER)"
_UNION_SELECT = f"""
SELECT 'u', inside, unit_id, {_NONE}, {_SUMS} FROM base GROUP BY inside, unit_id
UNION ALL SELECT 'k', inside, area_id, {_NONE}, {_SUMS} FROM base GROUP BY inside, area_id
UNION ALL SELECT 'ud', inside, unit_id, days, {_SUMS} FROM base WHERE days IS NOT NULL
  GROUP BY inside, unit_id, days
UNION ALL SELECT 'kd', inside, area_id, days, {_SUMS} FROM base WHERE days IS NOT NULL
  GROUP BY inside, area_id, days
UNION ALL SELECT 'ur', inside, unit_id, rating, {_SUMS} FROM base WHERE rating IS NOT NULL
  GROUP BY inside, unit_id, rating
UNION ALL SELECT 'kr', inside, area_id, rating, {_SUMS} FROM base WHERE rating IS NOT NULL
  GROUP BY inside, area_id, rating
"""  # noqa: S608 - constant text, no input


@dataclass
class _Group:
    """What the database returned for one unit or kelurahan (or no unit / kelurahan)."""

    counts: tuple[int, ...] = (0, 0, 0, 0, 0)  # n, decided, on time, completed, reopened
    days: Counter = field(default_factory=Counter)
    ratings: Counter = field(default_factory=Counter)


def _window(period: Period, today: date) -> tuple[date, date]:
    margin = timedelta(days=WINDOW_MARGIN_DAYS)
    return period.start - margin, max(period.end, today) + margin


def _pg_day_index(column: str, window: list[rules.WindowDay]) -> tuple[str, list]:
    """SQL for the 1-based index in the window of the local date of ``column``.

    Where the time zone keeps one UTC offset over the window (Indonesia has no daylight
    saving) the local date is the UTC moment plus that offset, which is much cheaper
    per row than a time-zone conversion; otherwise ``AT TIME ZONE``.
    """
    zone = timezone.get_current_timezone()
    days = [d.day for d in window] + [window[-1].day + timedelta(days=1)]
    offsets = {zone.utcoffset(datetime.combine(day, time.min)) for day in days}
    start = f"DATE '{window[0].day.isoformat()}'"
    offset = offsets.pop() if len(offsets) == 1 else None
    if offset is not None and connection.timezone_name == "UTC":
        seconds = int(offset.total_seconds())
        return f"(c.{column} + interval '{seconds} seconds')::date - {start} + 1", []
    return f"(c.{column} AT TIME ZONE %s)::date - {start} + 1", [zone.key]


def _grouped(period: Period, today: date, window: list[rules.WindowDay]):
    """Run the statement; returns {("u"|"k", key): _Group} and the cases left out."""
    columns: dict[str, F | TruncDate] = {
        "c_unit": F("unit_id"),
        "c_area": F("kelurahan_id"),
        "c_disposed_at": F("disposed_at"),
        "c_followed_at": F("followed_up_at"),
        "c_completed": F("completed_at"),
        "c_reopens": F("reopen_count"),
        "c_rating": F("rating"),
    }
    postgres = connection.vendor == "postgresql"
    if not postgres:
        columns |= {
            "c_disposed": TruncDate("disposed_at"),
            "c_followed": TruncDate("followed_up_at"),
        }
    cases = counted_cases(period).order_by().values(**columns)
    cases_sql, cases_params = cases.query.sql_with_params()
    today_n = (today - window[0].day).days
    groups: dict[tuple[str, int | None], _Group] = defaultdict(_Group)
    outside = 0
    with connection.cursor() as cursor:
        if postgres:
            disposed, disposed_params = _pg_day_index("c_disposed_at", window)
            followed, followed_params = _pg_day_index("c_followed_at", window)
            working = [d.working_index for d in window]
            due = [d.due_index for d in window]
            sql = _PG_SELECT.format(disposed=disposed, followed=followed, cases=cases_sql)
            params = [today_n, working, due, working, *disposed_params, *followed_params]
            cursor.execute(sql, [*params, *cases_params])
            for grouping, unit_id, area_id, *counts, out, days, ratings in cursor.fetchall():
                kind, key = ("u", unit_id) if grouping == 1 else ("k", area_id)
                group = groups[(kind, key)]
                group.counts = tuple(int(x or 0) for x in counts)
                group.days.update(days or ())
                group.ratings.update(ratings or ())
                outside += out if kind == "u" else 0
        else:
            rows = ", ".join(["(%s, %s, %s, %s)"] * len(window))
            cal = [x for d in window for x in (str(d.day), d.index, d.working_index, d.due_index)]
            base = _BASE.format(cases=cases_sql)
            sql = f"WITH cal(day, n, w, due_n) AS (VALUES {rows}), base AS ({base}) {_UNION_SELECT}"
            cursor.execute(sql, [*cal, today_n, *cases_params])
            for kind, inside, key, value, n, *sums in cursor.fetchall():
                if not inside:
                    outside += n if kind == "u" else 0
                elif kind in ("u", "k"):
                    groups[(kind, key)].counts = (n, *sums)
                elif value is not None:
                    group = groups[(kind[0], key)]
                    (group.days if kind[1] == "d" else group.ratings)[value] = n
    return groups, outside


def _sql_figures(period: Period, today: date) -> tuple[AllFigures, int]:
    """The figures of the cases whose dates fall in the calendar window, by SQL.

    Returns them and the number of cases left out (a disposition or follow-up date
    outside the window), which the caller counts in Python. One statement: the
    calendar window as a VALUES table gives each date its working-day numbers (so no
    case is counted in Python), each case is reduced to a few small numbers and grouped
    per unit and per kelurahan; the city is the sum of the unit groups (the group of
    cases without a unit included).
    """
    options = _options(today)
    first, last = _window(period, today)
    window = rules.calendar_window(
        options["calendar"], first, last, options["follow_up_working_days"]
    )
    groups, outside = _grouped(period, today, window)

    def figures(group: _Group) -> Figures:
        n, decided, on_time, completed, reopened = group.counts
        return Figures(
            received=n,
            decided=decided,
            on_time=on_time,
            follow_up_days=Tally.of(group.days),
            completed=completed,
            reopened=reopened,
            ratings=Tally.of(group.ratings),
            minimum=options["minimum"],
        )

    by_unit = {key: figures(g) for (kind, key), g in groups.items() if kind == "u"}
    city = sum(by_unit.values(), Figures(minimum=options["minimum"]))
    by_kelurahan = {key: figures(g) for (kind, key), g in groups.items() if kind == "k"}
    by_unit.pop(None, None)
    by_kelurahan.pop(None, None)
    return AllFigures(city=city, by_unit=by_unit, by_kelurahan=by_kelurahan), outside


def compute_figures(period: Period, today: date) -> AllFigures:
    """The figures of ``period`` as of now (no cache): SQL, plus Python for odd dates."""
    as_of = timezone.now()  # before reading: a case changed during the run may be missed
    found, outside = _sql_figures(period, today)
    if outside:
        first, last = _window(period, today)
        odd = counted_cases(period).filter(
            Q(disposed_at__date__lt=first)
            | Q(disposed_at__date__gt=last)
            | Q(followed_up_at__date__lt=first)
            | Q(followed_up_at__date__gt=last)
        )
        extra = python_figures(odd, today)
        found = AllFigures(
            city=found.city + extra.city,
            by_unit=_merged(found.by_unit, extra.by_unit),
            by_kelurahan=_merged(found.by_kelurahan, extra.by_kelurahan),
        )

    def stamped(f: Figures) -> Figures:
        return replace(f, as_of=as_of)

    return AllFigures(
        city=stamped(found.city),
        by_unit={k: stamped(v) for k, v in found.by_unit.items()},
        by_kelurahan={k: stamped(v) for k, v in found.by_kelurahan.items()},
        period=period,
        as_of=as_of,
    )


def _merged(a: dict[int, Figures], b: dict[int, Figures]) -> dict[int, Figures]:
    out = dict(a)
    for key, extra in b.items():
        out[key] = out[key] + extra if key in out else extra
    return out


# --- the cache ------------------------------------------------------------------------


def _cache_key(period: Period, current: bool) -> str:
    """The key of the cached figures; the current period has one key across midnight.

    The key carries what changes the meaning of the figures (the minimum sample, the
    follow-up time, the period length), never the state of the cases: a new case must
    not empty the cache (the refresh job brings it in).
    """
    basis = f"{min_cases()}:{deadlines()['follow_up_working_days']}"
    if current:
        days = int(settings.KANAL_FIGURES_PERIOD_DAYS)
        return f"insights:figures:v2:current:{days}:{basis}"
    return f"insights:figures:v2:{period.start}:{period.end}:{basis}"


def refresh_figures(period: Period | None = None) -> AllFigures:
    """Compute the figures of ``period`` (the current one by default) and cache them.

    The refresh job calls this every ``KANAL_FIGURES_CACHE_SECONDS``; the value is kept
    ``STALE_INTERVALS`` times as long so that a late job never leaves a visitor waiting.
    """
    today = timezone.localdate()
    current = current_period(today)
    period = period or current
    found = compute_figures(period, today)
    cache.set(_cache_key(period, period == current), found, cache_seconds() * STALE_INTERVALS)
    return found


def all_figures(period: Period | None = None) -> AllFigures:
    """Figures of every unit and kelurahan and of the city, for ``period``, as of a time.

    Serves the cached value however old it is (the refresh job replaces it every
    ``KANAL_FIGURES_CACHE_SECONDS``), and computes only when nothing is cached. For the
    current period, just after midnight, that is the value computed the day before
    until the job runs: its ``as_of`` says so.
    """
    today = timezone.localdate()
    current = current_period(today)
    period = period or current
    found = cache.get(_cache_key(period, period == current))
    if found is None:
        found = refresh_figures(period)
    return found


def city_figures(period: Period | None = None) -> Figures:
    """The figures of the whole city for ``period`` (the current period by default; cached)."""
    return all_figures(period).city


def unit_figures(unit, period: Period | None = None) -> Figures:
    """The figures of one unit (all its non-oversight cases in the period)."""
    found = all_figures(period)
    return found.by_unit.get(unit.pk) or found.empty()


def figures_by_unit(period: Period | None = None) -> list[Row]:
    """Every city unit and every other unit that had cases, most cases first."""
    found = all_figures(period)
    figures = found.by_unit
    from kanal.directory.models import Unit

    units = Unit.objects.filter(pk__in=figures) | city_units()
    rows = [Row(u, figures.get(u.pk) or found.empty()) for u in units.distinct()]
    return sorted(rows, key=lambda r: (-r.figures.received, r.subject.name))


def figures_by_kelurahan(period: Period | None = None) -> list[Row]:
    """Every kelurahan with its figures, by kecamatan then name."""
    found = all_figures(period)
    kelurahan = Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name")
    return [Row(k, found.by_kelurahan.get(k.pk) or found.empty()) for k in kelurahan]
