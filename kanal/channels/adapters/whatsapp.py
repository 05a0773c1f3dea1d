"""WhatsApp Cloud API ("Hallo Wali Kota"): webhook payloads in, Graph API messages out.

channels.md §2: messages and statuses arrive under ``entry[].changes[].value`` with
``field == "messages"``; message ids are ``wamid.…``; statuses are keyed by id and
status; media arrive as ids to fetch with the bearer token (URLs expire in minutes).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings

from kanal.core import phones

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

if TYPE_CHECKING:
    import httpx  # imported where a call is made (kanal.core.http)

PROVIDER = "whatsapp"
CHANNEL = "whatsapp"
MEDIA_TYPES = ("image", "audio", "voice", "video", "document", "sticker")

# Graph error codes that mean "try later" (rate limits, temporary unavailability).
TEMPORARY_CODES = {1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056}


def graph_url() -> str:
    return setting("KANAL_GRAPH_URL", "https://graph.facebook.com/v21.0").rstrip("/")


def _stamp(value) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError):
        return None


def _message_item(message: dict, names: dict[str, str]) -> InboundItem:
    kind = message.get("type", "text")
    text, media, lat, lng, data = "", (), None, None, {}
    if kind == "text":
        text = message.get("text", {}).get("body", "")
    elif kind in MEDIA_TYPES:
        part = message.get(kind, {})
        text = part.get("caption", "")
        media = (
            MediaRef(
                ref=part.get("id", ""),
                content_type=part.get("mime_type", ""),
                name=part.get("filename", "") or f"{kind}-{message.get('id', '')[-12:]}",
            ),
        )
    elif kind == "location":
        loc = message.get("location", {})
        lat, lng = loc.get("latitude"), loc.get("longitude")
        text = " ".join(x for x in (loc.get("name", ""), loc.get("address", "")) if x)
        data = {"location": {"lat": lat, "lng": lng}}
    elif kind == "button":
        text = message.get("button", {}).get("text", "")
    elif kind == "interactive":
        reply = message.get("interactive", {})
        chosen = reply.get("button_reply") or reply.get("list_reply") or {}
        text = chosen.get("title", "")
    sender = message.get("from", "")
    return InboundItem(
        key=message.get("id", "") or item_digest(message),
        kind="message",
        channel=CHANNEL,
        contact_id=sender,
        contact_name=names.get(sender, ""),
        phone=phones.from_provider(sender),
        thread_key=sender,
        message_id=message.get("id", ""),
        message_kind="voice" if kind == "audio" and message.get("audio", {}).get("voice") else kind,
        text=text,
        sent_at=_stamp(message.get("timestamp")),
        lat=lat,
        lng=lng,
        media=media,
        data=data,
    )


def _status_item(status: dict) -> InboundItem:
    errors = status.get("errors") or []
    error = "; ".join(f"{e.get('code')}: {e.get('title', '')}" for e in errors)
    return InboundItem(
        key=f"{status.get('id', '')}:{status.get('status', '')}",
        kind="status",
        channel=CHANNEL,
        contact_id=status.get("recipient_id", ""),
        message_id=status.get("id", ""),
        status=status.get("status", ""),
        sent_at=_stamp(status.get("timestamp")),
        error=error,
        data={"reference": status.get("biz_opaque_callback_data", "")},
    )


def normalise(body: bytes) -> list[InboundItem]:
    """Every message and status in a WhatsApp webhook body (a batch may hold several)."""
    payload = json.loads(body)
    items: list[InboundItem] = []
    for entry in payload.get("entry", []):
        for change in entry.get("changes", []):
            value = change.get("value", {})
            if change.get("field") != "messages":
                items.append(
                    InboundItem(key=f"{change.get('field')}:{item_digest(change)}", kind="ignored")
                )
                continue
            names = {
                c.get("wa_id", ""): c.get("profile", {}).get("name", "")
                for c in value.get("contacts", [])
            }
            items += [_message_item(m, names) for m in value.get("messages", [])]
            items += [_status_item(s) for s in value.get("statuses", [])]
    return items


def keys(body: bytes) -> list[ItemKey]:
    """The (key, kind, message id) of each item :func:`normalise` gives, without building
    the items: what the webhook view needs to store the body (the task normalises it)."""
    out: list[ItemKey] = []
    for entry in json.loads(body).get("entry", []):
        for change in entry.get("changes", []):
            if change.get("field") != "messages":
                out.append((f"{change.get('field')}:{item_digest(change)}", "ignored", ""))
                continue
            value = change.get("value", {})
            for m in value.get("messages", []):
                out.append((m.get("id", "") or item_digest(m), "message", m.get("id", "")))
            for s in value.get("statuses", []):
                out.append((f"{s.get('id', '')}:{s.get('status', '')}", "status", s.get("id", "")))
    return out


# --- outbound ---------------------------------------------------------------------------------


def _headers() -> dict:
    return {"Authorization": f"Bearer {setting('KANAL_WHATSAPP_TOKEN')}"}


def _raise_graph_error(response: httpx.Response) -> None:
    if response.is_success:
        return
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    code = error.get("code", 0)
    temporary = is_temporary_status(response.status_code) or code in TEMPORARY_CODES
    raise ProviderError(
        f"Graph API {response.status_code} {code}: {error.get('message', response.text[:200])}",
        temporary=temporary,
        status=response.status_code,
        code=str(code),
    )


def template_body(reply: OutgoingReply) -> dict:
    """The approved template that starts a conversation (business-initiated, channels.md
    §2.3): ``KANAL_WHATSAPP_NOTICE_TEMPLATE`` (name and language), body variables {{1}}
    the tracking number and {{2}} the update itself."""
    template = settings.KANAL_WHATSAPP_NOTICE_TEMPLATE or {}
    text = " ".join(reply.text.split())[:1000]  # template variables take no newlines
    number = reply.reference_number or "-"
    return {
        "name": template.get("name", ""),
        "language": {"code": template.get("language", "id")},
        "components": [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": number}, {"type": "text", "text": text}],
            }
        ],
    }


def send(reply: OutgoingReply) -> str:
    """Send a text (or the notice template) and return the ``wamid`` Meta accepted."""
    # The recipient is the contact's wa_id (6281…); Meta wants "+" and the country code,
    # or it prepends the business number's own country code (channels.md, Cloud API).
    import httpx

    to = phones.from_provider(reply.recipient) or "+" + reply.recipient.lstrip("+")
    body: dict = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    if reply.mode == "template":
        body |= {"type": "template", "template": template_body(reply)}
    else:
        body |= {"type": "text", "text": {"preview_url": False, "body": reply.text[:4096]}}
    if reply.reference:
        body["biz_opaque_callback_data"] = reply.reference
    url = f"{graph_url()}/{setting('KANAL_WHATSAPP_PHONE_NUMBER_ID')}/messages"
    try:
        response = httpx.post(url, json=body, headers=_headers(), timeout=timeout())
    except httpx.HTTPError as exc:
        raise transport_error(exc) from exc
    _raise_graph_error(response)
    messages = response.json().get("messages") or [{}]
    return messages[0].get("id", "")


def download(media: MediaRef) -> Download:
    """Fetch a media id: ``GET /<id>`` gives a short-lived URL, fetched with the token."""
    import httpx

    try:
        meta = httpx.get(f"{graph_url()}/{media.ref}", headers=_headers(), timeout=timeout())
        _raise_graph_error(meta)
        info = meta.json()
        file = httpx.get(info["url"], headers=_headers(), timeout=timeout())
        _raise_graph_error(file)
    except httpx.HTTPError as exc:
        raise transport_error(exc) from exc
    content_type = info.get("mime_type") or media.content_type
    return Download(file.content, content_type, media.name)


def app_secret() -> str:
    """The app secret that signs WhatsApp webhooks (usually the same Meta app)."""
    return setting("KANAL_WHATSAPP_APP_SECRET", "") or setting("KANAL_META_APP_SECRET", "")
