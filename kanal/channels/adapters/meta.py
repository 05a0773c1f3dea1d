"""Facebook Messenger, Instagram messaging and comments, and Facebook Page comments.

channels.md §1: one webhook for ``object == "page"`` (Messenger, feed) and
``object == "instagram"``; ``entry`` is an array that must be iterated; messaging
items may sit under ``messaging`` or ``standby``; echoes are our own messages;
``is_deleted`` marks an unsent Instagram message; feed comments come as
``changes[].field == "feed"`` with ``item == "comment"`` and ``verb == "add"``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ..rules import InboundItem, MediaRef
from .base import Download, OutgoingReply, item_digest, setting, timeout, transport_error
from .whatsapp import _raise_graph_error, graph_url

PROVIDER = "meta"
MEDIA_ATTACHMENTS = {"image", "video", "audio", "file", "reel", "ig_reel"}


def _stamp(value) -> datetime | None:
    """Meta timestamps are milliseconds (messaging) or seconds (feed), sometimes ISO text."""
    if isinstance(value, str) and not value.isdigit():
        try:
            return datetime.fromisoformat(value.replace("+0000", "+00:00"))
        except ValueError:
            return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(number / 1000 if number > 10**11 else number, tz=UTC)


def _messaging_item(channel: str, event: dict) -> InboundItem:
    sender = event.get("sender", {}).get("id", "")
    stamp = _stamp(event.get("timestamp"))
    message = event.get("message")
    if message is not None:
        mid = message.get("mid", "")
        if message.get("is_echo"):
            return InboundItem(key=f"echo:{mid}", kind="ignored", message_id=mid)
        if message.get("is_deleted"):
            return InboundItem(
                key=f"deleted:{mid}",
                kind="deleted",
                channel=channel,
                contact_id=sender,
                message_id=mid,
                sent_at=stamp,
            )
        media, kind, data = [], "text", {}
        for attachment in message.get("attachments", []):
            a_type, url = attachment.get("type", ""), attachment.get("payload", {}).get("url", "")
            if a_type == "story_mention":
                kind, data["story_url"] = "story_mention", url
            elif a_type in MEDIA_ATTACHMENTS and url:
                media.append(MediaRef(ref=url, name=f"{a_type}-{len(media) + 1}"))
                kind = a_type if kind == "text" else kind
            elif a_type in ("share", "fallback") and url:
                data.setdefault("links", []).append(url)
        story = (message.get("reply_to") or {}).get("story")
        if story:
            kind, data["story_url"], data["story_id"] = (
                "story_reply",
                story.get("url"),
                story.get("id"),
            )
        return InboundItem(
            key=mid or item_digest(event),
            kind="message",
            channel=channel,
            contact_id=sender,
            thread_key=sender,
            message_id=mid,
            message_kind=kind,
            text=message.get("text", ""),
            sent_at=stamp,
            media=tuple(media),
            data=data,
        )
    if "delivery" in event:
        delivery = event["delivery"]
        return InboundItem(
            key=f"delivery:{sender}:{delivery.get('watermark', '')}",
            kind="status",
            channel=channel,
            contact_id=sender,
            status="delivered",
            sent_at=stamp,
            data={"mids": delivery.get("mids", []), "watermark": delivery.get("watermark")},
        )
    if "read" in event:
        read = event["read"]
        return InboundItem(
            key=f"read:{sender}:{read.get('watermark') or read.get('mid', '')}",
            kind="status",
            channel=channel,
            contact_id=sender,
            status="read",
            sent_at=stamp,
            data={
                "watermark": read.get("watermark"),
                "mids": [read["mid"]] if read.get("mid") else [],
            },
        )
    return InboundItem(key=f"other:{item_digest(event)}", kind="ignored")


def _comment_item(channel: str, account_id: str, value: dict, entry_time) -> InboundItem:
    comment_id = value.get("comment_id") or value.get("id", "")
    sender = value.get("from", {})
    if sender.get("id") == account_id:
        return InboundItem(key=f"comment:{comment_id}", kind="ignored")  # our own comment
    post = value.get("post_id") or value.get("media", {}).get("id", "")
    return InboundItem(
        key=f"comment:{comment_id}",
        kind="message",
        channel=channel,
        contact_id=sender.get("id", ""),
        contact_name=sender.get("name") or sender.get("username", ""),
        thread_key=f"comment:{post}:{sender.get('id', '')}",
        message_id=comment_id,
        message_kind="comment",
        text=value.get("message") or value.get("text", ""),
        sent_at=_stamp(value.get("created_time") or entry_time),
        data={"comment_id": comment_id, "post_id": post},
    )


def normalise(body: bytes) -> list[InboundItem]:
    """Every item in a Messenger / Instagram / Page webhook body."""
    payload = json.loads(body)
    envelopes = payload if isinstance(payload, list) else [payload]  # IG docs show a list
    items: list[InboundItem] = []
    for envelope in envelopes:
        channel = "instagram" if envelope.get("object") == "instagram" else "facebook"
        for entry in envelope.get("entry", []):
            account_id = str(entry.get("id", ""))
            for event in entry.get("messaging", []) + entry.get("standby", []):
                items.append(_messaging_item(channel, event))
            changes = entry.get("changes", [])
            if "field" in entry:  # the IG comments example puts field/value on the entry
                changes = [*changes, {"field": entry["field"], "value": entry.get("value", {})}]
            for change in changes:
                value = change.get("value", {})
                is_comment = (
                    change.get("field") == "feed"
                    and value.get("item") == "comment"
                    and value.get("verb", "add") == "add"
                ) or change.get("field") == "comments"
                if is_comment:
                    items.append(_comment_item(channel, account_id, value, entry.get("time")))
                else:
                    items.append(InboundItem(key=f"change:{item_digest(change)}", kind="ignored"))
    return items


# --- outbound ---------------------------------------------------------------------------------


def _token(channel: str) -> str:
    if channel == "instagram":
        return setting("KANAL_INSTAGRAM_TOKEN", "") or setting("KANAL_META_PAGE_TOKEN", "")
    return setting("KANAL_META_PAGE_TOKEN", "")


def _account(channel: str) -> str:
    if channel == "instagram":
        return setting("KANAL_INSTAGRAM_ACCOUNT_ID", "") or "me"
    return setting("KANAL_META_PAGE_ID", "") or "me"


def _post(url: str, channel: str, body: dict) -> dict:
    import httpx

    headers = {"Authorization": f"Bearer {_token(channel)}"}
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=timeout())
    except httpx.HTTPError as exc:
        raise transport_error(exc) from exc
    _raise_graph_error(response)
    return response.json()


def send(channel: str, reply: OutgoingReply) -> str:
    """Send API for a DM; a reply comment for a comment thread. Returns the provider id.

    ``mode == "human_agent"`` sends with the HUMAN_AGENT tag (7 days after the citizen's
    last message); otherwise a RESPONSE within the 24-hour window.
    """
    if reply.thread_key.startswith("comment:"):
        comment_id = reply.recipient
        edge = "replies" if channel == "instagram" else "comments"
        data = _post(f"{graph_url()}/{comment_id}/{edge}", channel, {"message": reply.text})
        return data.get("id", "")
    body: dict = {"recipient": {"id": reply.recipient}, "message": {"text": reply.text[:2000]}}
    if reply.mode == "human_agent":
        body |= {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
    else:
        body["messaging_type"] = "RESPONSE"
    data = _post(f"{graph_url()}/{_account(channel)}/messages", channel, body)
    return data.get("message_id", "")


def download(media: MediaRef) -> Download:
    """Attachment URLs are signed CDN links that expire: fetch them at once."""
    import httpx

    try:
        response = httpx.get(media.ref, timeout=timeout(), follow_redirects=True)
    except httpx.HTTPError as exc:
        raise transport_error(exc) from exc
    _raise_graph_error(response)
    content_type = response.headers.get("content-type", "").split(";")[0]
    return Download(response.content, content_type, media.name)
