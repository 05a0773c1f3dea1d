"""Writing audit events: insert in the caller's transaction, chain them afterwards.

Why two steps: chaining an event in the action's own transaction means locking the
chain head until that transaction commits, which serialises every audited write in
the whole system through one lock (measured: at most ~75 case submissions a second on
the benchmark machine, however many web workers run). So an action only inserts its
event, unsealed; :func:`seal_pending` chains committed events in batches under the
lock, a few seconds later. The window in which an event is not yet covered by the
chain is bounded by the sealing interval, and ``verify_chain`` reports events that
stay unsealed longer than that.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent
from .rules import hash_of

# Key for pg_advisory_xact_lock: any fixed 64-bit number unique to this use ("KANALAUD").
CHAIN_LOCK_KEY = 0x4B414E414C415544
SEAL_BATCH = 2000


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


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
    encoder (dates, decimals and UUIDs are converted). The event is written unsealed and
    takes no lock; :func:`seal_pending` chains it once it has committed.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        created_at=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        actor_label=(actor_label or (actor.get_username() if actor else "system"))[:100],
        action=action,
        content_type_id=ContentType.objects.get_for_model(obj).pk if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=_jsonable(data),
    )
    gathering = _gathering.get()
    if gathering is not None:
        gathering.append(event)
    else:
        event.save(force_insert=True)
    return event


# The events recorded inside ``gathered()`` blocks of this thread or task, else None.
_gathering: ContextVar[list[AuditEvent] | None] = ContextVar("audit_gathering", default=None)


@contextmanager
def gathered() -> Iterator[None]:
    """Inside the block, events are inserted together when it ends (one INSERT for all,
    in the order they were recorded) instead of one by one; if the block raises, none is.

    Use it inside the transaction of the writes the events describe, for an action that
    records several events and does not need their ids before the block ends (an event
    has no ``pk`` until then). A block inside another adds to the outer one's events.
    """
    if _gathering.get() is not None:
        yield
        return
    events: list[AuditEvent] = []
    token = _gathering.set(events)
    try:
        yield
    finally:
        _gathering.reset(token)
    if events:
        # The one batch insert of the log: through the plain QuerySet, as the log's own
        # queryset refuses bulk_create to everyone else (events come only through here).
        models.QuerySet.bulk_create(AuditEvent.objects.all(), events)


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the sealer's transaction ends.

    Two sealers at once would otherwise chain onto the same previous event and fork the
    chain. On PostgreSQL an advisory transaction lock serialises them (it also covers
    the very first insert of the head row) and the row is read FOR UPDATE; SQLite
    allows one writer at a time anyway (the settings use IMMEDIATE transactions).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1)
    return head


def _seal_batch(limit: int) -> int:
    with transaction.atomic():
        head = _locked_head()
        # Committed events only (this transaction's snapshot), in insertion order. An
        # event with a smaller id that commits later is sealed in a later batch: the
        # chain's order is the order of sealing (seq), not of ids.
        pending = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:limit])
        if not pending:
            return 0
        previous, seq, rows = head.last_hash, head.last_seq, []
        for event in pending:
            seq += 1
            event.prev_hash = previous
            previous = hash_of(event)
            rows.append((seq, event.prev_hash, previous, event.pk))
        with connection.cursor() as cursor:
            # The one update the log allows (the PostgreSQL trigger checks it): set the
            # chain fields of an unsealed event, content unchanged.
            cursor.executemany(
                "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s AND seq IS NULL",
                rows,
            )
        AuditChainHead.objects.filter(pk=1).update(
            last_event_id=pending[-1].pk, last_hash=previous, last_seq=seq
        )
        return len(pending)


def seal_pending(batch: int = SEAL_BATCH) -> int:
    """Chain every committed unsealed event; returns how many were sealed.

    Safe to run concurrently and to kill at any point: each batch is one transaction
    under the chain lock, so a batch is sealed completely or not at all, and the next
    run continues from the head.
    """
    total = 0
    while True:
        sealed = _seal_batch(batch)
        total += sealed
        if sealed < batch:
            return total
