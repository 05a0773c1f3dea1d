"""Refuse NUL characters in API input with the API's own 400, before any view runs.

PostgreSQL text cannot hold NUL (0x00); without this guard a stray NUL in a partner's
request reaches the database and answers 500 instead of a clear error.
"""

from __future__ import annotations

from django.http import JsonResponse

from .open311.render import errors as open311_errors

MESSAGE = "Text may not contain NUL (0x00) characters."


def _has_nul(request) -> bool:
    for values in (request.GET, request.POST):
        for key, items in values.lists():
            if "\x00" in key or any("\x00" in item for item in items):
                return True
    content_type = request.META.get("CONTENT_TYPE", "")
    return content_type.startswith("application/json") and (
        b"\x00" in request.body or b"\\u0000" in request.body
    )


class NullCharacterGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith(("/open311/", "/api/v1/")) and _has_nul(request):
            if path.startswith("/open311/"):
                fmt = "json" if path.endswith(".json") else "xml"
                return open311_errors(fmt, 400, MESSAGE)
            return JsonResponse(
                {"code": "bad_request", "detail": MESSAGE, "errors": []}, status=400
            )
        return self.get_response(request)
