"""Reads for the public website: public cases, the directory, areas, search, channels.

Public cases come only from ``complaints.queries.public_complaints()`` and the pages
show only their public fields (public title and summary, category, unit, kelurahan,
state, dates): never the description, the reporter or attachments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from kanal.complaints.models import Complaint
from kanal.complaints.queries import public_complaints
from kanal.directory.models import Category, Unit, UnitKind
from kanal.directory.queries import active_categories, area_office_for, city_units
from kanal.ppid.models import PublicInformationItem
from kanal.publishing.models import ContentItem, ContentKind
from kanal.publishing.queries import news_items, priority_programs, published_items
from kanal.wilayah.models import Kecamatan, Kelurahan
from kanal.wilayah.queries import kelurahan_names

from . import rules

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PUBLIC_CASE_FIELDS = (
    "tracking_number",
    "public_title",
    "public_summary",
    "state",
    "received_at",
    "followed_up_at",
    "completed_at",
    "closed_at",
    "category__name",
    "category__parent__name",
    "unit__name",
    "unit__code",
    "kelurahan__name",
    "kelurahan__code",
    "kelurahan__kecamatan__name",
)


# --- settings-driven contact channels ----------------------------------------------------


@dataclass(frozen=True)
class Channels:
    """The city's contact channels for the public pages; an empty field is not shown."""

    whatsapp: str
    social: tuple[tuple[str, str], ...]  # (name, url)
    desk_address: str
    desk_hours: str

    @property
    def any(self) -> bool:
        return bool(self.whatsapp or self.social or self.desk_address or self.desk_hours)


def channels() -> Channels:
    """The city's contact channels as configured; each is shown only when set.

    KANAL_SOCIAL_ACCOUNTS is a list of (name, url) pairs or a {name: url} mapping.
    """
    social = settings.KANAL_SOCIAL_ACCOUNTS or ()
    if isinstance(social, dict):
        social = social.items()
    return Channels(
        whatsapp=settings.KANAL_WHATSAPP_DISPLAY_NUMBER,
        social=tuple((str(n), str(u)) for n, u in social),
        desk_address=settings.KANAL_PPID_DESK_ADDRESS,
        desk_hours=settings.KANAL_PPID_DESK_HOURS,
    )


# --- publishing --------------------------------------------------------------------------


def latest_announcements(limit: int = 3) -> QuerySet[ContentItem]:
    """The ``limit`` newest published announcements."""
    return news_items().filter(kind=ContentKind.ANNOUNCEMENT)[:limit]


def latest_news(limit: int = 3) -> QuerySet[ContentItem]:
    """The ``limit`` newest published news items and press releases (announcements apart)."""
    return news_items().exclude(kind=ContentKind.ANNOUNCEMENT)[:limit]


def programs(limit: int = 4) -> QuerySet[ContentItem]:
    """The first ``limit`` published priority programs, in their usual order."""
    return priority_programs()[:limit]


# --- directory ---------------------------------------------------------------------------


def directory_groups() -> list[tuple[StrOrPromise, list[Unit]]]:
    """City units grouped by kind (label, units), in the order of UnitKind."""
    units = list(city_units().order_by("name"))
    return [
        (label, [u for u in units if u.kind == value])
        for value, label in UnitKind.choices
        if any(u.kind == value for u in units)
    ]


def public_unit(code: str) -> Unit:
    """An active unit (city unit, area office or outside body) by code; 404 otherwise."""
    unit = (
        Unit.objects.filter(code=code, is_active=True)
        .select_related("parent", "kecamatan", "kelurahan__kecamatan")
        .first()
    )
    if unit is None:
        raise Http404
    return unit


def services_of(unit: Unit) -> QuerySet[Category]:
    """The case categories that go to ``unit`` by default: what it can be asked to fix."""
    return active_categories().filter(default_unit=unit)


def news_about(unit: Unit, limit: int = 5) -> QuerySet[ContentItem]:
    """The ``limit`` newest published news items that name ``unit``."""
    return news_items().filter(units=unit)[:limit]


def information_held_by(unit: Unit) -> QuerySet[PublicInformationItem]:
    """The unit's entries in the published Daftar Informasi Publik."""
    return PublicInformationItem.objects.filter(unit=unit, is_published=True)


# --- areas -------------------------------------------------------------------------------


def area(code: str) -> Kecamatan | Kelurahan:
    """The kecamatan (18.71.01) or kelurahan (18.71.01.1003) with that code; 404 otherwise."""
    model = Kecamatan if code.count(".") == 2 else Kelurahan
    found = model.objects.filter(code=code).first()
    if found is None:
        raise Http404
    return found


def offices_in(place: Kecamatan | Kelurahan) -> list[Unit]:
    """The area offices serving ``place``: the kecamatan office, then kelurahan offices."""
    if isinstance(place, Kelurahan):
        codes = [place.kecamatan.code, place.code]
    else:
        codes = [place.code, *place.kelurahan.order_by("name").values_list("code", flat=True)]
    offices = [area_office_for(code) for code in codes]
    return [o for o in offices if o is not None and o.is_active]


def all_areas() -> list[tuple[Kecamatan, list[Kelurahan]]]:
    """Every kecamatan with its kelurahan, both by name."""
    kelurahan = list(Kelurahan.objects.select_related("kecamatan").order_by("name"))
    return [
        (k, [x for x in kelurahan if x.kecamatan_id == k.pk])
        for k in Kecamatan.objects.order_by("name")
    ]


# --- public cases ------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilters:
    """The public case list's filters, as parsed from its query string; empty means any."""

    kecamatan: str = ""
    kelurahan: str = ""
    category: str = ""  # a top-level or second-level category code
    unit: str = ""


def public_cases(filters: CaseFilters = CaseFilters()) -> QuerySet[Complaint]:
    """Public cases matching ``filters``, newest first, with only their public fields."""
    qs = public_complaints()
    if filters.kelurahan:
        qs = qs.filter(kelurahan__code=filters.kelurahan)
    elif filters.kecamatan:
        qs = qs.filter(kelurahan__kecamatan__code=filters.kecamatan)
    if filters.category:
        qs = qs.filter(
            Q(category__code=filters.category) | Q(category__parent__code=filters.category)
        )
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    return (
        qs.order_by("-received_at")
        .only(*PUBLIC_CASE_FIELDS)
        .select_related("category__parent", "unit", "kelurahan__kecamatan")
    )


def public_case(number: str) -> Complaint:
    """One public case by tracking number; 404 for unknown or non-public cases alike."""
    case = public_cases().filter(tracking_number=number.strip().upper()).first()
    if case is None:
        raise Http404
    return case


def counts_by_kelurahan(cases: QuerySet[Complaint]) -> dict[str, int]:
    """Number of ``cases`` per kelurahan code."""
    rows = (
        cases.order_by()
        .values("kelurahan__code")
        .annotate(n=Count("id"))
        .values_list("kelurahan__code", "n")
    )
    return {code: n for code, n in rows if code}


def case_filter_choices() -> dict:
    """Choices for the public case filters: kecamatan, kelurahan and top-level categories."""
    return {
        "kecamatan": list(Kecamatan.objects.order_by("name").values_list("code", "name")),
        "kelurahan": kelurahan_names(),
        "category": list(
            active_categories()
            .filter(parent=None)
            .order_by("position", "name")
            .values_list("code", "name")
        ),
    }


def city_map() -> rules.MapGeometry:
    """Kelurahan boundaries projected for the inline SVG map (cached: boundaries rarely change)."""
    state = Kelurahan.objects.aggregate(n=Count("id"))
    key = f"portal:map:{state['n']}:{rules.MAP_WIDTH}"
    geometry = cache.get(key)
    if geometry is None:
        rows = Kelurahan.objects.order_by("code").values_list("code", "name", "boundary")
        geometry = rules.map_geometry(list(rows))
        cache.set(key, geometry, 24 * 3600)
    return geometry


# --- search ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResults:
    """What the public search found: units, news and cases."""

    units: list
    news: list
    cases: list

    @property
    def total(self) -> int:
        return len(self.units) + len(self.news) + len(self.cases)


def search(text: str, limit: int = 20) -> SearchResults:
    """Units, published news and public cases whose text contains every word of ``text``."""
    words = text.split()[:8]
    if not words:
        return SearchResults([], [], [])
    unit_q, news_q, case_q = Q(), Q(), Q()
    for w in words:
        unit_q &= (
            Q(name__icontains=w)
            | Q(short_name__icontains=w)
            | Q(tasks__icontains=w)
            | Q(urusan__icontains=w)
            | Q(complaint_topics__icontains=w)
        )
        news_q &= Q(title__icontains=w) | Q(summary__icontains=w) | Q(body__icontains=w)
        # Only public fields: never the reporter's description.
        case_q &= (
            Q(public_title__icontains=w)
            | Q(public_summary__icontains=w)
            | Q(tracking_number__iexact=w)
            | Q(kelurahan__name__icontains=w)
        )
    units = Unit.objects.filter(is_active=True).filter(unit_q).order_by("name")[:limit]
    news = published_items().filter(news_q).order_by("-published_at")[:limit]
    return SearchResults(list(units), list(news), list(public_cases().filter(case_q)[:limit]))
