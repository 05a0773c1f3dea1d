"""TikTok Business Messaging: signed webhooks (``Tiktok-Signature``), Business API out.

channels.md §3.1: one event per POST; ``content`` is a JSON *string* parsed a second
time; ``im_receive_msg`` is a citizen's message, ``im_send_msg`` an echo of ours;
dedupe on ``content.message_id``; the API answers ``{"code": 0, "data": …}``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ..rules import InboundItem, MediaRef
from .base import (
    Download,
    ItemKey,
    OutgoingReply,
    ProviderError,
    is_temporary_status,
    item_digest,
    setting,
    timeout,
    transport_error,
)

PROVIDER = "tiktok"
CHANNEL = "tiktok"
TEMPORARY_CODES = {40100, 40016, 50000, 50002}  # rate limited / internal error


def api_url() -> str:
    return setting("KANAL_TIKTOK_BUSINESS_API_URL").rstrip("/")


def _read(body: bytes) -> tuple[dict, dict, str, str | None]:
    """The payload, its decoded content, the message id, and the item's key (None when
    it is a message to this business; else the key of the ignored event)."""
    payload = json.loads(body)
    content = payload.get("content") or "{}"
    content = json.loads(content) if isinstance(content, str) else content
    message_id = content.get("message_id", "")
    key = message_id or item_digest(payload)
    business = payload.get("user_openid", "")
    if payload.get("event") != "im_receive_msg" or (
        business and content.get("to_user", {}).get("id") not in (business, None)
    ):
        return payload, content, message_id, f"{payload.get('event', 'other')}:{key}"
    return payload, content, message_id, None


def keys(body: bytes) -> list[ItemKey]:
    """(key, kind, message id) of what :func:`normalise` gives, without building it."""
    payload, _content, message_id, ignored = _read(body)
    if ignored is not None:
        return [(ignored, "ignored", "")]
    return [(message_id or item_digest(payload), "message", message_id)]


def normalise(body: bytes) -> list[InboundItem]:
    payload, content, message_id, ignored = _read(body)
    if ignored is not None:
        return [InboundItem(key=ignored, kind="ignored")]
    key = message_id or item_digest(payload)
    business = payload.get("user_openid", "")
    kind = content.get("type", "text")
    text, media = "", ()
    if kind == "text":
        text = content.get("text", {}).get("body", "")
    elif kind == "image":
        media = (MediaRef(ref=content.get("image", {}).get("media_id", ""), name="image.jpg"),)
    elif kind == "share_post":
        text = content.get("share_post", {}).get("embed_url", "")
    stamp = content.get("timestamp") or 0
    return [
        InboundItem(
            key=key,
            kind="message",
            channel=CHANNEL,
            contact_id=str(content.get("from_user", {}).get("id", "")),
            contact_name=content.get("from", ""),
            thread_key=content.get("conversation_id", ""),
            message_id=message_id,
            message_kind=kind,
            text=text,
            sent_at=datetime.fromtimestamp(int(stamp) / 1000, tz=UTC) if stamp else None,
            media=media,
            data={"business_id": business, "conversation_id": content.get("conversation_id", "")},
        )
    ]


def _call(path: str, body: dict) -> dict:
    import httpx

    headers = {"Access-Token": setting("KANAL_TIKTOK_BUSINESS_TOKEN")}
    try:
        response = httpx.post(f"{api_url()}/{path}", json=body, headers=headers, timeout=timeout())
    except httpx.HTTPError as exc:
        raise transport_error(exc) from exc
    try:
        data = response.json()
    except ValueError:
        data = {"code": response.status_code, "message": response.text[:200]}
    code = data.get("code", 0)
    if response.is_success and code == 0:
        return data.get("data") or {}
    temporary = is_temporary_status(response.status_code) or code in TEMPORARY_CODES
    raise ProviderError(
        f"TikTok {code}: {data.get('message', '')}",
        temporary=temporary,
        status=response.status_code,
        code=str(code),
    )


def send(reply: OutgoingReply) -> str:
    """``business/message/send/`` to the conversation; returns TikTok's message id."""
    data = _call(
        "business/message/send/",
        {
            "business_id": setting("KANAL_TIKTOK_BUSINESS_ID"),
            "recipient_type": "CONVERSATION",
            "recipient": reply.thread_key or reply.recipient,
            "message_type": "TEXT",
            "text": {"body": reply.text[:6000]},
        },
    )
    return data.get("message", {}).get("message_id", "")


def download(media: MediaRef) -> Download:
    import httpx

    data = _call(
        "business/message/media/download/",
        {
            "business_id": setting("KANAL_TIKTOK_BUSINESS_ID"),
            "media_id": media.ref,
        },
    )
    try:
        response = httpx.get(data["download_url"], timeout=timeout())
    except httpx.HTTPError as exc:
        raise transport_error(exc) from exc
    if not response.is_success:
        raise ProviderError(
            f"TikTok media {response.status_code}",
            temporary=response.status_code >= 500,
            status=response.status_code,
        )
    return Download(response.content, response.headers.get("content-type", ""), media.name)
