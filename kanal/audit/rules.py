"""Pure rules of the audit chain: how an event's hash is computed."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def canonical_time(value: datetime) -> str:
    """The event time as UTC ISO 8601 with microseconds (the same on every database)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    prev_hash: str,
    *,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    content_type_id: int | None,
    object_id: str,
    object_repr: str,
    data: dict[str, Any],
) -> str:
    """SHA-256 over the previous event's hash and this event's content, as canonical JSON.

    Keys are sorted and the JSON has no insignificant whitespace, so the hash does not
    depend on how a database returns a JSON column.
    """
    body = json.dumps(
        [
            prev_hash,
            canonical_time(created_at),
            actor_id,
            actor_label,
            action,
            content_type_id,
            object_id,
            object_repr,
            data,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def hash_of(event) -> str:
    """The hash an event (any object with the AuditEvent fields) should carry."""
    return event_hash(
        event.prev_hash,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        content_type_id=event.content_type_id,
        object_id=event.object_id,
        object_repr=event.object_repr,
        data=event.data,
    )
