"""Probes for load balancers and monitoring: /healthz, /readyz and /metrics.

- ``/healthz``: the process answers (no database, no cache): 200 "ok".
- ``/readyz``: the database and the cache answer: 200 with each check's result, else
  503, so a load balancer stops sending requests to a node that cannot serve them.
- ``/metrics``: Prometheus text format. Off unless ``KANAL_METRICS_TOKEN`` (sent as
  ``Authorization: Bearer <token>``) or ``KANAL_METRICS_ALLOWED_IPS`` is set; the
  values are read when scraped (see :mod:`kanal.core.metrics`).

They are answered by ``ProbeMiddleware`` before host validation, HTTPS redirects,
sessions and language: a balancer probes a node by its address over plain HTTP.
"""

from __future__ import annotations

import hmac
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse

from . import ratelimit


def healthz(request) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key, value = f"readyz:{uuid.uuid4().hex}", "1"
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was stored")
    finally:
        cache.delete(key)


def readyz(request) -> JsonResponse:
    checks, ready = {}, True
    for name, check in (("database", _check_database), ("cache", _check_cache)):
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # any failure means "not ready", with its reason
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
            ready = False
        else:
            checks[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    return JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)


def metrics_allowed(request) -> bool:
    token = settings.KANAL_METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    allowed = settings.KANAL_METRICS_ALLOWED_IPS
    return bool(allowed) and ratelimit.client_ip(request) in allowed


def metrics(request) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("Not found\n", status=404, content_type="text/plain")
    from .metrics import render

    body, content_type = render()
    return HttpResponse(body, content_type=content_type)


PROBES = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics}
