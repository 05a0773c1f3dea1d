"""Interface language: Indonesian unless the visitor chose English with the switch.

Django's LocaleMiddleware follows the browser's Accept-Language, and many phones in
Indonesia are set to English; the city's site speaks Indonesian first, so only the
explicit choice (the language cookie set by the switch on every page) changes it.
"""

import re
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .logs import request_id


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: a thread serves many visitors (gthread, the test
        # client), and one visitor's English must not become the next one's language.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class PermissionsPolicyMiddleware:
    """Permissions-Policy: only Kanal may ask for the location; no camera, mic, payment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if value := settings.KANAL_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", value)
        return response


class ProbeMiddleware:
    """Answer /healthz, /readyz and /metrics first (see kanal.core.probes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .probes import PROBES

        if request.method in ("GET", "HEAD") and (probe := PROBES.get(request.path_info)):
            return probe(request)
        return self.get_response(request)


_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give each request an id for the logs (kanal.core.logs) and the X-Request-ID header.

    An id sent by the proxy in X-Request-ID (nginx: ``proxy_set_header X-Request-ID
    $request_id``) is kept when it looks like one, so the proxy's and Kanal's logs join.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.headers.get("X-Request-ID", "")
        rid = sent if _REQUEST_ID_OK.match(sent) else uuid.uuid4().hex
        request.request_id = rid
        # Not reset when the middleware returns: Django logs a 4xx/5xx response
        # ("Not Found: /x") after the middleware chain, and that line needs the id too.
        # request_finished puts "-" back (kanal.core.apps).
        request_id.set(rid)
        response = self.get_response(request)
        response.headers["X-Request-ID"] = rid
        return response
