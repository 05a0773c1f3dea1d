from django.contrib.sitemaps import views as sitemaps
from django.urls import path

from .views import cases, directory, figures, home, search, sitemap

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("robots.txt", sitemap.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": sitemap.SITEMAPS, "sitemap_url_name": "portal:sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": sitemap.SITEMAPS},
        name="sitemap-section",
    ),
    path("opd/", directory.unit_list, name="units"),
    path("opd/<slug:code>/", directory.unit_detail, name="unit"),
    path("wilayah/", directory.area_list, name="areas"),
    path("wilayah/<str:code>/", directory.area_detail, name="area"),
    path("aduan/", cases.case_list, name="cases"),
    path("aduan/<str:number>/", cases.case_detail, name="case"),
    path("aduan/<str:number>/foto/<int:photo_id>/", cases.case_photo, name="case_photo"),
    path("aduan/<str:number>/berhenti/<str:token>/", cases.unfollow, name="unfollow"),
    path(
        "favicon.ico",
        home.favicon,
        name="favicon",
    ),
    path("cari/", search.search, name="search"),
    path("kinerja/", figures.performance, name="performance"),
    path("aksesibilitas/", home.accessibility, name="accessibility"),
    path("privasi/", home.privacy, name="privacy"),
    path("kontak/", home.contact, name="contact"),
]
