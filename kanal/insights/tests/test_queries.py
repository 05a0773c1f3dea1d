"""Figures from real cases: what counts, what is withheld, the period."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from kanal.complaints.models import Complaint
from kanal.complaints.tests.factories import make_case, unit
from kanal.core import schedule
from kanal.directory.queries import city_units
from kanal.insights import queries, tasks

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _case(unit_code, *, received, follow_up_after=None, **fields):
    case = make_case(received_at=received)
    followed = received + timedelta(days=follow_up_after) if follow_up_after is not None else None
    Complaint.objects.filter(pk=case.pk).update(
        unit=unit(unit_code),
        state="ditindaklanjuti" if followed else "didisposisikan",
        disposed_at=received,
        followed_up_at=followed,
        **fields,
    )
    return case


def test_unit_figures_count_confidential_but_not_oversight_cases(reference_data, settings):
    settings.KANAL_MIN_CASES_FOR_FIGURES = 3
    monday = datetime(2026, 3, 2, 9, tzinfo=WIB)
    _case("dpu", received=monday, follow_up_after=1, rating=5)  # on time
    _case("dpu", received=monday, follow_up_after=1, rating=4)  # on time
    _case("dpu", received=monday, follow_up_after=14, rating=2)  # late
    _case("dpu", received=monday, follow_up_after=1, is_oversight=True)  # never counted
    period = queries.Period(monday.date(), monday.date() + timedelta(days=30))

    figures = queries.unit_figures(unit("dpu"), period)

    assert figures.received == 3
    assert figures.on_time_percent == 67
    assert figures.median_follow_up_days == 1
    assert figures.satisfaction == 3.7
    city = queries.city_figures(period)
    assert city.received == 3
    kelurahan_row = next(
        r for r in queries.figures_by_kelurahan(period) if r.subject.code == "18.71.01.1003"
    )
    assert kelurahan_row.figures.received == 3


def test_figures_are_withheld_below_the_minimum_and_outside_the_period(reference_data, settings):
    settings.KANAL_MIN_CASES_FOR_FIGURES = 10
    monday = datetime(2026, 3, 2, 9, tzinfo=WIB)
    _case("dpu", received=monday, follow_up_after=1)
    _case("dpu", received=monday - timedelta(days=40), follow_up_after=1)  # before the period
    period = queries.Period(monday.date(), monday.date() + timedelta(days=30))

    figures = queries.unit_figures(unit("dpu"), period)

    assert figures.received == 1
    assert figures.on_time_percent is None
    assert not figures.enough_cases
    rows = queries.figures_by_unit(period)
    assert rows[0].subject.code == "dpu"
    city_codes = set(city_units().values_list("code", flat=True))
    assert city_codes <= {r.subject.code for r in rows}  # units without cases are listed too


def test_a_new_case_shows_once_the_refresh_job_ran_not_before(reference_data):
    """A visitor is served the cached figures; the job brings new cases in."""
    today = timezone.localdate()
    first = queries.all_figures()
    assert first.city.received == 0
    assert first.as_of is not None and first.city.as_of == first.as_of
    _case("dpu", received=timezone.now(), follow_up_after=0)

    assert queries.all_figures() == first  # the cached value, not recomputed
    assert queries.unit_figures(unit("dpu")).as_of == first.as_of  # even for a unit without

    tasks.refresh_figures_task.call()
    fresh = queries.all_figures()
    assert fresh.city.received == 1
    assert fresh.as_of > first.as_of
    assert queries.unit_figures(unit("dpu"), queries.current_period(today)).received == 1


def test_the_current_figures_are_served_across_midnight(reference_data):
    """Just after midnight the current period moves on; yesterday's value is served."""
    with time_machine.travel(datetime(2026, 3, 2, 23, 50, tzinfo=WIB), tick=False):
        yesterday = queries.all_figures()
        _case("dpu", received=timezone.now())
    with time_machine.travel(datetime(2026, 3, 3, 0, 5, tzinfo=WIB), tick=False):
        assert queries.all_figures() == yesterday
        assert queries.city_figures(queries.current_period()).received == 0
        tasks.refresh_figures_task.call()
        assert queries.all_figures().period == queries.current_period()
        assert queries.city_figures().received == 1


def test_the_refresh_job_runs_once_per_cache_interval():
    jobs = {job.name: job for job in schedule.registered_jobs()}
    assert jobs["insights.refresh_figures"].every == timedelta(seconds=queries.cache_seconds())
