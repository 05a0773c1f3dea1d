from django.conf import settings

from . import region


def site(request):
    """Values every page needs: the site's name and the region (kanal.core.region)."""
    return {"site_name": settings.KANAL_SITE_NAME, "region": region.current()}
