"""Background work: process stored events, poll mailboxes and LAPOR!, sweeps.

Replies and notices are sent by the one outbox (kanal.outbox.tasks).

Every task takes ids, is safe to run twice, and calls actions for its writes. Network
calls (media downloads, sends) happen outside the actions' transactions.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from kanal.core.tasks import PRIORITY_INTAKE

from . import actions, queries
from .adapters import ProviderError, for_provider
from .models import EventStatus, InboundEvent

log = logging.getLogger(__name__)


def _download_media(adapter, items) -> dict[str, actions.Fetched]:
    """Fetch every file of every message now: provider media URLs expire within minutes.

    A temporary failure raises (the event is retried); a file the provider no longer
    has is skipped, so the message itself is not lost.
    """
    fetched: dict[str, actions.Fetched] = {}
    for item in items:
        for ref in item.media:
            try:
                got = adapter.download(ref)
            except ProviderError as exc:
                if exc.temporary:
                    raise
                log.warning("media %s not fetched: %s", ref.ref, exc)
                continue
            fetched[ref.ref] = actions.Fetched(got.name, got.content, got.content_type)
    return fetched


def process_event(event_id: int) -> str:
    """Normalise, download media and apply one stored event; record a failure if any."""
    event = InboundEvent.objects.get(pk=event_id)
    if event.status == EventStatus.PROCESSED:
        return event.status
    try:
        items = _items_of(event)
        if event.provider == "email":
            items, fetched = _split_email_attachments(items)
        elif event.is_probe:
            fetched = {}
        else:
            fetched = _download_media(for_provider(event.provider), items)
        event = actions.apply_inbound_event(event_id, items, fetched)
    except Exception as exc:  # any failure stays visible on the event, with its error
        log.exception("processing inbound event %s failed", event_id)
        event = actions.record_processing_failure(event_id, f"{type(exc).__name__}: {exc}")
    return event.status


def _items_of(event: InboundEvent):
    items = for_provider(event.provider).normalise(bytes(event.body))
    return [item for item in items if item.key[:255] == event.event_key]


def _split_email_attachments(items):
    """E-mail carries its files inside the body: nothing to download, just take them."""
    fetched, kept = {}, []
    for item in items:
        attachments = item.data.get("attachments", {})
        for ref in item.media:
            if ref.ref in attachments:
                fetched[ref.ref] = actions.Fetched(ref.name, attachments[ref.ref], ref.content_type)
        data = {k: v for k, v in item.data.items() if k != "attachments"}
        kept.append(dataclasses.replace(item, data=data))
    return kept, fetched


@task(priority=PRIORITY_INTAKE, queue_name="intake")
def process_inbound_event(event_id: int) -> str:
    """Turn a stored delivery into messages and cases (see actions.apply_inbound_event).

    Claimed before default-priority work, so a message becomes a case within seconds
    even while an earlier burst's notices are still queued.
    """
    return process_event(event_id)


@task()
def sweep_inbound_events() -> int:
    """Periodic: re-queue events still pending after N minutes (their worker died)."""
    minutes = settings.KANAL_CHANNEL_SWEEP_MINUTES
    return actions.requeue_stale_events(timezone.now() - timedelta(minutes=minutes))


@task()
def check_channel_health() -> list[str]:
    """Periodic: raise an alert for each configured channel silent past its quiet period."""
    return actions.check_channel_silence()


@task()
def poll_email() -> int:
    """Periodic: store unseen IMAP messages raw (keyed by Message-ID), then mark them seen.

    A crash between storing and marking only fetches them again; the key dedupes.
    """
    if not queries.channel_setting("KANAL_IMAP_HOST"):
        return 0
    from .adapters import email

    fetched = email.fetch_unseen()
    for _uid, raw in fetched:
        actions.store_inbound_event(
            provider="email", keys=[email.message_key(raw)], headers={}, body=raw
        )
    email.mark_seen([uid for uid, _raw in fetched])
    return len(fetched)


@task()
def poll_lapor() -> int:
    """Periodic: pull new SP4N-LAPOR! reports and store each raw under its tracking id."""
    if not queries.channel_setting("KANAL_LAPOR_API_URL"):
        return 0
    from .adapters import lapor

    since = timezone.now() - timedelta(days=settings.KANAL_LAPOR_LOOKBACK_DAYS)
    reports = lapor.HttpLaporClient().fetch_new_reports(since)
    return import_lapor_reports(reports)


def import_lapor_reports(reports: list[dict]) -> int:
    """Store LAPOR! reports (from the API or an export file); returns how many were new."""
    from .adapters import lapor

    new = 0
    for report in reports:
        new += len(
            actions.store_inbound_event(
                provider="lapor",
                keys=[lapor.event_key(report)],
                headers={"source": report.get("source", "lapor")},
                body=lapor.record_body(report),
            )
        )
    return new
