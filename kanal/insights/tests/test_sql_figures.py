"""The figures computed in the database equal the case-by-case rules, on varied cases.

``queries.python_figures`` applies ``rules.compute_figures`` to every case (the
definitions); ``queries.compute_figures`` is what the pages use (SQL, plus Python for
the few cases with dates outside its calendar window). The cases below are chosen to
hit every branch: near-midnight times (local dates differ from UTC dates), holidays and
decrees, follow-ups before disposition or without one, odd ratings, oversight and
merged cases, dates far outside the period.
"""

import copy
import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kanal.complaints.models import Complaint, State
from kanal.complaints.tests.factories import make_case, unit
from kanal.core.models import CalendarOverride
from kanal.insights import queries
from kanal.wilayah.models import Kelurahan

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
# Around Idul Fitri 2026: public holidays and cuti bersama inside the period.
PERIOD = queries.Period(date(2026, 2, 1), date(2026, 4, 30))
UNITS = ["dpu", "dinkes", "disdikbud", "dlh"]
TIMES = [time(0, 1), time(6, 59), time(7, 1), time(9, 30), time(16, 59), time(23, 59)]


def _moment(rng, day: date) -> datetime:
    return datetime.combine(day, rng.choice(TIMES), tzinfo=WIB)


def _varied_cases(seed: int, n: int) -> None:
    rng = random.Random(seed)
    template = make_case()
    units = [None, *(unit(code) for code in UNITS)]
    kelurahan = [None, *Kelurahan.objects.order_by("code")[:4]]
    rows = []
    for i in range(n):
        case = copy.copy(template)
        case.pk = case.id = None
        case.tracking_number = f"T-{seed}-{i:05d}"
        received_on = PERIOD.start + timedelta(days=rng.randint(-5, 94))
        case.received_at = _moment(rng, received_on)
        case.unit = rng.choice(units)
        case.kelurahan = rng.choice(kelurahan)
        case.is_oversight = rng.random() < 0.05
        case.state = State.MERGED if rng.random() < 0.03 else State.DISPOSED
        roll = rng.random()
        if roll < 0.2:
            disposed = None
        elif roll < 0.25:
            disposed = received_on - timedelta(days=1)  # imported with an earlier date
        elif roll < 0.28:
            disposed = PERIOD.start - timedelta(days=70)  # outside the calendar window
        else:
            disposed = received_on + timedelta(days=rng.randint(0, 10))
        case.disposed_at = _moment(rng, disposed) if disposed else None
        base = disposed or received_on
        roll = rng.random()
        if roll < 0.3:
            followed = None
        elif roll < 0.33:
            followed = PERIOD.end + timedelta(days=90)  # outside the calendar window
        else:
            followed = base + timedelta(days=rng.randint(-2, 20))
        case.followed_up_at = _moment(rng, followed) if followed else None
        case.completed_at = _moment(rng, base + timedelta(days=9)) if rng.random() < 0.4 else None
        case.reopen_count = rng.choice([0, 0, 0, 1, 2])
        case.rating = rng.choice([None, None, None, 0, 1, 2, 3, 4, 5, 5, 9])
        rows.append(case)
    Complaint.objects.bulk_create(rows)


def _without_time(found: queries.AllFigures) -> tuple:
    def strip(f):
        return replace(f, as_of=None)

    return (
        strip(found.city),
        {k: strip(v) for k, v in found.by_unit.items()},
        {k: strip(v) for k, v in found.by_kelurahan.items()},
    )


@pytest.mark.parametrize(
    ("seed", "follow_up_days", "today", "zone"),
    [
        (1, 5, date(2026, 4, 20), None),  # today inside the period: some still undecided
        (2, 5, date(2026, 6, 1), None),  # a past period: every disposed case decided
        (3, 0, date(2026, 4, 20), None),  # due on the day of disposition
        (4, 10, date(2026, 3, 25), None),
        # A zone with summer time inside the window: local dates by time-zone conversion.
        (5, 5, date(2026, 4, 20), "Europe/Berlin"),
    ],
)
def test_sql_figures_equal_the_rules_case_by_case(
    reference_data, settings, seed, follow_up_days, today, zone
):
    if zone:
        settings.TIME_ZONE = zone
    settings.KANAL_COMPLAINT_DEADLINES = {"follow_up_working_days": follow_up_days}
    settings.KANAL_MIN_CASES_FOR_FIGURES = 1
    CalendarOverride.objects.create(date=date(2026, 3, 4), is_working_day=False, reason="Banjir")
    CalendarOverride.objects.create(date=date(2026, 3, 14), is_working_day=True, reason="Ganti")
    _varied_cases(seed, 400)

    counted = {
        c.pk
        for c in Complaint.objects.all()
        if not c.is_oversight
        and c.state != State.MERGED
        and PERIOD.start <= timezone.localdate(c.received_at) <= PERIOD.end
    }
    assert set(queries.counted_cases(PERIOD).values_list("pk", flat=True)) == counted

    expected = queries.python_figures(queries.counted_cases(PERIOD), today)
    found = queries.compute_figures(PERIOD, today)

    assert _without_time(found) == _without_time(expected)
    assert expected.city.received > 300 and expected.city.decided > 50  # a real test
    assert len(expected.city.follow_up_days) > 50 and len(expected.city.ratings) > 50
    _, outside = queries._sql_figures(PERIOD, today)
    assert 0 < outside < 40  # both the SQL and the Python way were taken
    # The published numbers too (a median of an even count reads "2.5", not "2").
    for key, figures in expected.by_unit.items():
        assert found.by_unit[key].median_follow_up_days == figures.median_follow_up_days
        assert found.by_unit[key].satisfaction == figures.satisfaction


def test_no_cases_no_figures(reference_data):
    found = queries.compute_figures(PERIOD, date(2026, 4, 20))
    assert found.city.received == 0
    assert found.by_unit == {} and found.by_kelurahan == {}
    assert found.as_of is not None and found.period == PERIOD
