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
    path("", include("kanal.portal.urls")),
]
