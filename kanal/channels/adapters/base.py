"""What every provider adapter offers: normalise inbound bytes, send a reply, fetch media.

Adapters are thin: a pure ``normalise(body)`` turning the provider's payload into
:class:`~kanal.channels.rules.InboundItem` objects, and a small httpx client with
timeouts. They never touch the database; tasks pass their results to actions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kanal.core.http import (  # noqa: F401  the one provider HTTP kit, re-exported
    ProviderError,
    is_temporary_status,
    raise_for_http,
    timeout,
    transport_error,
)

from ..queries import channel_setting
from ..rules import InboundItem, MediaRef

PROBE_PREFIX = "kanal-probe-"  # message ids of synthetic probe events (channel_probe)


def setting(name: str, default=""):
    """A credential or provider address, through the one resolver (environment first)."""
    value = channel_setting(name)
    return default if value in ("", None) else value


# What the webhook view needs of each item of a body: (key, kind, message id). Adapters
# give it through ``keys(body)`` without building the items; the task normalises.
ItemKey = tuple[str, str, str]


@dataclass(frozen=True)
class OutgoingReply:
    """What to send: the recipient on the channel, the text and how (text/template/tag)."""

    recipient: str
    text: str
    mode: str = "text"  # text, human_agent, template
    thread_key: str = ""
    reference: str = ""  # our outbox id, echoed back by providers that support it
    reference_number: str = ""  # the case's tracking number (e-mail subject tag)
    subject: str = ""  # e-mail only: the outbox message's subject
    attachments: tuple = ()  # e-mail only: (name, bytes, content type) triples


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    name: str


def raw_key(body: bytes) -> str:
    """The dedupe key of a body that could not be read: its digest (same bytes, same key)."""
    return "raw:" + hashlib.sha256(body).hexdigest()


def item_digest(data) -> str:
    """A stable key for a provider item without an id of its own."""
    import json

    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def is_probe(item: InboundItem) -> bool:
    return item.message_id.startswith(PROBE_PREFIX)


def keys_of(normalise):
    """A ``keys(body)`` for an adapter without its own: from the items (no saving)."""

    def keys(body: bytes) -> list[ItemKey]:
        return [(item.key, item.kind, item.message_id) for item in normalise(body)]

    return keys


def probe_body(keys: list[ItemKey]) -> bool:
    """A body whose messages are all synthetic probes (``channel_probe``), with one at least."""
    messages = [message_id for _key, kind, message_id in keys if kind == "message"]
    return bool(messages) and all(m.startswith(PROBE_PREFIX) for m in messages)


__all__ = [
    "Download",
    "InboundItem",
    "MediaRef",
    "OutgoingReply",
    "ProviderError",
    "raw_key",
]
