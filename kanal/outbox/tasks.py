"""Sending the outbox: one task per message walks its routes (see actions' module doc).

The provider is called between two commits, never inside a transaction: "mark sending,
commit, send, record the result". Safe to run twice: a settled message is left alone,
and an attempt found ``sending`` waits for reconciliation before it is sent again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

from kanal.channels.adapters import for_channel
from kanal.channels.adapters.base import OutgoingReply
from kanal.complaints import actions as complaints
from kanal.core.http import ProviderError

from . import actions, rules
from .models import OutboxMessage

log = logging.getLogger(__name__)

MAX_STEPS = 12  # routes in a plan are few; a bound keeps a bug from looping for ever


def _attachments(message: OutboxMessage) -> tuple:
    if not message.attachment_path:
        return ()
    try:
        with default_storage.open(message.attachment_path, "rb") as fh:
            return ((message.attachment_name or "lampiran.pdf", fh.read(), "application/pdf"),)
    except OSError as exc:  # deleted (retention): not worth retrying on this route
        raise ProviderError(f"attachment {message.attachment_name}: {exc}") from exc


def send_on_route(message: OutboxMessage, step: actions.Step) -> str:
    """Call the route's provider; returns the provider's message id (ProviderError if not)."""
    channel = "whatsapp" if step.route == "whatsapp_template" else step.route
    adapter = for_channel(channel)
    if adapter is None:
        raise ProviderError(f"no adapter for {step.route}", temporary=False)
    reply = OutgoingReply(
        recipient=step.address,
        text=message.body,
        mode=step.mode,
        thread_key=step.thread_key,
        reference=rules.reference_for(step.attempt_id),
        reference_number=message.reference_number,
        subject=message.subject,
        attachments=_attachments(message) if step.route == "email" else (),
    )
    return adapter.send(channel, reply)


def deliver(message_id: int) -> str:
    """Walk the message's routes until one accepts it, a retry waits, or none is left."""
    for _ in range(MAX_STEPS):
        step = actions.next_step(message_id)
        if step.kind == "done":
            return "done"
        if step.kind == "wait":
            send_message.using(run_after=step.until).enqueue(message_id)
            return "waiting"
        if step.kind == "unreachable":
            _tell_staff_unreachable(message_id)
            return "unreachable"
        message = OutboxMessage.objects.get(pk=message_id)
        try:
            provider_id = send_on_route(message, step)
        except ProviderError as exc:
            retry_at = actions.record_failure(step.attempt_id, str(exc), temporary=exc.temporary)
            if retry_at is not None:
                send_message.using(run_after=retry_at).enqueue(message_id)
                return "retrying"
            continue  # the next route, at once
        actions.record_sent(step.attempt_id, provider_id)
        return f"sent:{step.route}"
    log.error("outbox message %s: more steps than routes", message_id)
    return "stopped"


def _tell_staff_unreachable(message_id: int) -> None:
    """Nothing reached the person: the case's operators get a notification (once)."""
    message = OutboxMessage.objects.select_related("complaint").get(pk=message_id)
    if message.complaint_id and message.kind not in rules.NOT_TO_REPORTER:
        complaints.report_unreachable_reporter(case=message.complaint)


@task(queue_name="notices")
def send_message(message_id: int) -> str:
    """Send one outbox message (see deliver)."""
    return deliver(message_id)


@task()
def sweep_outbox() -> int:
    """Periodic: re-queue messages left pending by a worker that died."""
    return actions.requeue_stale(timezone.now() - timedelta(minutes=30))
