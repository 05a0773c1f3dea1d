"""Webhook endpoints (verify, store raw, 200) and the staff channel-health page."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kanal.accounts.decorators import staff_required

from . import actions, queries
from .adapters import for_provider
from .adapters.base import is_probe, raw_key
from .models import InboundEvent

log = logging.getLogger(__name__)


def _receive(request, provider: str) -> HttpResponse:
    """Verify on the raw bytes, store one row per event key, answer 200 at once."""
    adapter = for_provider(provider)
    body = request.body
    ok, reason = adapter.verify(request.headers, body, timezone.now())
    if not ok:
        actions.record_signature_failure(provider, reason)
        log.warning("%s webhook rejected: %s", provider, reason)
        status = 401 if reason == "missing" else 403
        return HttpResponse(status=status)
    try:
        items = adapter.normalise(body)
    except (ValueError, TypeError, AttributeError, KeyError):
        items = []  # kept under the body's digest; processing will record the error
    keys = [item.key for item in items] or [raw_key(body)]
    probe = (
        bool(items)
        and all(is_probe(item) for item in items if item.kind == "message")
        and any(item.kind == "message" for item in items)
    )
    actions.store_inbound_event(
        provider=provider, keys=keys, headers=dict(request.headers), body=body, is_probe=probe
    )
    return HttpResponse("ok")


def _meta_handshake(request) -> HttpResponse:
    """``hub.mode=subscribe`` with our verify token: echo ``hub.challenge``."""
    expected = getattr(settings, "KANAL_META_VERIFY_TOKEN", "")
    token = request.GET.get("hub.verify_token", "")
    if (
        request.GET.get("hub.mode") == "subscribe"
        and expected
        and constant_time_compare(token, expected)
    ):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    return HttpResponseForbidden()


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request):
    if request.method == "GET":
        return _meta_handshake(request)
    return _receive(request, "whatsapp")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_webhook(request):
    if request.method == "GET":
        return _meta_handshake(request)
    return _receive(request, "meta")


@csrf_exempt
@require_POST
def telegram_webhook(request):
    return _receive(request, "telegram")


@csrf_exempt
@require_POST
def tiktok_webhook(request):
    return _receive(request, "tiktok")


@csrf_exempt
@require_POST
def sms_webhook(request):
    return _receive(request, "sms")


# --- staff ----------------------------------------------------------------------------------


@staff_required
def health(request):
    queries.access_channel_health(request.user)
    return render(
        request,
        "channels/health.html",
        {"rows": queries.channel_health(), "failed": queries.failed_events()},
    )


@staff_required
@require_POST
def retry_event(request, event_id: int):
    queries.access_channel_health(request.user)
    get_object_or_404(InboundEvent.objects.defer("body"), pk=event_id)
    event = actions.retry_inbound_event(actor=request.user, event_id=event_id)
    messages.success(request, _("Event %(key)s is queued again.") % {"key": event.event_key})
    return redirect("channels:health")
