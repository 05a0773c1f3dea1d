from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("console/privacy/", views.index, name="index"),
    path("console/privacy/permintaan/baru/", views.new_request, name="request_new"),
    path("console/privacy/permintaan/<int:pk>/", views.request_detail, name="request"),
    path(
        "console/privacy/permintaan/<int:pk>/<str:step>/", views.request_step, name="request_step"
    ),
    path("console/privacy/insiden/baru/", views.breach_new, name="breach_new"),
    path("console/privacy/insiden/<int:pk>/", views.breach_detail, name="breach"),
]
