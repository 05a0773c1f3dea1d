"""Reads for publishing: public lists, staff access, the cadence calendar, channel status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability
from kanal.audit.models import AuditEvent
from kanal.complaints.queries import complaints_visible_to

from . import rules
from .models import (
    CadencePlan,
    ChannelPost,
    ContentItem,
    ContentKind,
    ContentState,
    FieldVisit,
    MediaPartner,
    PressDelivery,
)
from .providers import meta, tiktok

NEWS_KINDS = (
    ContentKind.ACTIVITY,
    ContentKind.ANNOUNCEMENT,
    ContentKind.PRESS_RELEASE,
    ContentKind.INFOGRAPHIC,
)


def can_publish(user) -> bool:
    """Editors (Capability.PUBLISH) may use the publishing console."""
    return bool(user.is_authenticated and scope_for(user).has(Capability.PUBLISH))


def access_item(user, item_id: int) -> ContentItem:
    """The item for an editor; PermissionDenied for anyone else, 404 when missing."""
    if not can_publish(user):
        raise PermissionDenied
    return get_object_or_404(ContentItem, pk=item_id)


def access_visit(user, visit_id: int) -> FieldVisit:
    """The field visit ``visit_id`` for a publisher; PermissionDenied for anyone else, 404 if
    unknown.
    """
    if not can_publish(user):
        raise PermissionDenied
    return get_object_or_404(FieldVisit, pk=visit_id)


# --- Public ---------------------------------------------------------------------------


def published_items() -> QuerySet[ContentItem]:
    """Every published content item (any kind), with its files prefetched."""
    return ContentItem.objects.filter(state=ContentState.PUBLISHED).prefetch_related("files")


def news_items() -> QuerySet[ContentItem]:
    """Published news, announcements and press releases, newest first."""
    return published_items().filter(kind__in=NEWS_KINDS).order_by("-published_at", "-id")


def press_releases() -> QuerySet[ContentItem]:
    """Published press releases, newest first."""
    return news_items().filter(kind=ContentKind.PRESS_RELEASE)


def priority_programs() -> QuerySet[ContentItem]:
    """Published priority programmes, by title."""
    return published_items().filter(kind=ContentKind.PRIORITY_PROGRAM).order_by("title")


def public_item(slug: str, kinds=NEWS_KINDS) -> ContentItem:
    """The published item with ``slug`` among ``kinds``; 404 when it is not published."""
    return get_object_or_404(published_items().filter(kind__in=kinds), slug=slug)


def public_file(file_id: int):
    """A file of a published item (images and press attachments are public with it)."""
    from .models import ContentFile

    return get_object_or_404(ContentFile, pk=file_id, item__state=ContentState.PUBLISHED)


def public_base_url() -> str:
    """Where the public reaches this site (Instagram and TikTok fetch images from it)."""
    return settings.KANAL_PUBLIC_BASE_URL.rstrip("/")


def item_url(item: ContentItem) -> str:
    """The item's absolute public URL (its programme or news page) under KANAL_PUBLIC_BASE_URL."""
    name = "publishing:program" if item.kind == ContentKind.PRIORITY_PROGRAM else "publishing:item"
    return public_base_url() + reverse(name, args=[item.slug])


def image_urls(item: ContentItem) -> list[str]:
    """Absolute public URLs of the item's image files, in file order (what cross-posts attach)."""
    return [
        public_base_url() + reverse("publishing:file", args=[f.pk])
        for f in item.files.all()
        if f.is_image
    ]


# --- Staff ----------------------------------------------------------------------------


def items_for_console(state: str | None = None) -> QuerySet[ContentItem]:
    """Every item for the publishing console, last changed first; only ``state`` when given."""
    qs = ContentItem.objects.select_related("created_by").order_by("-updated_at")
    return qs.filter(state=state) if state else qs


def item_history(item: ContentItem) -> QuerySet[AuditEvent]:
    """The audit trail of one item: who did what, oldest first."""
    ct = ContentType.objects.get_for_model(ContentItem)
    return AuditEvent.objects.filter(content_type=ct, object_id=str(item.pk)).order_by("id")


def caption(item: ContentItem) -> str:
    """The item's social caption: title, summary and a link to its public page."""
    return rules.caption_for(item.title, item.summary, item_url(item))


def previews(item: ContentItem) -> list[rules.ChannelPreview]:
    """One preview per channel the item targets (the website always)."""
    dims = [(f.width or 0, f.height or 0) for f in item.files.all() if f.is_image]
    text = caption(item)
    return [
        rules.preview("website", item.body, dims),
        *(rules.preview(ch, text, dims) for ch in item.channels),
    ]


def channel_configured(channel: str) -> bool:
    """Whether ``channel`` can be posted to: the website always, a social channel when its
    credentials are set.
    """
    return {
        "website": True,
        "facebook": meta.facebook_configured(),
        "instagram": meta.instagram_configured(),
        "tiktok": tiktok.configured(),
    }.get(channel, False)


def channel_status() -> dict[str, bool]:
    """Configured or not, for each social channel (facebook, instagram, tiktok)."""
    return {ch: channel_configured(ch) for ch in ("facebook", "instagram", "tiktok")}


def posts_to_drive() -> QuerySet[ChannelPost]:
    """Cross-posts that still have work to do (not finished, failed or skipped)."""
    return ChannelPost.objects.exclude(state__in=rules.TERMINAL_POST_STATES).filter(
        item__state=ContentState.PUBLISHED
    )


def due_items(now=None) -> QuerySet[ContentItem]:
    """Scheduled items whose time has come (``now``, default the current time): the publisher's
    work.
    """
    now = now or timezone.now()
    return ContentItem.objects.filter(state=ContentState.SCHEDULED, scheduled_at__lte=now)


def cadence_weeks(first: date, count: int = 4) -> list[rules.CadenceCell]:
    """The plan against the items planned or published in ``count`` weeks from ``first``."""
    start = rules.week_start(first)
    weeks = [start + timedelta(weeks=i) for i in range(count)]
    end = weeks[-1] + timedelta(days=7)
    plan = list(CadencePlan.objects.values_list("kind", "channel", "posts_per_week"))
    tz = timezone.get_current_timezone()
    items = []
    qs = ContentItem.objects.exclude(state=ContentState.WITHDRAWN).filter(
        Q(published_at__date__gte=start, published_at__date__lt=end)
        | Q(published_at__isnull=True, scheduled_at__date__gte=start, scheduled_at__date__lt=end)
    )
    for item in qs:
        when = item.published_at or item.scheduled_at
        items.append((timezone.localtime(when, tz).date(), item.kind, tuple(item.channels)))
    return rules.cadence(plan, items, weeks)


def week_items(first: date, count: int = 4) -> QuerySet[ContentItem]:
    """Items published or scheduled in ``count`` weeks from the week of ``first`` (withdrawn left
    out), in time order.
    """
    start = rules.week_start(first)
    end = start + timedelta(weeks=count)
    return (
        ContentItem.objects.exclude(state=ContentState.WITHDRAWN)
        .filter(
            Q(published_at__date__gte=start, published_at__date__lt=end)
            | Q(
                published_at__isnull=True,
                scheduled_at__date__gte=start,
                scheduled_at__date__lt=end,
            )
        )
        .order_by("scheduled_at", "published_at")
    )


def active_partners() -> QuerySet[MediaPartner]:
    """Media partners who receive press releases."""
    return MediaPartner.objects.filter(is_active=True)


def deliveries_for(item: ContentItem) -> QuerySet[PressDelivery]:
    """The item's press-release deliveries, with their partners."""
    return item.deliveries.select_related("partner")


def upcoming_visits() -> QuerySet[FieldVisit]:
    """Field visits on the agenda, latest date first, with their kelurahan."""
    return FieldVisit.objects.select_related("kelurahan").order_by("-date")


def talking_point_choices() -> QuerySet[ContentItem]:
    """Announcements and priority programmes (not withdrawn) that a field visit may cite as talking
    points.
    """
    return ContentItem.objects.filter(
        kind__in=[ContentKind.ANNOUNCEMENT, ContentKind.PRIORITY_PROGRAM]
    ).exclude(state=ContentState.WITHDRAWN)


def visits_on(day: date) -> QuerySet[FieldVisit]:
    """Visits planned for ``day``: the contexts a field officer can record complaints in."""
    return FieldVisit.objects.filter(date=day).select_related("kelurahan").order_by("id")


@dataclass(frozen=True)
class VisitCase:
    """A case heard on a field visit, as its page lists it to the viewer."""

    tracking_number: str
    state: str
    state_label: str
    kelurahan: str
    received_at: datetime
    may_open: bool  # the viewer may open the case page (it is in their scope)


def visit_cases(user, visit: FieldVisit) -> list[VisitCase]:
    """The complaints heard during ``visit`` with their states, oldest first.

    No reporter's text is shown here (editors see the visit, not necessarily the case);
    ``may_open`` says whether the viewer may follow the link to the case.
    """
    cases = list(visit.complaints.select_related("kelurahan").order_by("received_at", "id"))
    visible = set(
        complaints_visible_to(user)
        .filter(pk__in=[c.pk for c in cases])
        .values_list("pk", flat=True)
    )
    return [
        VisitCase(
            tracking_number=c.tracking_number,
            state=c.state,
            state_label=c.get_state_display(),
            kelurahan=c.kelurahan.name if c.kelurahan else "",
            received_at=c.received_at,
            may_open=c.pk in visible,
        )
        for c in cases
    ]


def visit_case_counts(cases: list[VisitCase]) -> list[tuple[str, int]]:
    """How many of the visit's complaints are in each state, most first."""
    counts: dict[str, int] = {}
    for case in cases:
        counts[case.state_label] = counts.get(case.state_label, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
