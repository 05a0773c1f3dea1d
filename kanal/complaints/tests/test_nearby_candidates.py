"""Nearby reports through the process's candidates (issue 24): the same answers as the
database alone, no query when nothing could match, another process's publication seen
within NEARBY_RECHECK_SECONDS and this process's at once."""

import pytest

from kanal.complaints.models import Complaint
from kanal.complaints.queries import nearby_reports, public
from kanal.core import process_copy

from .test_citizen_side import KEDATON, public_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(reference_data, staff_factory):
    return {"operator": staff_factory("op", [("operator", "diskominfo")])}


QUESTIONS = [
    {"lat": KEDATON[0], "lng": KEDATON[1]},
    {"lat": KEDATON[0], "lng": KEDATON[1], "category_code": "penerangan-jalan"},
    {"lat": KEDATON[0], "lng": KEDATON[1], "category_code": "jalan-rusak"},
    {"lat": KEDATON[0] + 0.03, "lng": KEDATON[1]},  # ~3 km away
    {"lat": KEDATON[0] + 0.03, "lng": KEDATON[1], "kelurahan_code": "18.71.01.1003"},
    {"kelurahan_code": "18.71.01.1003"},
    {"kelurahan_code": "18.71.01.1003", "category_code": "penerangan-jalan"},
    {"kelurahan_code": "18.71.02.1001"},
    {"lat": KEDATON[0], "lng": None, "kelurahan_code": ""},
]


def _answers(**question) -> list[str]:
    return [c.tracking_number for c in nearby_reports(**question)]


def test_the_candidates_give_the_same_answers_as_the_database(people, monkeypatch):
    from kanal.wilayah.models import Kelurahan

    op = people["operator"]
    public_case(op)
    public_case(op, lat=None, lng=None, kelurahan=Kelurahan.objects.get(code="18.71.01.1003"))
    public_case(op, lat=KEDATON[0] + 0.004, lng=KEDATON[1])  # ~450 m: in the box
    with_candidates = [_answers(**q) for q in QUESTIONS]
    monkeypatch.setattr(public, "NEARBY_CANDIDATES_MAX", 0)  # too many: the database filters
    public.forget_nearby_candidates()
    assert [_answers(**q) for q in QUESTIONS] == with_candidates
    assert any(with_candidates) and not all(with_candidates)  # both kinds of answer


def test_no_query_when_no_candidate_could_match(people, django_assert_num_queries):
    public_case(people["operator"])
    assert _answers(lat=KEDATON[0], lng=KEDATON[1])  # reads the candidates
    with django_assert_num_queries(0):
        assert _answers(lat=KEDATON[0] + 0.03, lng=KEDATON[1]) == []
        assert _answers(lat=KEDATON[0], lng=KEDATON[1], category_code="jalan-rusak") == []
    with django_assert_num_queries(1):  # a candidate matches: the database answers
        assert _answers(lat=KEDATON[0], lng=KEDATON[1])


def test_a_publication_elsewhere_counts_after_the_recheck_interval(people, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(process_copy.time, "monotonic", lambda: now[0])
    case = public_case(people["operator"])
    assert _answers(lat=KEDATON[0], lng=KEDATON[1]) == [case.tracking_number]
    # Another process withdraws and republishes it: no signal reaches this one.
    Complaint.objects.filter(pk=case.pk).update(public_summary="")
    assert _answers(lat=KEDATON[0], lng=KEDATON[1]) == []  # the database still decides
    now[0] += public.NEARBY_RECHECK_SECONDS + 1
    assert _answers(lat=KEDATON[0], lng=KEDATON[1]) == []  # re-read: no candidate left
    Complaint.objects.filter(pk=case.pk).update(public_summary="Lampu jalan mati.")
    now[0] += public.NEARBY_RECHECK_SECONDS / 2
    assert _answers(lat=KEDATON[0], lng=KEDATON[1]) == []  # not asked yet
    now[0] += public.NEARBY_RECHECK_SECONDS
    assert _answers(lat=KEDATON[0], lng=KEDATON[1]) == [case.tracking_number]
    # A publication saved in this process counts at once.
    other = public_case(people["operator"], lat=KEDATON[0] + 0.002, lng=KEDATON[1])
    assert other.tracking_number in _answers(lat=KEDATON[0], lng=KEDATON[1])
