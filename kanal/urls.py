from django.contrib import admin
from django.urls import include, path, re_path

from kanal.admin_site import KanalAdminSite
from kanal.core.views import public_document

# A database outage answers 503 with Retry-After wherever it is raised (kanal.core.outage).
handler500 = "kanal.core.outage.server_error"

# Every admin page needs a verified second factor (django-otp).
admin.site.__class__ = KanalAdminSite

urlpatterns = [
    # Only the public information list's documents are served from media; everything
    # else (case attachments, KTP images, notices) goes through checked views.
    # From the configured storage (KANAL_MEDIA_STORAGE), so every web node serves them.
    re_path(r"^media/(?P<path>ppid/dip/[^/]+)$", public_document),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("kanal.accounts.urls")),
    path("console/", include("kanal.console.urls")),
    # Each app's urls.py carries its own public and /console/<app>/ prefixes.
    path("", include("kanal.complaints.urls")),
    path("", include("kanal.routing.urls")),
    path("", include("kanal.ppid.urls")),
    path("", include("kanal.publishing.urls")),
    path("", include("kanal.channels.urls")),
    path("", include("kanal.api.urls")),
    path("", include("kanal.privacy.urls")),
    path("", include("kanal.field.urls")),
    path("", include("kanal.portal.urls")),
]
