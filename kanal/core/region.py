"""The region Kanal serves, by name: one accessor for every page, feed and API.

``KANAL_CITY_NAME`` (e.g. "Kota Bandar Lampung") names the city or regency in feed
titles, the sitemap's pages and Open311 addresses. Region-specific naming may later come
from the region's data folder; callers keep using this function.
"""

from django.conf import settings


def region_name() -> str:
    """The region's name as the public reads it, e.g. "Kota Bandar Lampung"."""
    return settings.KANAL_CITY_NAME
