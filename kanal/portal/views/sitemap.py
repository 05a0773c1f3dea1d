"""sitemap.xml (every public page, news, programmes, units, areas, published cases, DIP
documents) and robots.txt, for search engines.

Addresses use KANAL_PUBLIC_BASE_URL (what the public reaches), not the Host of the
request, so a crawler reaching a node directly still gets the public addresses.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from kanal.ppid.models import PublicDocument
from kanal.publishing import queries as publishing

from .. import queries

# Public pages without a changing object behind them, by URL name.
STATIC_PAGES = [
    "portal:home",
    "complaints:report",
    "complaints:track",
    "portal:cases",
    "portal:units",
    "portal:areas",
    "portal:performance",
    "publishing:news",
    "publishing:programs",
    "publishing:press_room",
    "ppid:index",
    "ppid:request_form",
    "ppid:status",
    "ppid:objection_form",
    "portal:contact",
    "portal:privacy",
    "portal:accessibility",
]


class _PublicSitemap(Sitemap):
    """Every location on KANAL_PUBLIC_BASE_URL's scheme and host."""

    def get_urls(self, page=1, site=None, protocol=None):
        base = urlsplit(settings.KANAL_PUBLIC_BASE_URL)

        class PublicSite:
            domain = base.netloc

        return super().get_urls(page=page, site=PublicSite(), protocol=base.scheme)


class PageSitemap(_PublicSitemap):
    priority = 0.8
    changefreq = "weekly"

    def items(self):
        return STATIC_PAGES

    def location(self, item):
        return reverse(item)


class NewsSitemap(_PublicSitemap):
    changefreq = "monthly"

    def items(self):
        return publishing.news_items().prefetch_related(None).only("slug", "updated_at")

    def location(self, item):
        return reverse("publishing:item", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class ProgramSitemap(NewsSitemap):
    changefreq = "weekly"

    def items(self):
        return publishing.priority_programs().prefetch_related(None).only("slug", "updated_at")

    def location(self, item):
        return reverse("publishing:program", args=[item.slug])


class UnitSitemap(_PublicSitemap):
    changefreq = "monthly"

    def items(self):
        return [unit for _label, units in queries.directory_groups() for unit in units]

    def location(self, item):
        return reverse("portal:unit", args=[item.code])


class AreaSitemap(_PublicSitemap):
    changefreq = "monthly"

    def items(self):
        return [
            code
            for kecamatan, kelurahan in queries.all_areas()
            for code in [kecamatan.code, *(k.code for k in kelurahan)]
        ]

    def location(self, item):
        return reverse("portal:area", args=[item])


class CaseSitemap(_PublicSitemap):
    """Published cases (the operator's public text only, as on their pages)."""

    changefreq = "weekly"
    limit = 10_000

    def items(self):
        return (
            queries.public_cases()
            .select_related(None)
            .only("tracking_number", "updated_at")
            .order_by("pk")
        )

    def location(self, item):
        return reverse("portal:case", args=[item.tracking_number])

    def lastmod(self, item):
        return item.updated_at


class DipSitemap(_PublicSitemap):
    """Files of the published list of public information (DIP), served from media."""

    changefreq = "monthly"

    def items(self):
        return (
            PublicDocument.objects.filter(item__is_published=True).exclude(file="").order_by("pk")
        )

    def location(self, item):
        return item.file.url if item.file.url.startswith("/") else "/" + item.file.url

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "news": NewsSitemap,
    "programs": ProgramSitemap,
    "units": UnitSitemap,
    "areas": AreaSitemap,
    "cases": CaseSitemap,
    "dip": DipSitemap,
}

# Staff, personal and machine paths: nothing there for a search engine. Tracking pages
# are one reporter's case (and their numbers must not end up in an index).
DISALLOWED = [
    "/admin/",
    "/staff/",
    "/console/",
    "/lacak/",
    "/lapor/terkirim/",
    "/ppid/permohonan/terkirim/",
    "/ppid/keberatan/terkirim/",
    "/cari/",
    "/api/",
    "/open311/",
    "/webhooks/",
    "/i18n/",
]


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    base = settings.KANAL_PUBLIC_BASE_URL.rstrip("/")
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    lines.append(f"Sitemap: {base}{reverse('portal:sitemap-index')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
