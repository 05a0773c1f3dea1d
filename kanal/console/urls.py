from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("warga/", views.people, name="people"),
    path("warga/<int:citizen_id>/", views.citizen_page, name="citizen"),
    path("warga/<int:citizen_id>/tautkan/", views.link_contact, name="link_contact"),
    path(
        "warga/<int:citizen_id>/lepas/<int:contact_id>/",
        views.unlink_contact,
        name="unlink_contact",
    ),
    path("pelapor/<int:reporter_id>/", views.reporter_page, name="reporter"),
]
