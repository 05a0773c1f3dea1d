"""RSS and Atom of the PPID's newly published information (the DIP), titled with the
region's name."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from kanal.core.region import region_name

from .. import queries


class DipFeed(Feed):
    link = "/ppid/"
    description = _("Entries added to or republished in the list of public information (DIP).")

    def title(self):
        return _("New public information from the PPID of %(region)s") % {"region": region_name()}

    def items(self):
        return queries.newly_published_dip()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.get_category_display()

    def item_link(self, item):
        return f"{reverse('ppid:index')}#dip-item-{item.pk}"

    def item_pubdate(self, item):
        return queries.dip_published_at(item)

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_category_display()]


class DipAtomFeed(DipFeed):
    feed_type = Atom1Feed
    subtitle = DipFeed.description
