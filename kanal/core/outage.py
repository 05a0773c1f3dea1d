"""Answer 503 with Retry-After, not 500, while the database cannot be reached.

A load balancer or a partner's client must be able to tell an outage (try again
shortly, or elsewhere) from a bug. Django turns an exception into a 500 at every layer,
so two hooks see a database that does not answer: :class:`DatabaseOutageMiddleware`
catches it from views (in every mode, without logging a server error), and
:func:`server_error` (``handler500``) catches it from anywhere else, e.g. a session
saved by middleware after the view. The answer never touches the database: it is a
plain page rendered without the request context, or JSON under ``/api/`` and
``/open311/`` (Open311's XML error list for ``.xml`` URLs, as its clients expect).
"""

from __future__ import annotations

import logging
import sys
from html import escape

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("kanal.outage")

# Long enough for a PostgreSQL restart or a failover; short enough that a client retries.
RETRY_AFTER_SECONDS = 30
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_outage(exc: BaseException | None) -> bool:
    """True for the database errors that mean "not reachable now" (not a bug in a query)."""
    return isinstance(exc, OUTAGE_ERRORS)


def outage_response(request) -> HttpResponse:
    """The 503 for ``request``: JSON for the APIs, Open311 XML for .xml, else a plain page."""
    path = request.path
    if path.startswith("/open311/"):
        message = "The service is temporarily unavailable. Try again shortly."
        if path.endswith(".xml"):
            body = (
                '<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>503</code>'
                f"<description>{escape(message)}</description></error></errors>"
            )
            response = HttpResponse(body, status=503, content_type="text/xml; charset=utf-8")
        else:
            response = JsonResponse([{"code": 503, "description": message}], status=503, safe=False)
    elif path.startswith("/api/"):
        response = JsonResponse(
            {
                "code": "unavailable",
                "detail": "The database is not reachable. Try again shortly.",
                "errors": [],
            },
            status=503,
        )
    else:
        title = _("Kanal is briefly unavailable")
        text = _(
            "We cannot reach our database right now. Your data is safe. "
            "Try again in a minute; if you were sending a report, send it again."
        )
        body = (
            f'<!doctype html><html lang="{escape(getattr(request, "LANGUAGE_CODE", "id"))}">'
            '<head><meta charset="utf-8"><meta name="viewport" '
            'content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
            f"<p>{escape(text)}</p></main></body></html>"
        )
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """A view that fails because the database is unreachable answers 503, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            logger.warning("Database unreachable for %s: %s", request.path, exception)
            return outage_response(request)
        return None


def server_error(request, template_name="500.html"):
    """``handler500``: 503 when the uncaught exception was a database outage."""
    if is_outage(sys.exc_info()[1]):
        return outage_response(request)
    return django_server_error(request, template_name=template_name)
