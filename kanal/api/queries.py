"""Reads for the API: credentials, Open311 services and requests, partner update feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from kanal.audit.models import AuditEvent
from kanal.complaints.models import CaseMessage, Complaint, MessageKind
from kanal.complaints.queries import find_by_tracking_number, public_complaints
from kanal.complaints.rules import normalise_tracking_number
from kanal.directory.models import Category
from kanal.directory.queries import active_categories

from . import rules
from .models import ApiToken, IdempotencyKey, PartnerKey, PartnerRequest, ServiceAttribute


def jurisdiction_id() -> str:
    """The Open311 jurisdiction this server answers for (settings.KANAL_OPEN311_JURISDICTION)."""
    return settings.KANAL_OPEN311_JURISDICTION


# --- credentials ---------------------------------------------------------------------------


def partner_for_key(raw: str) -> PartnerKey | None:
    """The active partner holding ``raw`` as its api_key, or None."""
    if not raw:
        return None
    return PartnerKey.objects.filter(key_hash=rules.hash_secret(raw), revoked_at=None).first()


def token_for(raw: str) -> ApiToken | None:
    """The live token ``raw`` (not revoked, not expired, its user active), or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.filter(key_hash=rules.hash_secret(raw), revoked_at=None)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.expires_at and token.expires_at <= timezone.now():
        return None
    return token


def stored_response(user, key: str) -> IdempotencyKey | None:
    """The answer kept for ``user``'s Idempotency-Key ``key``, or None when it is new."""
    return IdempotencyKey.objects.filter(user=user, key=key).first()


# --- services ------------------------------------------------------------------------------


def services() -> QuerySet[Category]:
    """Open311 services: the active categories a case can be filed under (the leaves)."""
    return (
        active_categories()
        .filter(Q(children=None) | ~Q(children__is_active=True))
        .distinct()
        .order_by("parent__position", "position", "name")
    )


def service(code: str) -> Category | None:
    """The Open311 service with ``code`` (a category offered to partners), or None."""
    return services().filter(code=code).first()


def codes_with_attributes() -> set[int]:
    """Ids of the categories that have at least one Open311 attribute."""
    return set(ServiceAttribute.objects.values_list("category_id", flat=True))


def attributes_of(category: Category) -> list[ServiceAttribute]:
    """``category``'s Open311 attributes in their display order."""
    return list(category.service_attributes.order_by("order"))


def attribute_specs(category: Category) -> list[rules.AttributeSpec]:
    """``category``'s attributes as the rules check them (:class:`rules.AttributeSpec`)."""
    return [
        rules.AttributeSpec(
            code=a.code,
            datatype=a.datatype,
            required=a.required,
            variable=a.variable,
            keys=frozenset(str(v.get("key")) for v in a.values if isinstance(v, dict)),
        )
        for a in attributes_of(category)
    ]


# --- requests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFilters:
    """A GET requests query, parsed: every field empty means no filter on it."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    near: rules.Near | None = None


def requests_by_ids(ids: tuple[str, ...]) -> tuple[list[Complaint], set[int]]:
    """The cases with these tracking numbers, public or not, newest first, and the pks of
    those the public may see (GeoReport v2: ids override every other filter). The caller
    shows a case that is not public as service and status only."""
    numbers = [normalise_tracking_number(n) for n in ids[: rules.MAX_RESULTS]]
    cases = list(
        Complaint.objects.filter(tracking_number__in=numbers)
        .select_related("unit", "category", "kelurahan", "kecamatan", "reporter")
        .order_by("-received_at")
    )
    public = set(
        public_complaints().filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True)
    )
    return cases, public


def listed_requests(filters: RequestFilters) -> QuerySet[Complaint]:
    """Public cases for GET requests, filtered by service, dates, status and distance."""
    qs = public_complaints().select_related("kecamatan").order_by("-received_at")
    if filters.service_codes:
        qs = qs.filter(category__code__in=filters.service_codes)
    start, end = rules.date_window(filters.start, filters.end, timezone.now())
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    if filters.statuses and set(filters.statuses) != {"open", "closed"}:
        closed = Q(state__in=rules.CLOSED_STATES)
        qs = qs.filter(closed if "closed" in filters.statuses else ~closed)
    if filters.near is not None:
        qs = _near(qs, filters.near)
    return qs


def _near(qs: QuerySet[Complaint], near: rules.Near) -> QuerySet[Complaint]:
    """Cases whose public (rounded) point lies within the circle: a bounding box in SQL
    (the same on SQLite and PostgreSQL), then the exact distance in Python."""
    min_lat, max_lat, min_lng, max_lng = near.bounding_box()
    candidates = qs.filter(
        lat__gte=min_lat, lat__lte=max_lat, lng__gte=min_lng, lng__lte=max_lng
    ).values_list("pk", "lat", "lng")
    return qs.filter(pk__in=[pk for pk, lat, lng in candidates if near.contains(lat, lng)])


def last_change(cases) -> datetime | None:
    """When anything Open311 shows of these cases last changed (for Last-Modified)."""
    pks = [c.pk for c in cases]
    if not pks:
        return None
    changed = max(c.updated_at for c in cases)
    latest_reply = CaseMessage.objects.filter(
        complaint_id__in=pks, kind=MessageKind.PUBLIC_REPLY
    ).aggregate(latest=Max("created_at"))["latest"]
    return max(changed, latest_reply) if latest_reply else changed


def services_changed() -> datetime | None:
    """When a category (so a service) last changed."""
    return Category.objects.aggregate(latest=Max("updated_at"))["latest"]


def is_public(case: Complaint) -> bool:
    """Whether ``case`` is on the public list (and so may be shown through the API)."""
    return public_complaints().filter(pk=case.pk).exists()


def request_by_id(number: str) -> Complaint | None:
    """Any case by its tracking number (the caller decides how much of it to show)."""
    return find_by_tracking_number(number)


def request_by_token(token: str) -> PartnerRequest | None:
    """The partner request with ``token`` (the POST's answer), with its case, or None."""
    return PartnerRequest.objects.filter(token=token).select_related("complaint").first()


def status_notes(case: Complaint) -> str:
    """The latest reply to the reporter: the notes meant for whoever filed the case."""
    message = (
        CaseMessage.objects.filter(complaint=case, kind=MessageKind.PUBLIC_REPLY)
        .order_by("-created_at")
        .first()
    )
    return message.body if message else ""


def public_media(case: Complaint):
    """The first public image attached to ``case`` (Open311 ``media_url``), or None."""
    return (
        case.attachments.filter(is_public=True, content_type__startswith="image/")
        .order_by("created_at")
        .first()
    )


def public_photo(case: Complaint, attachment_id: int):
    """The case's public image ``attachment_id``, only while the case itself is public."""
    if not is_public(case):
        return None
    return case.attachments.filter(
        pk=attachment_id, is_public=True, content_type__startswith="image/"
    ).first()


# --- partner update feed (FixMyStreet servicerequestupdates) -------------------------------


@dataclass(frozen=True)
class RequestUpdate:
    """One entry of a request's public history, as GET request updates lists it."""

    update_id: str
    service_request_id: str
    status: str
    detailed_status: str
    description: str
    updated_datetime: datetime


def updates_for_partner(partner: PartnerKey, start: datetime, end: datetime) -> list[RequestUpdate]:
    """Replies to the reporter and state changes on the cases ``partner`` filed."""
    cases = {
        r.complaint_id: r.complaint
        for r in partner.requests.select_related("complaint").only(
            "complaint_id", "complaint__tracking_number", "complaint__state"
        )
    }
    if not cases:
        return []
    updates: list[RequestUpdate] = []
    replies = CaseMessage.objects.filter(
        complaint_id__in=cases,
        kind=MessageKind.PUBLIC_REPLY,
        created_at__gte=start,
        created_at__lte=end,
    )
    for message in replies:
        case = cases[message.complaint_id]
        updates.append(
            RequestUpdate(
                update_id=f"m{message.pk}",
                service_request_id=case.tracking_number,
                status=rules.open311_status(case.state),
                detailed_status=case.state,
                description=message.body,
                updated_datetime=message.created_at,
            )
        )
    events = AuditEvent.objects.filter(
        content_type__app_label="complaints",
        content_type__model="complaint",
        object_id__in=[str(pk) for pk in cases],
        created_at__gte=start,
        created_at__lte=end,
        data__has_key="to",
    )
    for event in events:
        case = cases[int(event.object_id)]
        state = str(event.data.get("to", ""))
        updates.append(
            RequestUpdate(
                update_id=f"s{event.pk}",
                service_request_id=case.tracking_number,
                status=rules.open311_status(state),
                detailed_status=state,
                description="",
                updated_datetime=event.created_at,
            )
        )
    return sorted(updates, key=lambda u: u.updated_datetime)
