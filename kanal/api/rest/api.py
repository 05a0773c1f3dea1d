"""The REST API at /api/v1: a staff member's token, the console's scoping, one error shape."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from kanal.complaints.rules import TransitionRefused
from kanal.core import ratelimit

from .. import queries
from . import cases, reference


class StaffToken(HttpBearer):
    """``Authorization: Bearer <token>``; the request then acts as the token's owner."""

    def authenticate(self, request, token):
        """A staff token, with limits: failed guesses per address, calls per token."""
        ip = ratelimit.client_ip(request)
        if not ratelimit.peek("api-token-fail", ip, limit=20, window=900).allowed:
            raise HttpError(429, "Too many failed token attempts. Try again in 15 minutes.")
        row = queries.token_for(token)
        if row is None:
            ratelimit.hit("api-token-fail", ip, limit=20, window=900)
            return None
        per_minute = settings.KANAL_API_CALLS_PER_MINUTE
        if not ratelimit.hit("api-token", str(row.pk), limit=per_minute, window=60).allowed:
            raise HttpError(429, "Too many requests for this token. Slow down.")
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="Kanal API",
    version="1",
    description=(
        "Cases, units, categories and wilayah of Kanal for staff tools and integrations. "
        "Authenticate with a personal API token (Authorization: Bearer …); every call sees "
        "what the token's owner sees in the console. POSTs that create something accept an "
        "Idempotency-Key header: a retry with the same key returns the first result."
    ),
    auth=StaffToken(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, code: str, detail: str, errors=()):
    return api.create_response(
        request, {"code": code, "detail": detail, "errors": list(errors)}, status=status
    )


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return _error(request, 422, "invalid", "The request has invalid fields.", errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", "A valid API token is required.")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "forbidden", "Your roles do not allow this.")


@api.exception_handler(TransitionRefused)
def _refused(request, exc):
    return _error(request, 409, "refused", str(exc) or "This step is not possible now.")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    codes = {
        400: "bad_request",
        404: "not_found",
        409: "conflict",
        422: "invalid",
        429: "rate_limited",
    }
    return _error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


api.add_router("/cases", cases.router)
api.add_router("", reference.router)
