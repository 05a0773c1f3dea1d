from django.contrib import admin
from django.urls import include, path

from kanal.admin_site import KanalAdminSite

# Every admin page needs a verified second factor (django-otp).
admin.site.__class__ = KanalAdminSite

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("kanal.accounts.urls")),
    path("console/", include("kanal.console.urls")),
    # Each app's urls.py carries its own public and /console/<app>/ prefixes.
    path("", include("kanal.complaints.urls")),
    path("", include("kanal.routing.urls")),
    path("", include("kanal.ppid.urls")),
    path("", include("kanal.publishing.urls")),
    path("", include("kanal.portal.urls")),
]
