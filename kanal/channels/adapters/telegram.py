"""Telegram bot: one Update per webhook POST (keyed by ``update_id``), Bot API out.

channels.md §4: the webhook carries ``X-Telegram-Bot-Api-Secret-Token``; at most one
of ``message``, ``edited_message``, ``callback_query``… per Update; no reply window.
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
    is_temporary_status,
    setting,
    timeout,
    transport_error,
)

PROVIDER = "telegram"
CHANNEL = "telegram"


def api_url() -> str:
    return setting("KANAL_TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")


def keys(body: bytes) -> list[ItemKey]:
    """(key, kind, message id) of what :func:`normalise` gives, without building it."""
    update = json.loads(body)
    key = f"update:{update.get('update_id')}"
    message = update.get("message") or update.get("edited_message")
    if not message:
        return [(key, "ignored", "")]
    message_id = f"{message.get('chat', {}).get('id')}:{message.get('message_id')}"
    return [(key, "message", message_id + (":edit" if update.get("edited_message") else ""))]


def normalise(body: bytes) -> list[InboundItem]:
    update = json.loads(body)
    key = f"update:{update.get('update_id')}"
    message = update.get("message") or update.get("edited_message")
    if not message:
        return [InboundItem(key=key, kind="ignored")]
    sender, chat = message.get("from", {}), message.get("chat", {})
    name = " ".join(x for x in (sender.get("first_name"), sender.get("last_name")) if x)
    text = message.get("text") or message.get("caption", "")
    kind, media, lat, lng, data = "text", [], None, None, {}
    if message.get("photo"):
        largest = max(message["photo"], key=lambda p: p.get("file_size", 0) or p.get("width", 0))
        kind = "image"
        media.append(MediaRef(ref=largest["file_id"], content_type="image/jpeg", name="photo.jpg"))
    for part in ("document", "voice", "audio", "video"):
        if message.get(part):
            kind = part
            file = message[part]
            media.append(
                MediaRef(
                    ref=file["file_id"],
                    content_type=file.get("mime_type", ""),
                    name=file.get("file_name", f"{part}"),
                )
            )
    if message.get("location"):
        kind = "location"
        lat, lng = message["location"].get("latitude"), message["location"].get("longitude")
        data["location"] = {"lat": lat, "lng": lng}
    phone = phones.from_provider(message.get("contact", {}).get("phone_number", ""))
    message_id = f"{chat.get('id')}:{message.get('message_id')}"
    if update.get("edited_message"):
        message_id += ":edit"
    return [
        InboundItem(
            key=key,
            kind="message",
            channel=CHANNEL,
            contact_id=str(sender.get("id", "")),
            contact_name=name or sender.get("username", ""),
            phone=phone,
            thread_key=str(chat.get("id", "")),
            message_id=message_id,
            message_kind=kind,
            text=text,
            sent_at=datetime.fromtimestamp(message.get("date", 0), tz=UTC),
            lat=lat,
            lng=lng,
            media=tuple(media),
            data=data,
        )
    ]


def _call(method: str, body: dict) -> dict:
    import httpx

    url = f"{api_url()}/bot{setting('KANAL_TELEGRAM_BOT_TOKEN')}/{method}"
    try:
        response = httpx.post(url, json=body, timeout=timeout())
    except httpx.HTTPError as exc:
        raise transport_error(exc) from exc
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.is_success and data.get("ok"):
        return data.get("result", {})
    code = data.get("error_code", response.status_code)
    raise ProviderError(
        f"Telegram {code}: {data.get('description', response.text[:200])}",
        temporary=is_temporary_status(code),
        status=response.status_code,
        code=str(code),
    )


def send(reply: OutgoingReply) -> str:
    """``sendMessage`` to the chat; returns ``<chat>:<message_id>``."""
    result = _call(
        "sendMessage", {"chat_id": reply.thread_key or reply.recipient, "text": reply.text[:4096]}
    )
    return f"{result.get('chat', {}).get('id', '')}:{result.get('message_id', '')}"


def download(media: MediaRef) -> Download:
    """``getFile`` then the file URL (valid for at least an hour, per the Bot API)."""
    import httpx

    info = _call("getFile", {"file_id": media.ref})
    url = f"{api_url()}/file/bot{setting('KANAL_TELEGRAM_BOT_TOKEN')}/{info['file_path']}"
    try:
        response = httpx.get(url, timeout=timeout())
    except httpx.HTTPError as exc:
        raise transport_error(exc) from exc
    if not response.is_success:
        raise ProviderError(
            f"Telegram file {response.status_code}",
            temporary=response.status_code >= 500,
            status=response.status_code,
        )
    return Download(response.content, media.content_type, media.name)
