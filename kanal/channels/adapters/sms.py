"""SMS through a configurable HTTP gateway (an SMS modem pool or an aggregator).

Kanal's gateway contract, since Indonesian aggregators differ:

* inbound: the gateway POSTs JSON to ``/webhooks/sms/`` with the header
  ``X-Kanal-Sms-Token: <KANAL_SMS_GATEWAY_SECRET>``; a message is
  ``{"id": "...", "from": "+62…", "text": "...", "received_at": <unix seconds>}``;
  a delivery report is ``{"type": "status", "id": "<our provider id>", "status":
  "sent|delivered|failed", "error": "..."}``.
* outbound: ``POST <KANAL_SMS_GATEWAY_URL>/messages`` with ``Authorization: Bearer
  <KANAL_SMS_GATEWAY_TOKEN>`` and ``{"to", "text", "reference"}`` → ``{"id": "..."}``;
  429 and 5xx are temporary, ``{"error": "..."}`` explains a refusal.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kanal.core import phones

from ..rules import InboundItem, MediaRef
from .base import (
    Download,
    ItemKey,
    OutgoingReply,
    ProviderError,
    item_digest,
    raise_for_http,
    setting,
    timeout,
    transport_error,
)

PROVIDER = "sms"
CHANNEL = "sms"


def keys(body: bytes) -> list[ItemKey]:
    """(key, kind, message id) of what :func:`normalise` gives, without building it."""
    payload = json.loads(body)
    if payload.get("type") == "status":
        key = f"status:{payload.get('id')}:{payload.get('status')}"
        return [(key, "status", str(payload.get("id", "")))]
    return [(str(payload.get("id") or item_digest(payload)), "message", str(payload.get("id", "")))]


def normalise(body: bytes) -> list[InboundItem]:
    payload = json.loads(body)
    if payload.get("type") == "status":
        return [
            InboundItem(
                key=f"status:{payload.get('id')}:{payload.get('status')}",
                kind="status",
                channel=CHANNEL,
                message_id=str(payload.get("id", "")),
                status=payload.get("status", ""),
                error=payload.get("error", ""),
            )
        ]
    phone = phones.from_provider(str(payload.get("from", "")))
    stamp = payload.get("received_at")
    return [
        InboundItem(
            key=str(payload.get("id") or item_digest(payload)),
            kind="message",
            channel=CHANNEL,
            contact_id=phone,
            phone=phone,
            thread_key=phone,
            message_id=str(payload.get("id", "")),
            text=payload.get("text", ""),
            sent_at=datetime.fromtimestamp(int(stamp), tz=UTC) if stamp else None,
        )
    ]


def send(reply: OutgoingReply) -> str:
    import httpx

    url = setting("KANAL_SMS_GATEWAY_URL").rstrip("/") + "/messages"
    headers = {"Authorization": f"Bearer {setting('KANAL_SMS_GATEWAY_TOKEN')}"}
    body = {"to": reply.recipient, "text": reply.text[:918], "reference": reply.reference}
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=timeout())
    except httpx.HTTPError as exc:
        raise transport_error(exc) from exc
    try:
        error = response.json().get("error", "")
    except ValueError:
        error = response.text[:200]
    raise_for_http(response, f"SMS gateway {response.status_code}: {error}")
    return str(response.json().get("id", ""))


def download(media: MediaRef) -> Download:
    raise ProviderError("SMS carries no media", temporary=False)
