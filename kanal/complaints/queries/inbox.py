"""Reads for staff: the inbox (filters, person search, counts) and a case's page."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability
from kanal.audit.queries import history_of
from kanal.core import phones
from kanal.core.queries import working_calendar
from kanal.directory.models import Category, Unit
from kanal.wilayah.models import Kecamatan, Kelurahan

from .. import rules
from ..models import CaseMessage, Complaint, MessageKind, State
from ..paging import CappedPaginator, InboxPage, count_capped, inbox_count_cap
from .access import _visibility_key, complaints_visible_to, deadlines, today

# --- the inbox ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    """The staff inbox's filters, as parsed from its query string; empty means any."""

    state: str = ""
    unit: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    channel: str = ""
    category: str = ""
    kind: str = ""
    sla: str = ""  # "at_risk" or "overdue"
    q: str = ""
    owner: str = ""  # "me": assigned to the user; "none": nobody assigned yet
    returned: bool = False  # sent back by a unit and not routed again
    open_only: bool = True


def _search(qs: QuerySet[Complaint], text: str, reporter_ids=()) -> QuerySet[Complaint]:
    """Full text on PostgreSQL (Indonesian configuration), a plain match on SQLite.

    ``reporter_ids`` (for roles that may see reporters) adds the cases of those reporters.
    """
    by_reporter = Q(reporter_id__in=list(reporter_ids)) if reporter_ids else Q(pk__in=[])
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", "description", config="indonesian")
        query = SearchQuery(text, config="indonesian", search_type="websearch")
        return qs.annotate(search=vector).filter(
            Q(search=query)
            | Q(tracking_number__iexact=text.strip())
            | Q(intake_key=text.strip().upper())  # the field app's slip number
            | by_reporter
        )
    condition = (
        Q(tracking_number__iexact=text.strip()) | Q(intake_key=text.strip().upper()) | by_reporter
    )
    for word in text.split():
        condition |= Q(title__icontains=word) | Q(description__icontains=word)
    return qs.filter(condition)


PERSON_MATCH_LIMIT = 50


def matching_reporter_ids(text: str) -> list[int]:
    """Reporters whose phone or e-mail equals ``text`` or whose name contains it (capped).

    Only for roles that may see reporters; callers check. Phone and e-mail are exact
    matches (indexable); a name match is a substring scan of the reporter table.
    """
    from ..models import Reporter

    text = text.strip()
    if len(text) < 3:
        return []
    condition = Q(name__icontains=text)
    if "@" in text:
        condition = Q(email__iexact=text)
    elif variants := phones.written_forms(text):
        condition = Q(phone__in=variants)
    return list(
        Reporter.objects.filter(condition).values_list("pk", flat=True)[:PERSON_MATCH_LIMIT]
    )


# The inbox's default list: what still needs someone (open) or a closing look (completed).
# Migration 0003's partial indexes carry exactly this predicate; keep the two in step.
INBOX_STATES = rules.OPEN_STATES | {State.COMPLETED.value}

_BY_CODE: dict[str, type[Unit | Kecamatan | Kelurahan | Category]] = {
    "unit": Unit,
    "kecamatan": Kecamatan,
    "kelurahan": Kelurahan,
    "category": Category,
}


def inbox(user, filters: InboxFilters) -> QuerySet[Complaint]:
    """The cases ``user`` may see that match ``filters``, most urgent first."""
    # A list never draws the kelurahan's boundary polygon: reading and parsing it for
    # every row was most of a page's time (about 20 ms for 50 rows).
    qs = (
        complaints_visible_to(user)
        .select_related("assigned_to")
        .defer("kelurahan__boundary", "description")
    )
    if filters.open_only and not filters.state:
        qs = qs.filter(state__in=INBOX_STATES)
    if filters.owner == "me":
        # The user's id is a literal: PostgreSQL reads migration 0004's partial index
        # (assigned_to_id, due_date, received_at) in order and stops after a page.
        qs = qs.filter(assigned_to_id=user.pk)
    elif filters.owner == "none":
        qs = qs.filter(assigned_to__isnull=True)
    if filters.returned:
        qs = qs.filter(state=State.VERIFIED, returned_at__isnull=False)
    for field, model in _BY_CODE.items():
        if code := getattr(filters, field):
            # The code is looked up first so the filter reaches PostgreSQL as a literal
            # id: joined on the code, the planner guesses an average unit's share of
            # cases and sorts all of the busiest unit's open cases (0.5 s at 1M); with
            # the id it reads the (unit_id, due_date) index in order and stops at a page.
            pk = model.objects.filter(code=code).values_list("pk", flat=True).first()
            qs = qs.filter(**{f"{field}_id": pk}) if pk is not None else qs.none()
    for field, value in [
        ("state", filters.state),
        ("channel", filters.channel),
        ("kind", filters.kind),
    ]:
        if value:
            qs = qs.filter(**{field: value})
    if filters.sla == "overdue":
        qs = qs.filter(due_date__lt=today())
    elif filters.sla == "at_risk":
        calendar = working_calendar()
        horizon = calendar.add_working_days(today(), deadlines()["at_risk_working_days"])
        qs = qs.filter(due_date__gte=today(), due_date__lte=horizon)
    if filters.q.strip():
        reporters = (
            matching_reporter_ids(filters.q)
            if scope_for(user).has(Capability.VIEW_REPORTERS)
            else []
        )
        searched = _search(qs, filters.q, reporters)
        ids = _few_matches(searched, inbox_count_cap())
        qs = searched if ids is None else qs.filter(pk__in=ids)
    return qs.order_by("due_date", "received_at")


def _few_matches(qs: QuerySet[Complaint], limit: int) -> list[int] | None:
    """The ids of every case a search matches when there are at most ``limit``; else None.

    Why (PostgreSQL, measured in ``bench/scale.py`` at a million cases): for a search
    ordered by due date the planner guesses how many cases match. Guessing many, it reads
    the due-date index in order and computes each case's text vector until a page is
    full: quick when one case in ten matches, but a name nobody wrote, or a person's
    few cases, make it read the whole table (12 s). So the matches are first collected
    from the indexes alone (GIN for the text, B-trees for the tracking number, slip and
    reporter; a bitmap read, no ordered scan allowed), stopping after ``limit + 1``.
    Few matches (the usual search for a person or a number): the page is those ids in
    due-date order, read by primary key. Many: the ordered read is the fast plan, as
    the planner chooses. On SQLite (small data, no such planner) nothing is probed.
    """
    if connection.vendor != "postgresql":
        return None
    with transaction.atomic(), connection.cursor() as cursor:
        # Local to this transaction (or the request's), and restored right after.
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true), "
            "set_config('enable_indexscan', 'off', true)"
        )
        try:
            ids = list(qs.order_by().values_list("pk", flat=True)[: limit + 1])
        finally:
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'on', true), "
                "set_config('enable_indexscan', 'on', true)"
            )
    return ids if len(ids) <= limit else None


def inbox_page(user, filters: InboxFilters, number=1, per_page: int = 50) -> InboxPage:
    """Page ``number`` of ``user``'s inbox under ``filters``, counted up to the cap."""
    return CappedPaginator(
        inbox(user, filters), per_page, count_ordered=not filters.q.strip()
    ).get_page(number)


INBOX_COUNTS_SECONDS = 60


def inbox_counts(user, *, cached: bool = True) -> dict[str, int]:
    """How many visible cases are in each inbox state, plus open overdue ones, for the menu.

    Only the states the inbox works on (``INBOX_STATES``: open ones and completed) are
    counted; closed, rejected, merged and referred-out cases, the bulk of a mature
    table, get no figure. Each figure is capped like the inbox's (``count_capped``): a
    value of ``inbox_count_cap() + 1`` means "more than the cap". States with no visible
    case are left out. The figures are cached for ``INBOX_COUNTS_SECONDS`` under the
    user's visibility key and the day (never per unit code or user name: users whose
    scopes reach the same cases share them, and no one else does), so they may lag up
    to a minute behind the cases; ``cached=False`` computes them afresh.
    """
    cap = inbox_count_cap()
    scope_key = _visibility_key(scope_for(user))
    key = f"complaints:inbox_counts:{scope_key}:{today().isoformat()}:{cap}"
    if cached and (hit := cache.get(key)) is not None:
        return hit
    qs = complaints_visible_to(user)
    # One small capped query per state, each reading at most cap + 1 entries of the
    # (state, due_date) index (see count_capped), instead of a GROUP BY over every case.
    counts = {state: count_capped(qs.filter(state=state), cap) for state in sorted(INBOX_STATES)}
    counts = {state: n for state, n in counts.items() if n}
    # Read in due-date order from the inbox's partial index (migration 0003): it holds
    # only open and completed cases, so old closed ones are never visited.
    counts["overdue"] = count_capped(
        qs.filter(state__in=rules.OPEN_STATES, due_date__lt=today()), cap
    )
    if cached:
        cache.set(key, counts, INBOX_COUNTS_SECONDS)
    return counts


def sla_of(case: Complaint) -> rules.SlaStatus:
    """Where ``case`` stands against its due date today, on the holiday calendar."""
    return rules.sla_status(working_calendar(), case.due_date, today(), deadlines())


def timeline(case: Complaint):
    """Every event on the case (audit log) with the messages, oldest first."""
    return history_of(case)


def messages_for_staff(case: Complaint) -> QuerySet[CaseMessage]:
    """Every message on ``case``, internal notes included, with their authors: staff only."""
    return case.messages.select_related("author")


def public_messages(case: Complaint) -> QuerySet[CaseMessage]:
    """Replies the reporter and the public may read (never internal notes)."""
    return case.messages.filter(kind=MessageKind.PUBLIC_REPLY)


def possible_duplicates(case: Complaint, limit: int = 5) -> list[Complaint]:
    """Open cases with similar text in the same or a neighbouring kelurahan (or anywhere,
    when the case has no kelurahan), most similar first."""
    from kanal.routing import queries as routing_queries
    from kanal.routing import rules as routing_rules

    open_cases = Complaint.objects.filter(state__in=rules.OPEN_STATES).exclude(pk=case.pk)
    if case.kelurahan is not None:
        codes = {case.kelurahan.code} | set(
            routing_queries.neighbouring_kelurahan(case.kelurahan.code)
        )
        open_cases = open_cases.filter(kelurahan__code__in=codes)
    candidates = list(open_cases.order_by("-received_at")[:300])
    texts: list[tuple[Hashable, str]] = [(c.pk, f"{c.title} {c.description}") for c in candidates]
    scored = routing_rules.similar_texts(f"{case.title} {case.description}", texts, 0.25)
    by_id: dict[Hashable, Complaint] = {c.pk: c for c in candidates}
    return [by_id[pk] for pk, _ in scored[:limit]]
