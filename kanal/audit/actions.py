"""Writing audit events: append one event to the hash chain in the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent
from .rules import event_hash

# Key for pg_advisory_xact_lock: any fixed 64-bit number unique to this use ("KANALAUD").
CHAIN_LOCK_KEY = 0x4B414E414C415544


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the caller's transaction ends.

    Two transactions writing events at once would otherwise both chain onto the same
    previous event and fork the chain. On PostgreSQL an advisory transaction lock
    serialises writers (it also covers the very first insert of the head row) and the
    row is read FOR UPDATE; SQLite allows one writer at a time anyway (the settings use
    IMMEDIATE transactions).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        last = AuditEvent.objects.order_by("-id").only("id", "hash").first()
        head = AuditChainHead.objects.create(
            pk=1,
            last_event_id=last.id if last else None,
            last_hash=last.hash if last else AuditChainHead._meta.get_field("last_hash").default,
        )
    return head


@transaction.atomic
def record_event(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Write an audit event for ``action`` (a code such as ``complaint.submitted``).

    Runs in the caller's transaction, so the event exists exactly when the change it
    describes does. ``actor`` is a user or None (then ``actor_label`` says who acted:
    "system", "citizen", a channel). ``data`` must be JSON-serialisable after Django's
    encoder (dates, decimals and UUIDs are converted). The event is chained to the
    previous one (``prev_hash``/``hash``); the chain head stays locked until commit.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    head = _locked_head()
    fields = {
        "created_at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": (actor_label or (actor.get_username() if actor else "system"))[:100],
        "action": action,
        "content_type_id": ContentType.objects.get_for_model(obj).pk if obj is not None else None,
        "object_id": str(obj.pk) if obj is not None else "",
        "object_repr": str(obj)[:200] if obj is not None else "",
        "data": _jsonable(data),
    }
    digest = event_hash(head.last_hash, **fields)
    event = AuditEvent.objects.create(prev_hash=head.last_hash, hash=digest, **fields)
    AuditChainHead.objects.filter(pk=1).update(last_event_id=event.pk, last_hash=digest)
    return event
