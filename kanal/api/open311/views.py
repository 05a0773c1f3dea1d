"""Open311 GeoReport v2 endpoints (plain Django views); the format is the URL's suffix.

Errors follow the specification: a list of {code, description}, HTTP 404 for what does
not exist, 403 for a missing or wrong api_key, 400 for other bad input.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kanal.complaints.rules import TransitionRefused
from kanal.core import ratelimit

from .. import actions, queries, rules
from ..rules import Open311Error
from . import params as p
from . import represent
from .render import errors, respond

CHANGESET = "2026-11-28T00:00:00+07:00"  # when this endpoint's behaviour last changed


# Browser-based Open311 apps on other sites may read (never POST: a partner's api_key
# does not belong in a browser). Preflights may be cached for a day.
CORS_READ_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Content-Language, Retry-After",
}
CORS_PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def _language(request) -> str:
    """The answer's language: ``locale`` or Accept-Language (the API only; pages ignore
    Accept-Language, see ChosenLanguageMiddleware)."""
    params = request.POST if request.method == "POST" else request.GET
    return rules.api_language(
        p.value(params, "locale"),
        request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        {code for code, _name in settings.LANGUAGES},
        settings.LANGUAGE_CODE,
    )


def open311_view(methods=("GET",), public_read=True):
    """Check the method and jurisdiction; turn Open311Error into the specification's body.

    Answers in the language the request asks for; a public read (``public_read``) gets
    CORS headers and answers OPTIONS preflights; every GET gets an ETag (and the view may
    set Last-Modified) and a 304 when the client's copy is current.
    """
    allowed = (*methods, "OPTIONS")

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, fmt, *args, **kwargs):
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = ", ".join(allowed)
                if public_read:
                    for name, value in (CORS_READ_HEADERS | CORS_PREFLIGHT_HEADERS).items():
                        response[name] = value
                return response
            if request.method not in methods:
                return errors(fmt, 405, "method not allowed", headers={"Allow": ", ".join(allowed)})
            language = _language(request)
            with translation.override(language):
                try:
                    p.check_jurisdiction(request.POST if request.method == "POST" else request.GET)
                    response = view(request, fmt, *args, **kwargs)
                except Open311Error as error:
                    response = errors(fmt, error.status, error.description, error.code)
            response["Content-Language"] = language
            patch_vary_headers(response, ("Accept-Language",))
            if request.method == "GET" and response.status_code == 200:
                response = _conditional(request, response)
            if public_read and request.method == "GET":
                for name, value in CORS_READ_HEADERS.items():
                    response[name] = value
            return response

        return wrapper

    return decorate


def _conditional(request, response):
    """ETag from the body; 304 when If-None-Match (or If-Modified-Since) matches."""
    set_response_etag(response)
    last_modified = response.get("Last-Modified")
    conditional = get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )
    if conditional is not response:
        conditional["Content-Language"] = response["Content-Language"]
        conditional["Vary"] = response["Vary"]
    return conditional


def _last_modified(response, moment):
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())
    return response


def _partner(request):
    """The partner behind ``api_key`` (403 otherwise), rate limited per key when posting."""
    raw = p.value(request.POST, "api_key") or p.value(request.GET, "api_key")
    partner = queries.partner_for_key(raw)
    if partner is None:
        raise Open311Error(403, "api_key is missing, wrong or revoked")
    if request.method == "POST":
        limit = ratelimit.hit(
            "open311-post", str(partner.pk), limit=partner.posts_per_hour, window=3600
        )
        if not limit.allowed:
            raise Open311Error(429, f"rate limit reached; retry in {limit.retry_after} seconds")
    return partner


@open311_view()
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    return respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": settings.KANAL_OPEN311_CONTACT,
            "key_service": settings.KANAL_OPEN311_KEY_SERVICE,
            "endpoints": [
                {
                    "specification": rules.SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": settings.KANAL_OPEN311_ENDPOINT_TYPE,
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@open311_view()
def services(request, fmt):
    with_metadata = queries.codes_with_attributes()
    data = [represent.service(c, with_metadata) for c in queries.services()]
    return _last_modified(respond(fmt, "services", data), queries.services_changed())


@open311_view()
def service_definition(request, fmt, code):
    category = queries.service(code)
    if category is None:
        raise Open311Error(404, "service_code not found")
    return respond(fmt, "service_definition", represent.service_definition(category))


@open311_view(methods=("GET", "POST"))
def requests(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    filters = p.request_filters(request.GET)
    page, size = p.page_numbers(request.GET)
    if filters.ids:
        # By id, a request reads the same as at requests/<id>: a partner sees the one it
        # just POSTed (service and status only until an operator publishes it).
        cases, public = queries.requests_by_ids(filters.ids)
        data = [
            represent.public_request(c, request.build_absolute_uri)
            if c.pk in public
            else represent.restricted_request(c)
            for c in cases
        ]
    else:
        qs = queries.listed_requests(filters).select_related("reporter")
        # GeoReport v2 caps a response at 1,000 requests; page/page_size (the community
        # extension) walk through longer lists.
        cases = list(qs[(page - 1) * size : page * size])
        data = [represent.public_request(c, request.build_absolute_uri) for c in cases]
    response = respond(fmt, "service_requests", data)
    return _last_modified(response, queries.last_change(cases))


def _post_request(request, fmt):
    partner = _partner(request)
    data = p.service_request(request.POST)
    link = actions.file_service_request(partner=partner, data=data)
    item = {"service_notice": _("Received. An operator checks every report within 3 working days.")}
    if settings.KANAL_OPEN311_RESPONSE == "token":
        item = {"token": link.token, **item}
    else:
        item = {"service_request_id": link.complaint.tracking_number, **item}
    if data.account_id:
        item["account_id"] = data.account_id
    return respond(fmt, "service_requests", [item])


@open311_view()
def request_detail(request, fmt, number):
    case = queries.request_by_id(number)
    if case is None:
        raise Open311Error(404, "service_request_id not found")
    if queries.is_public(case):
        data = represent.public_request(case, request.build_absolute_uri)
    else:
        data = represent.restricted_request(case)
    response = respond(fmt, "service_requests", [data])
    return _last_modified(response, queries.last_change([case]))


def media(request, number, attachment_id):
    """A public case's public photo (its ``media_url``); 404 for anything else."""
    case = queries.request_by_id(number)
    item = queries.public_photo(case, attachment_id) if case else None
    if item is None:
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "public, max-age=3600"
    for name, value in CORS_READ_HEADERS.items():
        response[name] = value
    return response


@open311_view()
def token(request, fmt, token):
    link = queries.request_by_token(token)
    if link is None:
        raise Open311Error(404, "token not found")
    item = {"service_request_id": link.complaint.tracking_number, "token": link.token}
    return respond(fmt, "service_requests", [item])


@open311_view(methods=("GET", "POST"), public_read=False)
def request_updates(request, fmt):
    """FixMyStreet's servicerequestupdates: a partner reads updates on, and adds updates
    to, the requests it filed."""
    partner = _partner(request)
    if request.method == "POST":
        return _post_update(request, fmt, partner)
    tz = timezone.get_default_timezone()
    start, end = p.value(request.GET, "start_date"), p.value(request.GET, "end_date")
    start, end = rules.date_window(
        rules.parse_w3c(start, tz) if start else None,
        rules.parse_w3c(end, tz, end=True) if end else None,
        timezone.now(),
    )
    data = [
        {
            "update_id": u.update_id,
            "service_request_id": u.service_request_id,
            "status": u.status,
            "description": u.description,
            "updated_datetime": represent.when(u.updated_datetime),
            "external_status_code": u.detailed_status,
        }
        for u in queries.updates_for_partner(partner, start, end)
    ]
    return respond(fmt, "service_requests_updates", data)


def _post_update(request, fmt, partner):
    fields = {}
    for name in ("service_request_id", "update_id", "updated_datetime", "status", "description"):
        fields[name] = p.value(request.POST, name)
        if not fields[name] and name != "description":
            raise Open311Error(400, f"Bad request: {name}")
    rules.parse_w3c(fields["updated_datetime"], timezone.get_default_timezone())
    case = queries.request_by_id(fields["service_request_id"])
    if case is None or not partner.requests.filter(complaint=case).exists():
        raise Open311Error(404, "service_request_id not found")
    if len(fields["description"]) > rules.MAX_DESCRIPTION:
        raise Open311Error(400, "Bad request: description")
    try:
        update = actions.record_partner_update(
            partner=partner,
            case=case,
            update_id=fields["update_id"],
            status=fields["status"],
            description=fields["description"],
        )
    except actions.DuplicateUpdate:
        raise Open311Error(400, "Bad request: already exists") from None
    except TransitionRefused:
        raise Open311Error(400, "Bad request: the request is closed") from None
    return respond(fmt, "service_request_updates", [{"update_id": update.update_id}])


def not_found(request, rest=""):
    fmt = "json" if rest.endswith(".json") else "xml"
    return errors(fmt, 404, "no such Open311 resource")
