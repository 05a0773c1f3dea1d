from django.urls import include, path

from kanal.urls import urlpatterns as site

urlpatterns = [path("", include("kanal.privacy.urls")), *site]
