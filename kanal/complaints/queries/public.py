"""Reads for the public and the citizen: published cases, the report form's choices,
nearby reports, following and "my reports"."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kanal.accounts.queries import area_office_kinds, scope_for
from kanal.core import phones
from kanal.core.process_copy import ProcessCopy
from kanal.directory.models import Category
from kanal.directory.queries import active_categories
from kanal.wilayah.models import Kelurahan
from kanal.wilayah.queries import kelurahan_names, kelurahan_without_boundary

from .. import rules
from ..models import CaseMessage, Complaint, MessageKind, State

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
    """The case with ``number`` as a citizen typed it (normalised first), or None.

    No visibility check: the caller decides what the person may see.
    """
    return (
        Complaint.objects.filter(tracking_number=rules.normalise_tracking_number(number))
        .select_related("unit", "reporter")
        .first()
    )


def receipt_of(number: str) -> dict | None:
    """What the thank-you page shows of the case ``number`` (exactly as stored): its
    ``tracking_number`` and ``told_contact``, whether the reporter gave a contact to
    send the number to; None when there is no such case. Two columns, not the case."""
    row = (
        Complaint.objects.filter(tracking_number=number)
        .values_list("tracking_number", "reporter__contact_preference")
        .first()
    )
    if row is None:
        return None
    number, preference = row
    return {"tracking_number": number, "told_contact": preference not in (None, "none")}


# The public form builds both lists on every view and POST, a third of the request's
# time; they change only with the reference data. Cached rows (labels are added per
# request, in the visitor's language); saves and deletes forget them after commit
# (ComplaintsConfig.ready), bulk loads within CHOICES_CACHE_SECONDS.
CHOICES_CACHE_KEY = "complaints:form-choice-rows"
CHOICES_CACHE_SECONDS = 300
# In front of the shared cache, each process keeps the rows it read for a few seconds:
# the form page and its POST each read them, a Redis round trip and the unpickling of
# some 300 rows. A save in this process forgets them at once, other processes' saves
# show within these seconds.
CHOICES_LOCAL_SECONDS = 5.0
_local_rows: ProcessCopy[dict] = ProcessCopy(CHOICES_LOCAL_SECONDS)


def form_choice_rows() -> dict:
    """Kelurahan, sub-categories and childless top categories for the public form.

    ``version`` changes whenever the lists are read anew from the database: whatever
    is built from them (the blank form's HTML, views/report_page.py) is rebuilt then.
    Read from this process's copy when it is younger than CHOICES_LOCAL_SECONDS.
    """
    return _local_rows.get(_shared_choice_rows)


def _shared_choice_rows() -> dict:
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


# version -> (kelurahan by code, categories by code): the rows a report from the form
# points at, read once per process and version instead of once per report.
_form_places: dict[str, tuple[dict, dict]] = {}


def form_places(version: str) -> tuple[dict[str, Kelurahan], dict[str, Category]]:
    """Every kelurahan (with its kecamatan, without the boundary) and every active
    category, by code, as of the choice lists' ``version`` (``form_choice_rows``).

    Kept per process for that version only: a saved or deleted kelurahan or category
    makes a new version (``forget_form_choice_rows``), so the next report reads them
    anew. The instances are shared by the process's threads: read them, never change
    them.
    """
    if (places := _form_places.get(version)) is None:
        places = (
            {k.code: k for k in kelurahan_without_boundary()},
            {c.code: c for c in active_categories()},
        )
        _form_places.clear()
        _form_places[version] = places
    return places


def forget_form_choice_rows(**_signal_kwargs) -> None:
    """Drop the cached lists: this process's copy now, the shared one (and this
    process's copy again) once the current transaction commits (a signal receiver)."""

    def forget() -> None:
        _local_rows.forget()
        _form_places.clear()

    def forget_shared() -> None:
        cache.delete(CHOICES_CACHE_KEY)  # first: a read in between must not keep it
        forget()

    forget()
    # Not on_commit outside a transaction: it would open a connection to ask for
    # autocommit, and this runs where none is wanted (signals at start-up, tests).
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(forget_shared)
    else:
        forget_shared()


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


# Whether any case could be offered at all is told from the few cases the offer draws
# on (public, recent, open), kept per process for NEARBY_RECHECK_SECONDS: most reports
# have no public case nearby, and for them no query runs (the ORM's compiling of it
# was a third of the report's CPU). A case made public in this process counts at once
# (forget_nearby_candidates, on the save of a case with a public summary), elsewhere
# within those seconds. Past NEARBY_CANDIDATES_MAX cases the database filters, as before.
NEARBY_RECHECK_SECONDS = 10.0
NEARBY_CANDIDATES_MAX = 2000
_nearby_candidates: ProcessCopy[list[tuple] | None] = ProcessCopy(NEARBY_RECHECK_SECONDS)


def _nearby_pool() -> QuerySet[Complaint]:
    since = timezone.now() - timedelta(days=settings.KANAL_NEARBY_DAYS)
    return public_complaints().filter(
        received_at__gte=since, state__in=PUBLIC_STATES - {State.NOT_OUR_AUTHORITY, State.CLOSED}
    )


def _candidates() -> list[tuple] | None:
    """(received_at, lat, lng, kelurahan code, category code, its parent's code) of every
    case ``nearby_reports`` may offer; None when there are more than NEARBY_CANDIDATES_MAX."""
    return _nearby_candidates.get(_read_candidates)


def _read_candidates() -> list[tuple] | None:
    found = list(
        _nearby_pool().values_list(
            "received_at",
            "lat",
            "lng",
            "kelurahan__code",
            "category__code",
            "category__parent__code",
        )[: NEARBY_CANDIDATES_MAX + 1]
    )
    return found if len(found) <= NEARBY_CANDIDATES_MAX else None


def forget_nearby_candidates(*, instance=None, **_signal_kwargs) -> None:
    """Read the candidates anew on the next report in this process (a post_save receiver
    for cases: only a case with a public summary can be one)."""
    if instance is None or instance.public_summary:
        _nearby_candidates.forget()


def _box(lat: float, lng: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """(latitude range, longitude range) of KANAL_NEARBY_METRES around the point: the
    first, coarse filter (one degree of latitude is about 111 km; a degree of longitude
    at Indonesia's latitudes is a little less, hence the 1 % more)."""
    d = settings.KANAL_NEARBY_METRES / 111_000
    return (lat - d, lat + d), (lng - d * 1.01, lng + d * 1.01)


def _may_match(row: tuple, since, lat, lng, kelurahan_code: str, category_code: str) -> bool:
    """The database filter of ``nearby_reports`` on one candidate row."""
    received_at, case_lat, case_lng, kelurahan, category, parent = row
    if received_at < since or (category_code and category_code not in (category, parent)):
        return False
    if kelurahan_code and kelurahan == kelurahan_code:
        return True
    if lat is None or lng is None or case_lat is None or case_lng is None:
        return False
    (lat_low, lat_high), (lng_low, lng_high) = _box(lat, lng)
    return lat_low <= case_lat <= lat_high and lng_low <= case_lng <= lng_high


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
    Each case carries ``distance`` in metres (None without a point). No query runs when
    none of the process's candidates (see NEARBY_RECHECK_SECONDS) could match.
    """
    if lat is None and not kelurahan_code:
        return []
    since = timezone.now() - timedelta(days=settings.KANAL_NEARBY_DAYS)
    candidates = _candidates()
    if candidates is not None and not any(
        _may_match(row, since, lat, lng, kelurahan_code, category_code) for row in candidates
    ):
        return []
    qs = _nearby_pool()
    if category_code:
        qs = qs.filter(Q(category__code=category_code) | Q(category__parent__code=category_code))
    where = Q(kelurahan__code=kelurahan_code) if kelurahan_code else Q(pk__in=[])
    if lat is not None and lng is not None:
        # A box of the radius first, then the exact distance below.
        lat_range, lng_range = _box(lat, lng)
        where |= Q(lat__range=lat_range, lng__range=lng_range)
    found = []
    for case in qs.filter(where).select_related("kelurahan").order_by("-received_at")[:50]:
        case.distance = None
        if lat is not None and lng is not None and case.lat is not None and case.lng is not None:
            case.distance = distance = rules.distance_metres(lat, lng, case.lat, case.lng)
            if distance > settings.KANAL_NEARBY_METRES and (
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
    from ..models import Reporter

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
