"""The REST API at /api/v1: a staff member's token, the console's scoping, one error shape."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger, _csrf_needed
from ninja.security import HttpBearer

from kanal.complaints.rules import TransitionRefused
from kanal.core import ratelimit
from kanal.core.outage import outage_response

from .. import queries
from . import cases, reference
from .schemas import ERROR_DESCRIPTIONS


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


# NullCharacterGuard answers 400 to any NUL in a request; the schema says so for every
# string, so that a client (or schemathesis) knows such a string is not valid input.
NO_NUL = "^[^\\u0000]*$"


def _forbid_nul(node) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and not ({"pattern", "enum", "format"} & set(node)):
            node["pattern"] = NO_NUL
        for value in node.values():
            _forbid_nul(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_nul(value)


class LocalSwagger(Swagger):
    """ninja's Swagger UI from its own template and static files, never from a CDN.

    ninja picks its local template only when "ninja" is an installed app; Kanal lists
    its template and static folders in the settings instead (kanal.settings,
    ``_NINJA``), so processes that never serve the API do not import it at setup."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


class KanalAPI(NinjaAPI):
    """Ninja with readable operationIds and every error status explained in the schema."""

    def get_openapi_operation_id(self, operation) -> str:
        # listCases, not kanal_api_rest_cases_list_cases: what a generated client calls.
        first, *rest = operation.view_func.__name__.split("_")
        return first + "".join(word.capitalize() for word in rest)

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        _forbid_nul(schema)
        retry_after = {
            "Retry-After": {
                "description": "Seconds to wait before retrying.",
                "schema": {"type": "integer"},
            }
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation["responses"].items():
                    if (text := ERROR_DESCRIPTIONS.get(int(status))) is not None:
                        response["description"] = text
                    if int(status) in (429, 503):
                        response["headers"] = retry_after
        return schema


api = KanalAPI(
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
    docs=LocalSwagger(),
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


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unreachable(request, exc):
    # Ninja would hand this to Django as a 500; an outage is a 503 the client may retry.
    return outage_response(request)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    codes = {
        400: "bad_request",
        404: "not_found",
        409: "conflict",
        422: "invalid",
        429: "rate_limited",
    }
    response = _error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))
    if exc.status_code == 429:
        response["Retry-After"] = "60"
    return response


api.add_router("/cases", cases.router)
api.add_router("", reference.router)
