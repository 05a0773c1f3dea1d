"""Reads of cases: who may see which, the inbox, the public view, deadlines in force."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kanal.accounts.queries import area_office_kinds, scope_for
from kanal.accounts.rules import Capability, StaffScope
from kanal.audit.queries import history_of
from kanal.core import phones
from kanal.core.queries import working_calendar
from kanal.directory.models import Category, Unit
from kanal.directory.queries import active_categories
from kanal.wilayah.models import Kecamatan, Kelurahan
from kanal.wilayah.queries import kelurahan_names

from . import rules
from .models import CaseMessage, Complaint, MessageKind, State
from .paging import CappedPaginator, InboxPage, count_capped, inbox_count_cap


def deadlines() -> dict:
    """The deadline settings in force (defaults from rules, overridden by settings)."""
    return rules.DEFAULT_DEADLINES | settings.KANAL_COMPLAINT_DEADLINES


def today():
    return timezone.localdate()


# --- visibility --------------------------------------------------------------------------


def _visibility_filter(scope: StaffScope) -> Q | None:
    """The cases a scope reaches, as a filter; None means every case."""
    if scope.has(Capability.TRIAGE):
        return None  # operators triage everything, oversight included
    parts = Q(pk__in=[])
    if scope.has(Capability.VIEW_ALL_CASES):
        parts |= Q(is_oversight=False)
    if scope.has(Capability.VIEW_OVERSIGHT_CASES):
        parts |= Q(is_oversight=True)
    if scope.unit_ids:
        unit_cases = Q(unit_id__in=scope.unit_ids)
        if not scope.has(Capability.VIEW_OVERSIGHT_CASES):
            # Misconduct reports never reach the unit they concern.
            unit_cases &= Q(is_oversight=False)
        parts |= unit_cases
    for area in scope.area_codes:
        area_cases = Q(kelurahan__code=area) | Q(kelurahan__code__startswith=area + ".")
        if area.count(".") == 2:
            area_cases |= Q(kecamatan__code=area)
        parts |= area_cases & Q(is_oversight=False)
    return parts


def _visibility_key(scope: StaffScope) -> str:
    """A cache key part naming exactly the cases ``_visibility_filter`` lets ``scope`` reach.

    It reads the same scope fields as ``_visibility_filter`` (keep the two in step): two
    scopes with the same key see the same cases, so anything cached under it (the filter
    menu's counts) can never show one unit's figures to another unit's officer.
    """
    if not scope.roles:
        return "none"
    if scope.has(Capability.TRIAGE):
        return "all"
    parts = [
        f"a{int(scope.has(Capability.VIEW_ALL_CASES))}",
        f"o{int(scope.has(Capability.VIEW_OVERSIGHT_CASES))}",
        "u" + ",".join(str(u) for u in sorted(scope.unit_ids)),
        "k" + ",".join(sorted(scope.area_codes)),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Every case ``user`` may open (empty for non-staff)."""
    scope = scope_for(user)
    qs = Complaint.objects.select_related("unit", "category", "kelurahan", "kecamatan")
    if not scope.roles:
        return qs.none()
    condition = _visibility_filter(scope)
    return qs if condition is None else qs.filter(condition)


def access_complaint(user, tracking_number: str) -> Complaint:
    """The case if ``user`` may open it; Http404 when it does not exist or is out of scope.

    Out-of-scope cases answer 404, not 403, so that a number typed into a URL does not
    confirm that a case exists.
    """
    case = complaints_visible_to(user).filter(tracking_number=tracking_number).first()
    if case is None:
        raise Http404
    return case


def can_see_reporter(user, case: Complaint) -> bool:
    """ "Who reported it" is its own permission, separate from handling the case."""
    scope = scope_for(user)
    if scope.has(Capability.VIEW_REPORTERS) and (
        not case.is_oversight
        or scope.has(Capability.VIEW_OVERSIGHT_CASES)
        or scope.has(Capability.TRIAGE)
    ):
        return True
    return not case.is_anonymous and case.unit_id in scope.reporter_unit_ids


def require(user, capability: str, case: Complaint) -> None:
    """Raise PermissionDenied unless ``user`` may take an action needing ``capability``."""
    scope = scope_for(user)
    if capability == "triage" and scope.has(Capability.TRIAGE):
        return
    if (
        capability == "handle"
        and case.unit_id
        and (
            case.unit_id in scope.unit_ids
            or (
                scope.has(Capability.HANDLE_AREA_CASES)
                and case.kelurahan_id
                and scope.covers_area(case.kelurahan.code)
            )
        )
    ):
        if case.is_oversight and not scope.has(Capability.VIEW_OVERSIGHT_CASES):
            raise PermissionDenied
        return
    raise PermissionDenied


def may_handle(user, case: Complaint) -> bool:
    """Whether ``user`` handles ``case`` for its unit or area (the yes/no of require)."""
    try:
        require(user, "handle", case)
    except PermissionDenied:
        return False
    return True


def covers_area_of(user, case: Complaint) -> bool:
    """Whether ``user`` is the lurah or camat (area officer) of the case's kelurahan."""
    scope = scope_for(user)
    if not scope.has(Capability.HANDLE_AREA_CASES) or case.is_oversight:
        return False
    codes = [c.code for c in (case.kelurahan, case.kecamatan) if c is not None]
    return any(scope.covers_area(code) for code in codes)


def may_note(user, case: Complaint) -> bool:
    """Internal notes: operators, the handling unit, and the lurah or camat of the area."""
    return (
        scope_for(user).has(Capability.TRIAGE)
        or may_handle(user, case)
        or covers_area_of(user, case)
    )


def due_date_text(case: Complaint) -> str:
    """The running deadline explained in words ('' when no clock runs)."""
    from kanal.core.queries import describe_due_date

    if not (case.due_date and case.clock_started_on):
        return ""
    basis_state = {
        "verify": State.RECEIVED,
        "follow_up": State.DISPOSED,
        "review": State.FOLLOWED_UP,
        "auto_close": State.COMPLETED,
    }.get(case.due_basis, "")
    days = rules.clock_for(basis_state, deadlines()).working_days
    return describe_due_date(case.clock_started_on, days)


# --- the inbox ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
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


def phone_variants(text: str) -> list[str]:
    """The stored forms of the number in ``text`` ([] when it is none), for ``__in`` lookups.

    Phones are stored in E.164 (kanal.core.phones; the reporter phone index finds them
    whatever form staff type); WhatsApp contacts are known by the same digits without
    ``+`` (``wa_id``). The national forms match numbers a provider keeps as written.
    """
    return phones.written_forms(text)


def matching_reporter_ids(text: str) -> list[int]:
    """Reporters whose phone or e-mail equals ``text`` or whose name contains it (capped).

    Only for roles that may see reporters; callers check. Phone and e-mail are exact
    matches (indexable); a name match is a substring scan of the reporter table.
    """
    from .models import Reporter

    text = text.strip()
    if len(text) < 3:
        return []
    condition = Q(name__icontains=text)
    if "@" in text:
        condition = Q(email__iexact=text)
    elif variants := phone_variants(text):
        condition = Q(phone__in=variants)
    return list(
        Reporter.objects.filter(condition).values_list("pk", flat=True)[:PERSON_MATCH_LIMIT]
    )


# The inbox's default list: what still needs someone (open) or a closing look (completed).
# Migration 0003's partial indexes carry exactly this predicate; keep the two in step.
INBOX_STATES = rules.OPEN_STATES | {State.COMPLETED.value}

_BY_CODE = {"unit": Unit, "kecamatan": Kecamatan, "kelurahan": Kelurahan, "category": Category}


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
    return rules.sla_status(working_calendar(), case.due_date, today(), deadlines())


def timeline(case: Complaint):
    """Every event on the case (audit log) with the messages, oldest first."""
    return history_of(case)


def messages_for_staff(case: Complaint) -> QuerySet[CaseMessage]:
    return case.messages.select_related("author")


def public_messages(case: Complaint) -> QuerySet[CaseMessage]:
    """Replies the reporter and the public may read (never internal notes)."""
    return case.messages.filter(kind=MessageKind.PUBLIC_REPLY)


def possible_duplicates(case: Complaint, limit: int = 5) -> list[Complaint]:
    """Open cases with similar text in the same or a neighbouring kelurahan (or anywhere,
    when the case has no kelurahan), most similar first."""
    from kanal.routing import queries as routing_queries
    from kanal.routing import rules as routing_rules

    candidates = Complaint.objects.filter(state__in=rules.OPEN_STATES).exclude(pk=case.pk)
    if case.kelurahan_id:
        codes = {case.kelurahan.code} | set(
            routing_queries.neighbouring_kelurahan(case.kelurahan.code)
        )
        candidates = candidates.filter(kelurahan__code__in=codes)
    candidates = list(candidates.order_by("-received_at")[:300])
    texts = [(c.pk, f"{c.title} {c.description}") for c in candidates]
    scored = routing_rules.similar_texts(f"{case.title} {case.description}", texts, 0.25)
    by_id = {c.pk: c for c in candidates}
    return [by_id[pk] for pk, _ in scored[:limit]]


# --- the public ----------------------------------------------------------------------------

PUBLIC_STATES = frozenset(
    {
        State.VERIFIED,
        State.DISPOSED,
        State.FOLLOWED_UP,
        State.COMPLETED,
        State.CLOSED,
        State.NOT_OUR_AUTHORITY,
    }
)


def public_complaints() -> QuerySet[Complaint]:
    """Cases the public may see: made public by an operator, never confidential or oversight."""
    return (
        Complaint.objects.filter(is_confidential=False, is_oversight=False, state__in=PUBLIC_STATES)
        .exclude(public_summary="")
        .select_related("unit", "category", "kelurahan")
    )


def find_by_tracking_number(number: str) -> Complaint | None:
    return (
        Complaint.objects.filter(tracking_number=rules.normalise_tracking_number(number))
        .select_related("unit", "reporter")
        .first()
    )


# The public form builds both lists on every view and POST, a third of the request's
# time; they change only with the reference data. Cached rows (labels are added per
# request, in the visitor's language); saves and deletes forget them after commit
# (ComplaintsConfig.ready), bulk loads within CHOICES_CACHE_SECONDS.
CHOICES_CACHE_KEY = "complaints:form-choice-rows"
CHOICES_CACHE_SECONDS = 300


def form_choice_rows() -> dict:
    """Kelurahan, sub-categories and childless top categories for the public form.

    ``version`` changes whenever the lists are read anew from the database: whatever
    is built from them (the blank form's HTML, views/report_page.py) is rebuilt then.
    """
    rows = cache.get(CHOICES_CACHE_KEY)
    if rows is None:
        rows = {
            "kelurahan": kelurahan_names(),
            "category": list(
                active_categories()
                .filter(parent__isnull=False)
                .order_by("parent__position", "position")
                .values_list("code", "name", "parent__name")
            ),
            "top_only": list(
                active_categories()
                .filter(parent__isnull=True, children__isnull=True)
                .values_list("code", "name")
            ),
            "version": secrets.token_hex(8),
        }
        cache.set(CHOICES_CACHE_KEY, rows, CHOICES_CACHE_SECONDS)
    return rows


def forget_form_choice_rows(**_signal_kwargs) -> None:
    """Drop the cached lists once the current transaction commits (a signal receiver)."""
    transaction.on_commit(lambda: cache.delete(CHOICES_CACHE_KEY))


def default_staff_channel(user, *, on_field_visit: bool = False) -> str:
    """The channel preset when ``user`` records a case by hand (see rules.default_staff_channel)."""
    scope = scope_for(user)
    return rules.default_staff_channel(
        scope.roles, area_office_kinds(user), on_field_visit=on_field_visit
    )


# --- the citizen's side --------------------------------------------------------------------


def public_updates(case: Complaint) -> QuerySet[CaseMessage]:
    """Replies an operator approved for the public case page (never notes or own words)."""
    return case.messages.filter(kind=MessageKind.PUBLIC_REPLY, is_public=True)


def public_photos(case: Complaint):
    """Images an operator approved for the public (faces and plates are their call)."""
    return case.attachments.filter(is_public=True, content_type__startswith="image/")


def public_photo(case: Complaint, attachment_id: int):
    """One approved image of a public case, or Http404."""
    photo = public_photos(case).filter(pk=attachment_id).first()
    if photo is None:
        raise Http404
    return photo


def supporters_count(case: Complaint) -> int:
    """People who said "this is my problem too" (they count even if they stopped following)."""
    return case.followers.filter(is_supporter=True).count()


def followers_to_notify(case: Complaint):
    """Followers who asked for messages and have not unsubscribed."""
    return case.followers.filter(unsubscribed_at__isnull=True).exclude(via="none")


def nearby_reports(
    *,
    lat: float | None = None,
    lng: float | None = None,
    kelurahan_code: str = "",
    category_code: str = "",
    limit: int = 5,
) -> list[Complaint]:
    """Public, recent reports of the same topic near the point or in the same kelurahan.

    Only cases an operator made public are offered (nothing private leaks to a stranger),
    received in the last KANAL_NEARBY_DAYS, still open or answered. Within
    KANAL_NEARBY_METRES of the point, or in the kelurahan; nearest (then newest) first.
    Each case carries ``distance`` in metres (None without a point).
    """
    if lat is None and not kelurahan_code:
        return []
    since = timezone.now() - timedelta(days=settings.KANAL_NEARBY_DAYS)
    qs = public_complaints().filter(
        received_at__gte=since, state__in=PUBLIC_STATES - {State.NOT_OUR_AUTHORITY, State.CLOSED}
    )
    if category_code:
        qs = qs.filter(Q(category__code=category_code) | Q(category__parent__code=category_code))
    where = Q(kelurahan__code=kelurahan_code) if kelurahan_code else Q(pk__in=[])
    if lat is not None and lng is not None:
        # A box of the radius first (one degree of latitude is about 111 km), then the
        # exact distance below.
        d = settings.KANAL_NEARBY_METRES / 111_000
        where |= Q(lat__range=(lat - d, lat + d), lng__range=(lng - d * 1.01, lng + d * 1.01))
    found = []
    for case in qs.filter(where).select_related("kelurahan").order_by("-received_at")[:50]:
        case.distance = None
        if lat is not None and lng is not None and case.lat is not None:
            case.distance = rules.distance_metres(lat, lng, case.lat, case.lng)
            if case.distance > settings.KANAL_NEARBY_METRES and (
                not case.kelurahan or case.kelurahan.code != kelurahan_code
            ):
                continue
        found.append(case)
    found.sort(key=lambda c: (c.distance is None, c.distance or 0))
    return found[:limit]


def reporters_with_contact(contact: str):
    """Reporter rows whose phone or e-mail is ``contact`` (normalised), from any channel.

    Phones are stored in E.164 (kanal.core.phones), so a phone is an exact, indexed match.
    """
    from .models import Reporter

    if "@" in contact:
        return Reporter.objects.filter(email__iexact=contact)
    return Reporter.objects.filter(phone=phones.e164_or_blank(contact) or contact)


def cases_for_contact(contact: str) -> QuerySet[Complaint]:
    """Every case reported with this phone or e-mail, from every channel, newest first."""
    return (
        Complaint.objects.filter(reporter__in=reporters_with_contact(contact))
        .select_related("unit", "category")
        .order_by("-received_at")
    )


def map_areas_geojson() -> dict:
    """The kelurahan boundaries as one GeoJSON FeatureCollection (cached for an hour)."""
    data = cache.get("complaints:map_areas")
    if data is None:
        rows = (
            Kelurahan.objects.exclude(boundary=None)
            .order_by("code")
            .values_list("code", "name", "boundary")
        )
        data = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"code": c, "name": n}, "geometry": b}
                for c, n, b in rows
            ],
        }
        cache.set("complaints:map_areas", data, 3600)
    return data
