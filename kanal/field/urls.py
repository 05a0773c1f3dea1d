from django.urls import path

from . import views

app_name = "field"
urlpatterns = [
    path("lapangan/", views.app, name="app"),
    path("lapangan/sw.js", views.service_worker, name="service_worker"),
    path("lapangan/manifest.webmanifest", views.manifest, name="manifest"),
    path("lapangan/api/status/", views.api_status, name="api_status"),
    path("lapangan/api/laporan/", views.api_submit, name="api_submit"),
    path("lapangan/api/verifikasi/", views.api_verify, name="api_verify"),
    path("lapangan/keluar/", views.sign_out, name="sign_out"),
    path("console/lapangan/perangkat/", views.devices, name="devices"),
]
