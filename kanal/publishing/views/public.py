"""Public pages: news, priority programs, the press room, feeds and item files.

No JavaScript needed; images carry their alt text; lists are paginated.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from kanal.core.region import region_name

from .. import queries
from ..models import ContentKind

PAGE_SIZE = 10


def news_list(request):
    kinds = dict(ContentKind.choices)
    items = queries.news_items()
    kind = request.GET.get("jenis", "")
    if kind in kinds and kind != ContentKind.PRIORITY_PROGRAM:
        items = items.filter(kind=kind)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("halaman"))
    filters = [(k, v) for k, v in ContentKind.choices if k != ContentKind.PRIORITY_PROGRAM]
    return render(
        request,
        "publishing/news_list.html",
        {"page": page, "kind": kind, "filters": filters},
    )


def item_detail(request, slug):
    item = queries.public_item(slug)
    return render(request, "publishing/item_detail.html", {"item": item})


def program_list(request):
    return render(
        request, "publishing/program_list.html", {"programs": queries.priority_programs()}
    )


def program_detail(request, slug):
    program = queries.public_item(slug, kinds=[ContentKind.PRIORITY_PROGRAM])
    return render(
        request,
        "publishing/program_detail.html",
        {"item": program, "updates": program.updates.all()},
    )


def press_room(request):
    page = Paginator(queries.press_releases(), PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "publishing/press_room.html", {"page": page})


def file_view(request, file_id):
    """An image or attachment of a published item (served from storage)."""
    f = queries.public_file(file_id)
    response = FileResponse(
        default_storage.open(f.storage_name, "rb"),
        content_type=f.content_type,
        as_attachment=not f.is_image,
        filename=f.original_name if not f.is_image else None,
    )
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class NewsFeed(Feed):
    """RSS of the news (activities, announcements, press releases, infographics); the
    title names the region, so a reader holding feeds of several cities can tell them
    apart. Subclasses narrow the items."""

    link = "/berita/"
    heading = _("News from the government of %(region)s")
    description = _("Activities, announcements and press releases.")

    def title(self):
        return self.heading % {"region": region_name()}

    def items(self):
        return queries.news_items()[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or (item.paragraphs() or [""])[0]

    def item_link(self, item):
        from django.urls import reverse

        return reverse("publishing:item", args=[item.slug])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_kind_display()]


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description


class PressFeed(NewsFeed):
    link = "/siaran-pers/"
    heading = _("Press releases of the government of %(region)s")
    description = _("Official press releases for the media.")

    def items(self):
        return queries.press_releases()[:30]


class PressAtomFeed(PressFeed):
    feed_type = Atom1Feed
    subtitle = PressFeed.description


class ProgramFeed(NewsFeed):
    """Priority programmes, the most recently changed first (a programme's page is
    updated as it progresses)."""

    link = "/program/"
    heading = _("Priority programmes of the government of %(region)s")
    description = _("The priority programmes and how they progress.")

    def items(self):
        return queries.priority_programs().order_by("-updated_at")[:30]

    def item_link(self, item):
        from django.urls import reverse

        return reverse("publishing:program", args=[item.slug])

    def item_pubdate(self, item):
        return item.updated_at


class ProgramAtomFeed(ProgramFeed):
    feed_type = Atom1Feed
    subtitle = ProgramFeed.description
