from django.conf import settings


def site(request):
    """Values every page needs: the site's name."""
    return {"site_name": settings.KANAL_SITE_NAME}
