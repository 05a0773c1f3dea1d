"""Reads for the leadership dashboard in the console: how many cases reached the city,
through which channel, for which unit and kecamatan, week by week, and how well they
were answered. Reads only (the "insights only reads" contract covers this module).

Counting follows the public figures (``queries.counted_cases``: received in the period,
oversight and merged cases left out), so a dashboard number and the performance page's
agree. "Heard in person" is ``complaints.rules.HEARD_IN_PERSON_CHANNELS``: every case told
to an officer face to face or by voice, the number the city could not show before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import formats
from django.utils.translation import gettext as _

from kanal.complaints import rules as complaint_rules
from kanal.complaints.models import Channel, Complaint
from kanal.complaints.queries import today
from kanal.directory.models import Unit
from kanal.wilayah.models import Kecamatan

from . import queries
from .rules import Figures

PERIOD_PRESETS = {"30": 30, "90": 90, "365": 365}


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: int  # 0-100, share of the largest bar
    in_person: bool = False


@dataclass(frozen=True)
class Dashboard:
    period: queries.Period
    received: int
    heard_in_person: int
    open_overdue: int
    figures: Figures
    by_channel: list[Bar]
    by_unit: list[Bar]
    by_kecamatan: list[Bar]
    by_week: list[Bar]
    unit_names: list[str]  # empty: the whole city


def period_from(preset: str, start: date | None, end: date | None) -> queries.Period:
    """The period asked for: explicit dates win, else a preset of days ending today."""
    if start and end and start <= end:
        return queries.Period(start, end)
    days = PERIOD_PRESETS.get(preset, 90)
    last = today()
    return queries.Period(last - timedelta(days=days - 1), last)


def _bars(rows: list[tuple[str, int]], in_person=frozenset()) -> list[Bar]:
    top = max((v for _, v in rows), default=0) or 1
    return [
        Bar(label, value, round(100 * value / top), label in in_person) for label, value in rows
    ]


def dashboard(period: queries.Period, unit_ids: frozenset[int] | None = None) -> Dashboard:
    """The figures of ``period`` for the whole city, or only ``unit_ids``' cases.

    Grouped counts are one GROUP BY each on the received-at range; channels are listed
    from ``Channel`` (every member, zeros included, in the model's order), so a channel
    added or split there appears here without a change.
    """
    cases = queries.counted_cases(period)
    if unit_ids is not None:
        cases = cases.filter(unit_id__in=list(unit_ids))
    per_channel = dict(cases.values_list("channel").annotate(n=Count("pk")).order_by())
    channel_rows = [(str(label), per_channel.get(value, 0)) for value, label in Channel.choices]
    in_person_labels = frozenset(
        str(label) for value, label in Channel.choices if complaint_rules.is_heard_in_person(value)
    )
    received = sum(per_channel.values())
    heard = sum(n for value, n in per_channel.items() if complaint_rules.is_heard_in_person(value))

    per_unit = dict(cases.values_list("unit_id").annotate(n=Count("pk")).order_by())
    names = dict(Unit.objects.filter(pk__in=[k for k in per_unit if k]).values_list("pk", "name"))
    unit_rows = sorted(
        ((names.get(k, "—") if k else _("Not routed yet"), n) for k, n in per_unit.items()),
        key=lambda r: (-r[1], r[0]),
    )[:20]
    per_kec = dict(cases.values_list("kecamatan_id").annotate(n=Count("pk")).order_by())
    kec_names = dict(Kecamatan.objects.values_list("pk", "name"))
    kec_rows = sorted(
        ((kec_names.get(k, "—") if k else _("Place not known"), n) for k, n in per_kec.items()),
        key=lambda r: (-r[1], r[0]),
    )
    weeks = (
        cases.annotate(week=TruncWeek("received_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .order_by("week")
    )
    week_rows = [
        (formats.date_format(w.date() if hasattr(w, "date") else w, "j M Y"), n) for w, n in weeks
    ]

    overdue = (
        Complaint.objects.filter(
            state__in=complaint_rules.OPEN_STATES, due_date__lt=today(), is_oversight=False
        )
        if unit_ids is None
        else Complaint.objects.filter(
            state__in=complaint_rules.OPEN_STATES,
            due_date__lt=today(),
            is_oversight=False,
            unit_id__in=list(unit_ids),
        )
    ).count()
    found = queries.all_figures(period)
    if unit_ids is None:
        figures = found.city
    else:
        figures = sum(
            (found.by_unit.get(pk) or found.empty() for pk in unit_ids),
            found.empty(),
        )
    return Dashboard(
        period=period,
        received=received,
        heard_in_person=heard,
        open_overdue=overdue,
        figures=figures,
        by_channel=_bars(channel_rows, in_person_labels),
        by_unit=_bars(unit_rows),
        by_kecamatan=_bars(kec_rows),
        by_week=_bars(week_rows),
        unit_names=sorted(
            Unit.objects.filter(pk__in=list(unit_ids or [])).values_list("name", flat=True)
        )
        if unit_ids is not None
        else [],
    )
