"""Webhook endpoints (verify, store raw, 200) and the staff channel-health page."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kanal.accounts.decorators import staff_required

from . import actions, queries, rules
from .adapters import for_provider
from .adapters.base import probe_body, raw_key
from .adapters.checks import check_connection
from .models import InboundEvent, Provider

log = logging.getLogger(__name__)


def _webhook_body(request) -> bytes | None:
    """The delivery's raw bytes, or None when they cannot be known to be complete.

    Without Content-Length (``Transfer-Encoding: chunked``) Django reads nothing; when
    the server has de-chunked the body and says so (``wsgi.input_terminated``, as
    gunicorn does) the stream is read to its end instead, up to the upload limit.
    """
    if request.META.get("CONTENT_LENGTH") not in (None, ""):
        return request.body
    if not request.META.get("wsgi.input_terminated"):
        return None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = request.META["wsgi.input"].read(limit + 1)
    return None if len(body) > limit else body


def _receive(request, provider: str) -> HttpResponse:
    """Refuse what cannot be stored whole, verify on the raw bytes, store under the
    body's item keys (the task parses it into items), answer 200."""
    adapter = for_provider(provider)
    body = _webhook_body(request)
    refusal = rules.body_refusal(
        request.META.get("CONTENT_LENGTH"),
        bool(request.META.get("wsgi.input_terminated")),
        None if body is None else len(body),
    )
    if refusal:
        # 400 before anything is stored or acknowledged: the provider sends it again.
        log.warning("%s webhook refused: %s", provider, refusal)
        return HttpResponseBadRequest(refusal, content_type="text/plain")
    ok, reason = adapter.verify(request.headers, body, timezone.now())
    if not ok and queries.drop_process_copy():
        # Checked against this process's copy of the saved credentials (up to a second
        # old): a secret saved meanwhile in another process must count, so check again.
        ok, reason = adapter.verify(request.headers, body, timezone.now())
    if not ok:
        actions.record_signature_failure(provider, reason)
        log.warning("%s webhook rejected: %s", provider, reason)
        status = 401 if reason == "missing" else 403
        return HttpResponse(status=status)
    # Only the keys: the task parses the body into items (adapter.normalise).
    try:
        item_keys = adapter.keys(body)
    except (ValueError, TypeError, AttributeError, KeyError):
        item_keys = []  # kept under the body's digest; processing will record the error
    actions.store_inbound_event(
        provider=provider,
        keys=[key for key, _kind, _id in item_keys] or [raw_key(body)],
        headers=dict(request.headers),
        body=body,
        is_probe=probe_body(item_keys),
    )
    return HttpResponse("ok")


def _meta_handshake(request, provider: str) -> HttpResponse:
    """``hub.mode=subscribe`` with our verify token: echo ``hub.challenge``."""
    expected = queries.channel_setting("KANAL_META_VERIFY_TOKEN", provider)
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
        return _meta_handshake(request, "whatsapp")
    return _receive(request, "whatsapp")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_webhook(request):
    if request.method == "GET":
        return _meta_handshake(request, "meta")
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


# The views kanal.wsgi sends webhook POSTs to without the middleware they do not need.
WEBHOOK_VIEWS = {
    "whatsapp": whatsapp_webhook,
    "meta": meta_webhook,
    "telegram": telegram_webhook,
    "tiktok": tiktok_webhook,
    "sms": sms_webhook,
}


# --- staff ----------------------------------------------------------------------------------


@staff_required
def health(request):
    queries.access_channel_health(request.user)
    can_configure = True
    try:
        queries.access_channel_settings(request.user)
    except PermissionDenied:
        can_configure = False
    return render(
        request,
        "channels/health.html",
        {
            "rows": queries.channel_health(),
            "failed": queries.failed_events(),
            "can_configure": can_configure,
        },
    )


WEBHOOK_URLS = {
    "whatsapp": "channels:webhook_whatsapp",
    "meta": "channels:webhook_meta",
    "telegram": "channels:webhook_telegram",
    "tiktok": "channels:webhook_tiktok",
    "sms": "channels:webhook_sms",
}


@staff_required
def channel_settings(request, provider: str):
    """An administrator's page for one channel: credentials, webhook address, a test.

    POST ``save`` stores what was typed (secrets encrypted, never shown again); POST
    ``test`` calls the provider's harmless endpoint with the credentials in use and
    says what happened.
    """
    queries.access_channel_settings(request.user)
    if provider not in rules.CHANNEL_FIELDS:
        raise Http404
    result = None
    if request.method == "POST" and "test" in request.POST:
        result = check_connection(provider)  # changes nothing: the page shows the answer
    elif request.method == "POST":
        names = [f.name for f in rules.CHANNEL_FIELDS[provider]]
        actions.save_channel_settings(
            actor=request.user,
            provider=provider,
            values={name: request.POST.get(name, "") for name in names},
        )
        messages.success(request, _("Saved. Secrets are stored encrypted and not shown again."))
        return redirect("channels:settings", provider=provider)
    webhook = ""
    if provider in WEBHOOK_URLS:
        webhook = settings.KANAL_PUBLIC_BASE_URL.rstrip("/") + reverse(WEBHOOK_URLS[provider])
    return render(
        request,
        "channels/settings.html",
        {
            "provider": provider,
            "label": Provider(provider).label,
            "fields": queries.channel_settings_for(provider),
            "webhook_url": webhook,
            "providers": Provider.choices,
            "result": result,
        },
    )


@staff_required
@require_POST
def retry_event(request, event_id: int):
    queries.access_channel_health(request.user)
    get_object_or_404(InboundEvent.objects.defer("body"), pk=event_id)
    event = actions.retry_inbound_event(actor=request.user, event_id=event_id)
    messages.success(request, _("Event %(key)s is queued again.") % {"key": event.event_key})
    return redirect("channels:health")
