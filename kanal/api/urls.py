from django.urls import path, re_path

from .open311 import views as open311
from .rest.api import api

FMT = r"\.(?P<fmt>xml|json)$"
V2 = r"^open311/v2/"

urlpatterns = [
    re_path(V2 + r"discovery" + FMT, open311.discovery, name="open311-discovery"),
    re_path(V2 + r"services" + FMT, open311.services, name="open311-services"),
    re_path(
        V2 + r"services/(?P<code>[-\w]+)" + FMT,
        open311.service_definition,
        name="open311-service",
    ),
    re_path(V2 + r"requests" + FMT, open311.requests, name="open311-requests"),
    re_path(
        V2 + r"requests/(?P<number>[-\w]+)" + FMT, open311.request_detail, name="open311-request"
    ),
    re_path(V2 + r"tokens/(?P<token>[-\w]+)" + FMT, open311.token, name="open311-token"),
    re_path(V2 + r"servicerequestupdates" + FMT, open311.request_updates, name="open311-updates"),
    path(
        "open311/v2/media/<str:number>/<int:attachment_id>.jpg",
        open311.media,
        name="open311-media",
    ),
    re_path(V2 + r"(?P<rest>.*)$", open311.not_found),
    path("api/v1/", api.urls),
]
