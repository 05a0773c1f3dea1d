"""Writes of the outbox: record a message, claim its next route, record each result.

The send pattern (house rule 6): :func:`record_message` writes the message in the
caller's transaction and queues the task; the task calls :func:`next_step`, which
commits the attempt as ``sending`` *before* the provider is called; after the call,
:func:`record_sent` or :func:`record_failure` commits the result. A worker killed in
between leaves the attempt ``sending``: the next run waits
``KANAL_OUTBOX_RECONCILE_SECONDS`` for the provider's status callback (WhatsApp echoes
our reference, :func:`record_provider_status` then marks the attempt sent), and only
then sends again, on the same route with the same reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kanal import audit
from kanal.core.tasks import enqueue_on_commit

from . import queries, rules
from .models import AttemptState, DeliveryAttempt, MessageStatus, OutboxMessage

SEND_TASK = "kanal.outbox.tasks.send_message"


def _subject_of(message: OutboxMessage):
    """What the audit trail files the event under: the case, the request, or the message."""
    return message.complaint or message.information_request or message


@transaction.atomic
def record_message(
    *,
    kind: str,
    body: str,
    first_route: str,
    subject: str = "",
    complaint=None,
    information_request=None,
    conversation=None,
    channel_address: str = "",
    phone: str = "",
    email: str = "",
    reference_number: str = "",
    fallback: bool = True,
    attachment_name: str = "",
    attachment_path: str = "",
) -> OutboxMessage:
    """Record a message to one person and queue its sending once the caller commits.

    Call it inside the action that decided to send (the message and the task row
    commit, or roll back, with that action). ``first_route`` is the person's chosen
    channel; ``phone`` and ``email`` are their other contacts, tried in
    rules.FALLBACK_ORDER when ``fallback`` and the chosen channel cannot carry it.
    """
    message = OutboxMessage.objects.create(
        kind=kind,
        subject=subject[:200],
        body=body,
        first_route=first_route,
        complaint=complaint,
        information_request=information_request,
        conversation=conversation,
        channel_address=channel_address[:200],
        phone=phone[:30],
        email=email,
        reference_number=reference_number[:40],
        fallback=fallback,
        attachment_name=attachment_name[:200],
        attachment_path=attachment_path[:300],
        plan=rules.plan_for(first_route, fallback=fallback),
    )
    enqueue_on_commit(SEND_TASK, message.pk)
    return message


@dataclass(frozen=True)
class Step:
    """What the task does next: ``send`` (on ``route`` to ``address``), ``wait`` (until
    ``until``), ``done`` (settled earlier), or ``unreachable`` (every route failed)."""

    kind: str
    attempt_id: int = 0
    route: str = ""
    address: str = ""
    mode: str = "text"
    thread_key: str = ""
    until: datetime | None = None


def _skip(message: OutboxMessage, route: str, check, now) -> None:
    DeliveryAttempt.objects.create(
        message=message,
        route=route,
        address=check.address,
        state=AttemptState.SKIPPED,
        reason=check.reason,
        started_at=now,
        finished_at=now,
    )


def _send_step(attempt: DeliveryAttempt, check) -> Step:
    return Step(
        "send",
        attempt_id=attempt.pk,
        route=attempt.route,
        address=attempt.address,
        mode=check.mode,
        thread_key=check.thread_key,
    )


def _resume(message: OutboxMessage, attempt: DeliveryAttempt, now) -> Step | None:
    """Send again on an attempt left waiting (backoff) or sending (its worker died)."""
    if attempt.state == AttemptState.SENDING:
        reconcile = timedelta(seconds=settings.KANAL_OUTBOX_RECONCILE_SECONDS)
        if now < attempt.started_at + reconcile:
            return Step("wait", until=attempt.started_at + reconcile)
    check = queries.check_route(message, attempt.route, now)
    if check.reason:
        attempt.state, attempt.reason, attempt.finished_at = AttemptState.SKIPPED, check.reason, now
        attempt.save()
        message.route_index += 1
        return None
    attempt.state, attempt.tries, attempt.started_at = AttemptState.SENDING, attempt.tries + 1, now
    attempt.save()
    return _send_step(attempt, check)


@transaction.atomic
def next_step(message_id: int, now: datetime | None = None) -> Step:
    """Claim the message's next route and commit it as ``sending`` (see module doc).

    Routes that cannot carry the message now (no conversation, window closed, channel
    not configured, no such contact) are recorded as skipped attempts with the reason,
    never silently. When no route is left the message becomes ``unreachable``.

    Audited as ``outbox.unreachable`` when the last route is gone.
    """
    now = now or timezone.now()
    message = OutboxMessage.objects.select_for_update().get(pk=message_id)
    if message.status != MessageStatus.PENDING:
        return Step("done")
    if message.next_try_at and message.next_try_at > now:
        return Step("wait", until=message.next_try_at)
    message.next_try_at = None
    open_attempt = (
        message.attempts.filter(state__in=[AttemptState.SENDING, AttemptState.WAITING])
        .order_by("-pk")
        .first()
    )
    if open_attempt is not None:
        step = _resume(message, open_attempt, now)
        if step is not None:
            message.save()
            return step
    while message.route_index < len(message.plan):
        route = message.plan[message.route_index]
        check = queries.check_route(message, route, now)
        if check.reason:
            _skip(message, route, check, now)
            message.route_index += 1
            continue
        attempt = DeliveryAttempt.objects.create(
            message=message,
            route=route,
            address=check.address,
            state=AttemptState.SENDING,
            tries=1,
            started_at=now,
        )
        message.save()
        return _send_step(attempt, check)
    message.status = MessageStatus.UNREACHABLE
    message.save()
    audit.record(
        "outbox.unreachable",
        obj=_subject_of(message),
        actor_label="system",
        data={"message": message.pk, "kind": message.kind, "routes": message.plan},
    )
    return Step("unreachable")


def _lock_attempt(attempt_id: int) -> tuple[DeliveryAttempt, OutboxMessage]:
    attempt = DeliveryAttempt.objects.select_for_update().get(pk=attempt_id)
    message = OutboxMessage.objects.select_for_update().get(pk=attempt.message_id)
    return attempt, message


def _mark_sent(attempt: DeliveryAttempt, message: OutboxMessage, provider_id: str, now) -> None:
    attempt.state, attempt.finished_at = AttemptState.SENT, now
    attempt.reason = ""
    if provider_id:
        attempt.provider_message_id = provider_id[:255]
    attempt.save()
    reached = rules.message_status_for(attempt.provider_status)
    if message.status in (MessageStatus.PENDING, MessageStatus.UNREACHABLE):
        message.status = reached
    message.sent_at = message.sent_at or now
    message.next_try_at = None
    message.save()
    audit.record(
        "outbox.sent",
        obj=_subject_of(message),
        actor_label=f"outbox:{attempt.route}",
        data={"message": message.pk, "kind": message.kind, "route": attempt.route},
    )


@transaction.atomic
def record_sent(attempt_id: int, provider_message_id: str, now=None) -> DeliveryAttempt:
    """The provider accepted the attempt. A status callback may have said so already."""
    attempt, message = _lock_attempt(attempt_id)
    if attempt.state != AttemptState.SENT:
        _mark_sent(attempt, message, provider_message_id, now or timezone.now())
    return attempt


@transaction.atomic
def record_failure(attempt_id: int, error: str, *, temporary: bool, now=None) -> datetime | None:
    """The provider failed the attempt. Returns when to try this route again, or None
    when the task should go on to the next route at once.

    A temporary error is retried on the same route with backoff
    (``KANAL_OUTBOX_ROUTE_TRIES``, ``KANAL_OUTBOX_RETRY_SECONDS``); a refusal, or the
    last try, moves the message to its next route.

    Audited as ``outbox.attempt_failed``.
    """
    now = now or timezone.now()
    attempt, message = _lock_attempt(attempt_id)
    if attempt.state != AttemptState.SENDING:
        return None  # settled meanwhile (a callback, another run)
    attempt.detail = error[:2000]
    if temporary:
        delay = rules.retry_delay(
            attempt.tries,
            base_seconds=settings.KANAL_OUTBOX_RETRY_SECONDS,
            max_tries=settings.KANAL_OUTBOX_ROUTE_TRIES,
        )
        if delay is not None:
            attempt.state = AttemptState.WAITING
            attempt.save()
            message.next_try_at = now + delay
            message.save()
            return message.next_try_at
    attempt.state = AttemptState.FAILED
    attempt.reason = "gave_up" if temporary else "refused"
    attempt.finished_at = now
    attempt.save()
    message.route_index += 1
    message.save()
    audit.record(
        "outbox.attempt_failed",
        obj=_subject_of(message),
        actor_label=f"outbox:{attempt.route}",
        data={"message": message.pk, "route": attempt.route, "error": error[:200]},
    )
    return None


def _apply_status(attempt: DeliveryAttempt, status: str, error: str, now) -> int:
    """Raise one attempt's provider status; a late failure sends the message onward."""
    new = rules.merge_status(attempt.provider_status, status)
    if new == attempt.provider_status:
        return 0
    message = OutboxMessage.objects.select_for_update().get(pk=attempt.message_id)
    attempt.provider_status, attempt.status_at = new, now
    if attempt.state == AttemptState.SENDING and new != "failed":
        # The send's answer never reached us (worker killed): the provider's own report
        # shows it got through, so it is never sent twice.
        _mark_sent(attempt, message, "", now)
    if new in ("delivered", "read"):
        message.status = rules.raise_message_status(message.status, new)
        message.save()
    if new == "failed":
        attempt.state, attempt.reason = AttemptState.FAILED, "failed_later"
        attempt.detail = error[:2000] or attempt.detail
        attempt.finished_at = now
        others_reached = message.attempts.exclude(pk=attempt.pk).filter(
            state=AttemptState.SENT, provider_status__in=["", "sent", "delivered", "read"]
        )
        if not others_reached.exists() and attempt.route in message.plan:
            # Accepted, then not delivered (e.g. WhatsApp 131049): try the next route.
            message.status = MessageStatus.PENDING
            message.route_index = message.plan.index(attempt.route) + 1
            message.save()
            enqueue_on_commit(SEND_TASK, message.pk)
    attempt.save()
    return 1


@transaction.atomic
def record_provider_status(
    *, provider_message_id: str, status: str, error: str = "", reference: str = "", now=None
) -> int:
    """A provider's status callback (sent, delivered, read, failed) for a message we sent.

    Found by the provider's message id, or by our reference when the send's answer was
    lost (WhatsApp echoes ``biz_opaque_callback_data``). Never lowers a status.
    Returns how many attempts changed.
    """
    now = now or timezone.now()
    changed = 0
    attempts = []
    if provider_message_id:
        attempts = list(
            DeliveryAttempt.objects.select_for_update().filter(
                provider_message_id=provider_message_id
            )
        )
    if not attempts and reference:
        attempt_id = rules.attempt_id_from(reference)
        attempt = (
            DeliveryAttempt.objects.select_for_update()
            .filter(pk=attempt_id, provider_message_id__in=["", provider_message_id])
            .first()
            if attempt_id
            else None
        )
        if attempt is not None:
            attempt.provider_message_id = provider_message_id[:255]
            attempt.save(update_fields=["provider_message_id"])
            attempts = [attempt]
    for attempt in attempts:
        changed += _apply_status(attempt, status, error, now)
    return changed


@transaction.atomic
def record_status_until(*, route: str, address: str, until: datetime, status: str) -> int:
    """Messenger's watermark: everything sent to ``address`` before ``until`` has ``status``."""
    now = timezone.now()
    changed = 0
    for attempt in DeliveryAttempt.objects.select_for_update().filter(
        route=route, address=address, state=AttemptState.SENT, finished_at__lte=until
    ):
        changed += _apply_status(attempt, status, "", now)
    return changed


def requeue_stale(older_than: datetime) -> int:
    """Sweep: hand pending messages untouched since ``older_than`` to a worker again."""
    ids = queries.stale_pending(older_than)
    for pk in ids:
        enqueue_on_commit(SEND_TASK, pk)
    return len(ids)


def forget_recipients(messages, mask=None) -> int:
    """Privacy (UU 27/2022): erase who ``messages`` went to and mask their text.

    Called by kanal.privacy's retention and erasure actions, inside their transaction.
    ``mask`` turns a body into its masked form (None: empty it). Returns how many.
    """
    count = 0
    for message in messages:
        message.channel_address = message.phone = message.email = ""
        message.attachment_path = ""  # the file itself is deleted by the caller
        message.body = mask(message.body) if mask else ""
        message.save(
            update_fields=[
                "channel_address",
                "phone",
                "email",
                "attachment_path",
                "body",
                "updated_at",
            ]
        )
        message.attempts.update(address="", detail="", provider_message_id="")
        count += 1
    return count
