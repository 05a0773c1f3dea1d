"""The public report form as a page: its time stamp, the device cookie, the cached blank form.

The blank form is the same HTML for every visitor but for the CSRF token and the signed
time stamp: it is rendered once per process, language and version of the form's choice
lists (``queries.form_choice_rows``; a saved category or kelurahan makes a new version)
and only those two values are filled in per request. Rendering it costs ~20 ms of CPU
(some 400 <option>s through Django's widget templates); filling it in, microseconds.
A form shown again (an error, the nearby reports) is rendered in full as before.
"""

from __future__ import annotations

import secrets
import threading
import time

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from .. import queries
from ..forms import ReportForm

DEVICE_COOKIE = "kanal_device"
FORM_STAMP_SALT = "kanal.report-form"
# Stand-ins rendered into the cached page where the per-request values go (letters
# only: HTML escaping leaves them unchanged, and no form content can contain them).
_CSRF_MARK = "kanalCsrfTokenMarkQz"
_STAMP_MARK = "kanalFormStampMarkQz"
_pages: dict[str, tuple[str, str]] = {}  # language -> (choice-list version, HTML)
_pages_lock = threading.Lock()


def device(request) -> str:
    """This browser's device token (a signed random cookie), or "" when it has none."""
    return request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_COOKIE) or ""


def form_age(request) -> float | None:
    """Seconds since this form was shown (its signed stamp), or None without a valid one."""
    try:
        shown = signing.loads(
            request.POST.get("started", ""), salt=FORM_STAMP_SALT, max_age=24 * 3600
        )
    except signing.BadSignature:
        return None
    return time.time() - float(shown)


def _new_stamp() -> str:
    return signing.dumps(time.time(), salt=FORM_STAMP_SALT)


def _context(form, *, started: str, nearby=()) -> dict:
    return {
        "form": form,
        "nearby": nearby,
        "started": started,
        "map": {
            "tiles": settings.KANAL_MAP_TILE_URL,
            "attribution": settings.KANAL_MAP_TILE_ATTRIBUTION,
        },
    }


def _with_device_cookie(request, response):
    if not device(request):
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            salt=DEVICE_COOKIE,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def render_form(request, form, status=200, nearby=()):
    """The form page rendered in full (with what was typed, errors or nearby reports)."""
    # A form shown again (an error, the nearby reports) keeps its first stamp: the time
    # trap measures the person's time with the whole form.
    started = request.POST.get("started") if form_age(request) is not None else _new_stamp()
    response = render(
        request,
        "complaints/report.html",
        _context(form, started=started, nearby=nearby),
        status=status,
    )
    return _with_device_cookie(request, response)


def blank_form(request):
    """GET: the empty form, from the cached page when nothing on it is this visitor's own.

    Rendered in full when the URL has a query string or a message waits for this browser
    (both would show on the page). The CSRF token is the one ``{% csrf_token %}`` would
    have given (``get_token``: the same cookie is set), the stamp a fresh one.
    """
    if request.GET or len(messages.get_messages(request)):
        return render_form(request, ReportForm())
    language = get_language()
    version = queries.form_choice_rows()["version"]
    cached = _pages.get(language)
    if cached is None or cached[0] != version:
        html = render_to_string(
            "complaints/report.html",
            _context(ReportForm(), started=_STAMP_MARK) | {"csrf_token": _CSRF_MARK},
            request=request,
        )
        with _pages_lock:
            _pages[language] = (version, html)
    else:
        html = cached[1]
    html = html.replace(_CSRF_MARK, get_token(request)).replace(_STAMP_MARK, _new_stamp())
    return _with_device_cookie(request, HttpResponse(html))
