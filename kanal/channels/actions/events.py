"""Taking events in: store an authenticated delivery raw (one row per event key) and
queue its processing; count rejected deliveries; put failed or stale events back.

Processing the stored body into contacts, messages and cases is :mod:`.inbound`."""

from __future__ import annotations

import contextlib
import json

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from kanal import audit
from kanal.core.tasks import enqueue_on_commit, task_row_insert

from ..models import EventStatus, InboundEvent, SignatureFailure

SKIPPED_HEADERS = {"cookie", "authorization"}


def record_signature_failure(provider: str, reason: str) -> None:
    """Count a rejected delivery (per provider and day). Nothing of it is stored."""
    now = timezone.now()
    day = timezone.localdate(now)
    updated = SignatureFailure.objects.filter(provider=provider, day=day).update(
        count=F("count") + 1, last_at=now, last_reason=reason[:100]
    )
    if not updated:
        try:
            with transaction.atomic():
                SignatureFailure.objects.create(
                    provider=provider, day=day, count=1, last_at=now, last_reason=reason[:100]
                )
        except IntegrityError:  # another request created today's row first
            SignatureFailure.objects.filter(provider=provider, day=day).update(
                count=F("count") + 1, last_at=now
            )


PROCESS_TASK = "kanal.channels.tasks.process_inbound_event"


def _insert_new_event(
    provider: str, key: str, headers_json: str, body: bytes, now, probe: bool, task_row
):
    """Store the raw event unless (provider, key) is stored, and queue its processing;
    its id, or None if it was stored before.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING (PostgreSQL and SQLite 3.35+) instead
    of get_or_create's select, savepoint, insert and release: the acknowledgement is the
    hot path of every channel. With ``task_row`` (:func:`kanal.core.tasks.task_row_insert`,
    PostgreSQL and the database queue) the task row is written by the same statement, a
    data-modifying CTE: atomic without a transaction block, one round trip. Without it
    the task is enqueued in the caller's transaction.
    """
    table = connection.ops.quote_name(InboundEvent._meta.db_table)
    insert = (
        f"INSERT INTO {table} (provider, event_key, headers, body, received_at, is_probe, "  # noqa: S608 - table name from the model
        "status, attempts, error, outcome) VALUES (%s, %s, %s, %s, %s, %s, %s, 0, '', '') "
        "ON CONFLICT (provider, event_key) DO NOTHING RETURNING id"
    )
    params = [
        provider,
        key,
        headers_json,
        body,
        connection.ops.adapt_datetimefield_value(now),
        probe,
        EventStatus.PENDING,
    ]
    if task_row is not None:
        insert = f"WITH new_event AS ({insert}), queued AS ({task_row[0]}) SELECT id FROM new_event"  # noqa: S608 - names from the models
        params += task_row[1]
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        row = cursor.fetchone()
    if row is None:
        return None
    if task_row is None:
        enqueue_on_commit(PROCESS_TASK, row[0])
    return row[0]


def store_inbound_event(
    *, provider: str, keys: list[str], headers: dict, body: bytes, is_probe: bool = False
) -> list[int]:
    """Store an authenticated delivery raw, one row per event key; returns the new row ids.

    Keys already stored (a provider's retry) insert nothing. Each new row is queued for
    processing with it (so an acknowledged event is always queued): in one transaction,
    or for a single key on PostgreSQL in one statement that writes both.
    """
    now = timezone.now()
    kept_headers = {k: v for k, v in headers.items() if k.lower() not in SKIPPED_HEADERS}
    headers_json = json.dumps(kept_headers)
    unique = list(dict.fromkeys(keys))  # a body may repeat a key; keep the first
    task_row = task_row_insert(PROCESS_TASK, "new_event", "id")
    single = len(unique) == 1 and task_row is not None
    new_ids = []
    with contextlib.nullcontext() if single else transaction.atomic():
        for n, key in enumerate(unique):
            if n and task_row is not None:  # each task row has its own id
                task_row = task_row_insert(PROCESS_TASK, "new_event", "id")
            event_id = _insert_new_event(
                provider, key[:255], headers_json, body, now, is_probe, task_row
            )
            if event_id is not None:
                new_ids.append(event_id)
    return new_ids


@transaction.atomic
def record_processing_failure(event_id: int, error: str) -> InboundEvent:
    """Keep a failed event visible with its error; it stays until retried."""
    event = InboundEvent.objects.select_for_update().get(pk=event_id)
    if event.status == EventStatus.PROCESSED:
        return event
    event.status = EventStatus.FAILED
    event.attempts += 1
    event.error = error[:4000]
    event.save(update_fields=["status", "attempts", "error"])
    return event


@transaction.atomic
def retry_inbound_event(*, actor, event_id: int) -> InboundEvent:
    """Put a failed event back in the queue (from the console or the admin)."""
    event = InboundEvent.objects.select_for_update().get(pk=event_id)
    if event.status == EventStatus.PROCESSED:
        return event
    event.status = EventStatus.PENDING
    event.save(update_fields=["status"])
    audit.record(
        "channel.event_retried",
        actor=actor,
        obj=event,
        data={"provider": event.provider, "key": event.event_key},
    )
    enqueue_on_commit(PROCESS_TASK, event.pk)
    return event


def requeue_stale_events(older_than) -> int:
    """Sweep: re-queue pending events received before ``older_than`` (a worker died)."""
    ids = list(
        InboundEvent.objects.filter(
            status=EventStatus.PENDING, received_at__lt=older_than
        ).values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        enqueue_on_commit(PROCESS_TASK, pk)
    return len(ids)
