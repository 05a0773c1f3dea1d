"""The inbox's capped counts and pages, and the filter-menu counts with their cache."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from kanal.accounts.rules import Capability, StaffScope
from kanal.complaints import actions, queries
from kanal.complaints.models import Complaint

from .factories import make_case, unit

pytestmark = pytest.mark.django_db


def clone_cases(base: Complaint, n: int) -> list[Complaint]:
    """``n`` copies of ``base`` in one insert (building 50+ cases through submit_complaint
    would only slow the tests down; the inbox reads rows, however they were made).

    Each copy is received a second later than the one before, so the inbox's order
    (due date, then receipt) is total and pages can be compared row by row.
    """
    values = {
        f.attname: getattr(base, f.attname)
        for f in Complaint._meta.concrete_fields
        if not f.primary_key
    }
    clones = [
        Complaint(
            **values
            | {
                "tracking_number": f"TST-{i:06d}",
                "received_at": base.received_at + timedelta(seconds=i + 1),
            }
        )
        for i in range(n)
    ]
    return Complaint.objects.bulk_create(clones)


@pytest.fixture
def operator(reference_data, staff_factory):
    return staff_factory("op", [("operator", "diskominfo")])


def open_inbox(user):
    return queries.inbox(user, queries.InboxFilters())


# --- counting up to a cap ----------------------------------------------------------------


def test_count_capped_is_exact_below_the_cap_and_stops_above_it(operator):
    clone_cases(make_case(), 4)
    qs = open_inbox(operator)
    assert queries.count_capped(qs, cap=10) == 5
    assert queries.count_capped(qs, cap=5) == 5
    assert queries.count_capped(qs, cap=3) == 4  # cap + 1: "more than 3"


def test_the_paginator_counts_exactly_below_the_cap(operator):
    clone_cases(make_case(), 6)
    page = queries.CappedPaginator(open_inbox(operator), per_page=3, cap=10).get_page(1)
    assert page.count == 7 and page.count_is_exact and page.num_pages == 3
    assert len(page) == 3 and page.has_next and not page.has_previous


def test_the_paginator_says_more_than_the_cap_and_still_reaches_every_page(operator):
    clone_cases(make_case(), 6)  # 7 cases, 3 per page, a cap of 4
    paginator = queries.CappedPaginator(open_inbox(operator), per_page=3, cap=4)
    first = paginator.get_page(1)
    assert not first.count_is_exact and first.count == 5 and first.num_pages is None
    assert (first.start_index(), first.end_index()) == (1, 3)
    second = paginator.get_page(first.next_page_number())
    assert second.has_next and not second.count_is_exact  # 6 seen > cap: no count needed
    last = paginator.get_page(second.next_page_number())
    # On the last page every row has been seen: the figure is exact again.
    assert not last.has_next and last.count == 7 and last.count_is_exact
    seen = [c.pk for p in (first, second, last) for c in p]
    assert sorted(seen) == sorted(open_inbox(operator).values_list("pk", flat=True))
    assert len(set(seen)) == 7


def test_the_paginator_forgives_odd_page_numbers(operator):
    clone_cases(make_case(), 4)
    paginator = queries.CappedPaginator(open_inbox(operator), per_page=2, cap=100)
    assert paginator.get_page("abc").number == 1
    assert paginator.get_page(0).number == 1
    assert paginator.get_page(99).number == 3  # past the end: the last page
    empty = queries.CappedPaginator(Complaint.objects.none(), per_page=2).get_page(1)
    assert empty.count == 0 and empty.count_is_exact and empty.start_index() == 0


def test_the_inbox_shows_the_exact_figure_below_the_cap(client, operator, login_verified):
    clone_cases(make_case(), 2)
    login_verified(operator)
    body = client.get(reverse("complaints:inbox")).content.decode()
    assert "3 laporan" in body and "lebih dari" not in body


@override_settings(KANAL_INBOX_COUNT_CAP=10)
def test_the_inbox_says_more_than_the_cap_and_pages_on(client, operator, login_verified):
    clone_cases(make_case(), 52)  # 53 cases: a full first page and three more
    login_verified(operator)
    first = client.get(reverse("complaints:inbox")).content.decode()
    assert "1–50 dari lebih dari 10 laporan" in first
    assert "Halaman 1" in first and "Halaman 1 dari" not in first
    assert "page=2" in first
    second = client.get(reverse("complaints:inbox"), {"page": "2"}).content.decode()
    assert "53 laporan" in second and "Halaman 2 dari 2" in second
    assert second.count('<td><a href="/console/aduan/') == 3  # rows in the table
    assert "page=1" in second


def test_code_filters_find_their_cases_and_unknown_codes_find_none(operator):
    case = make_case()
    actions.dispose_complaint(actor=operator, case=case, unit=unit("dpu"))
    make_case(title="Belum didisposisikan")

    def numbers(**filters):
        found = queries.inbox(operator, queries.InboxFilters(**filters))
        return [c.tracking_number for c in found]

    assert numbers(unit="dpu") == [case.tracking_number]
    assert numbers(unit="dlh") == [] and numbers(unit="no-such-unit") == []
    assert len(numbers(kecamatan=case.kecamatan.code)) == 2
    assert len(numbers(kelurahan=case.kelurahan.code, category=case.category.code)) == 2
    assert numbers(kecamatan="99.99.99") == []


# --- the filter-menu counts ----------------------------------------------------------------


def make_overdue(case):
    Complaint.objects.filter(pk=case.pk).update(due_date=queries.today() - timedelta(days=3))


def test_counts_per_state_and_overdue_are_capped(operator):
    base = make_case()
    make_overdue(base)
    base.refresh_from_db()
    clone_cases(base, 3)
    with override_settings(KANAL_INBOX_COUNT_CAP=2):
        counts = queries.inbox_counts(operator, cached=False)
    assert counts == {"diterima": 3, "overdue": 3}  # 4 of each, shown as "more than 2"
    assert queries.inbox_counts(operator, cached=False) == {"diterima": 4, "overdue": 4}


def test_counts_are_cached_for_a_short_time(operator):
    make_case()
    assert queries.inbox_counts(operator)["diterima"] == 1
    make_case()
    assert queries.inbox_counts(operator)["diterima"] == 1  # from the cache
    assert queries.inbox_counts(operator, cached=False)["diterima"] == 2


def test_cached_counts_never_leak_between_units(operator, staff_factory):
    dpu = staff_factory("dpu", [("unit_officer", "dpu")])
    dlh = staff_factory("dlh", [("unit_officer", "dlh")])
    case = make_case()
    actions.dispose_complaint(actor=operator, case=case, unit=unit("dpu"))
    make_overdue(case)
    assert queries.inbox_counts(dpu) == {"didisposisikan": 1, "overdue": 1}
    # dlh asks second, while dpu's figures sit in the cache: it must not get them.
    assert queries.inbox_counts(dlh) == {"overdue": 0}
    assert queries.inbox_counts(operator) == {"didisposisikan": 1, "overdue": 1}


def test_the_inbox_page_of_another_unit_shows_no_overdue_tag(
    client, operator, staff_factory, login_verified
):
    dpu = staff_factory("dpu", [("unit_officer", "dpu")])
    dlh = staff_factory("dlh", [("unit_officer", "dlh")])
    case = make_case()
    actions.dispose_complaint(actor=operator, case=case, unit=unit("dpu"))
    make_overdue(case)
    login_verified(dpu)
    assert "1 terlambat" in client.get(reverse("complaints:inbox")).content.decode()
    login_verified(dlh)
    body = client.get(reverse("complaints:inbox")).content.decode()
    assert "terlambat" not in body and case.tracking_number not in body


@override_settings(KANAL_INBOX_COUNT_CAP=2)
def test_the_inbox_says_more_than_n_overdue(client, operator, login_verified):
    base = make_case()
    make_overdue(base)
    base.refresh_from_db()
    clone_cases(base, 2)
    login_verified(operator)
    body = client.get(reverse("complaints:inbox")).content.decode()
    assert "lebih dari 2 terlambat" in body


def test_visibility_keys_differ_exactly_when_the_visible_cases_differ():
    key = queries._visibility_key
    officer = StaffScope(roles=frozenset({"unit_officer"}), unit_ids=frozenset({1}))
    assert key(officer) == key(StaffScope(roles=frozenset({"x"}), unit_ids=frozenset({1})))
    assert key(officer) != key(StaffScope(roles=frozenset({"x"}), unit_ids=frozenset({2})))
    assert key(officer) != key(
        StaffScope(roles=frozenset({"x"}), unit_ids=frozenset({1}), area_codes=frozenset({"18"}))
    )
    oversight = frozenset({Capability.VIEW_OVERSIGHT_CASES})
    assert key(officer) != key(
        StaffScope(roles=frozenset({"x"}), capabilities=oversight, unit_ids=frozenset({1}))
    )
    everyone = frozenset({Capability.VIEW_ALL_CASES})
    assert key(StaffScope(roles=frozenset({"x"}), capabilities=everyone)) != key(officer)
    assert key(StaffScope()) == "none"
    assert key(StaffScope(roles=frozenset({"x"}), capabilities={Capability.TRIAGE})) == "all"


# --- PostgreSQL: the indexes the inbox relies on --------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partial indexes: PostgreSQL only")
def test_the_inbox_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'complaints_complaint'")
        names = {row[0] for row in cursor.fetchall()}
    assert set(migration_0003().INDEXES) <= names


def migration_0003():
    from importlib import import_module

    return import_module("kanal.complaints.migrations.0003_inbox_indexes")


def test_the_partial_index_predicate_is_the_inbox_list():
    """PostgreSQL uses the partial indexes only while the query implies their predicate."""
    assert frozenset(migration_0003().INBOX_STATES) == queries.INBOX_STATES


def migration_0004():
    from importlib import import_module

    return import_module("kanal.complaints.migrations.0004_console")


def test_the_owner_index_predicate_is_the_inbox_list():
    assert frozenset(migration_0004().INBOX_STATES) == queries.INBOX_STATES


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partial indexes: PostgreSQL only")
def test_the_console_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'complaints_complaint'")
        names = {row[0] for row in cursor.fetchall()}
    assert {migration_0004().ASSIGNED_INDEX, migration_0004().RETURNED_INDEX} <= names


# --- search: few matches are read by id, many in due-date order -----------------------------


@pytest.mark.parametrize("cap", [3, 50])  # 6 matches: "many" under a cap of 3, "few" under 50
def test_a_search_lists_its_matches_by_due_date_whether_few_or_many(operator, cap):
    base = make_case()
    make_case(title="Lampu jalan mati", description="Gelap sejak Senin.")  # no match
    clones = clone_cases(base, 5)
    for days, case in zip([9, 3, 7, 1, 5], clones, strict=True):
        Complaint.objects.filter(pk=case.pk).update(
            due_date=base.received_at.date() + timedelta(days=days)
        )
    with override_settings(KANAL_INBOX_COUNT_CAP=cap):
        page = queries.inbox_page(operator, queries.InboxFilters(q="berlubang"), 1)
    expected = list(
        Complaint.objects.filter(pk__in=[base.pk, *(c.pk for c in clones)])
        .order_by("due_date", "received_at")
        .values_list("tracking_number", flat=True)
    )
    assert [c.tracking_number for c in page] == expected
    assert page.count == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings: PostgreSQL")
def test_the_search_probe_leaves_the_planner_as_it_was(operator):
    from django.db import transaction

    make_case()
    with transaction.atomic():  # as in a request: SET LOCAL would outlive the probe
        assert len(queries.inbox_page(operator, queries.InboxFilters(q="berlubang"), 1)) == 1
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')"
            )
            assert cursor.fetchone() == ("on", "on")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm: PostgreSQL only")
def test_the_reporter_name_trigram_index_exists():
    from importlib import import_module

    index = import_module("kanal.complaints.migrations.0007_reporter_name_trigram").INDEX
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition and "upper" in definition.lower()
