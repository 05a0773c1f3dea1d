"""Reads of the outbox: whether a route can carry a message now, and the delivery panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from kanal.channels import queries as channels
from kanal.channels.models import Conversation
from kanal.channels.rules import CHANNEL_PROVIDER
from kanal.core import phones

from . import rules
from .models import AttemptState, DeliveryAttempt, MessageStatus, OutboxMessage


@dataclass(frozen=True)
class RouteCheck:
    """Whether a route can carry a message now: ``reason`` empty means yes.

    ``address`` is where it goes on that route, ``mode`` how (text, human_agent,
    template), ``thread_key`` the conversation's thread for adapters that need it.
    """

    address: str = ""
    mode: str = "text"
    thread_key: str = ""
    reason: str = ""


def _conversation(message: OutboxMessage, channel: str) -> Conversation | None:
    if message.conversation is not None and message.conversation.channel == channel:
        return message.conversation
    if message.complaint is not None:
        found = channels.conversation_for_case(message.complaint, channel)
        if found is not None:
            return found
    for address in (message.channel_address, message.phone):
        if address:
            found = channels.conversation_with(channel, address)
            if found is not None:
                return found
    return None


def check_route(message: OutboxMessage, route: str, now: datetime | None = None) -> RouteCheck:
    """Can ``route`` carry ``message`` now? Reasons are codes for rules.describe_attempt."""
    now = now or timezone.now()
    if route == "email":
        return RouteCheck(address=message.email) if message.email else RouteCheck(reason="no_email")
    if route in ("whatsapp_template", "sms"):
        phone_provider = "whatsapp" if route == "whatsapp_template" else "sms"
        phone = phones.e164_or_blank(message.phone)
        if not phone:
            return RouteCheck(reason="no_phone")
        if not channels.can_send(phone_provider):
            return RouteCheck(address=phone, reason="not_configured")
        if route == "whatsapp_template" and not channels.has_whatsapp_template():
            return RouteCheck(address=phone, reason="no_template")
        mode = "template" if route == "whatsapp_template" else "text"
        return RouteCheck(address=phone, mode=mode)
    provider = CHANNEL_PROVIDER.get(route)
    if provider is None:
        return RouteCheck(reason="no_route")
    if route not in rules.CONVERSATION_ROUTES:
        return RouteCheck(reason="no_route")
    conversation = _conversation(message, route)
    if conversation is None:
        return RouteCheck(address=message.channel_address, reason="no_conversation")
    address = channels.reply_recipient(conversation)
    if not channels.can_send(provider):
        return RouteCheck(address=address, reason="not_configured")
    window = channels.window_for(conversation, now)
    if not window.is_open:
        return RouteCheck(address=address, reason="window_closed")
    return RouteCheck(address=address, mode=window.mode, thread_key=conversation.thread_key)


# --- the delivery panel ----------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptLine:
    """One delivery attempt as the case page's delivery panel shows it."""

    route: str
    route_label: str
    address: str
    state: str
    when: datetime
    sentence: str
    detail: str


@dataclass(frozen=True)
class DeliveryLine:
    """One message to the citizen as staff read it on the case page."""

    message: OutboxMessage
    sent: bool  # a provider (or the mail server) accepted it
    confirmed: bool  # ... and reported it delivered or read
    outcome: str  # a sentence: how it was sent and whether it arrived, or that it was not
    attempts: list[AttemptLine]


def _mask(address: str) -> str:
    """Enough of an address to tell two apart, for staff who may not see the reporter."""
    if "@" in address:
        local, domain = address.split("@", 1)
        return f"{local[:1]}…@{domain}"
    return f"…{address[-3:]}" if len(address) > 3 else "…"


def delivery_lines(messages, *, show_addresses: bool) -> list[DeliveryLine]:
    """What reached the person and what did not, message by message, in plain words."""
    from django.utils.translation import gettext as _

    lines = []
    for message in messages:
        attempts = []
        reached_by = None
        for attempt in message.attempts.all():
            address = attempt.address if show_addresses else _mask(attempt.address)
            attempts.append(
                AttemptLine(
                    route=attempt.route,
                    route_label=rules.route_name(attempt.route),
                    address=address,
                    state=attempt.state,
                    when=attempt.finished_at or attempt.started_at,
                    sentence=rules.describe_attempt(
                        attempt.route,
                        attempt.state,
                        attempt.reason,
                        attempt.provider_status,
                        attempt.tries,
                    ),
                    detail=attempt.detail,
                )
            )
            if attempt.state == AttemptState.SENT and attempt.provider_status != "failed":
                reached_by = attempt
        # "Reached" only on the provider's delivery report: a mail server or Graph accepting
        # a message is not the person having it.
        confirmed = reached_by is not None and reached_by.provider_status in ("delivered", "read")
        if reached_by is not None and confirmed:
            outcome = _("Reached the person by %(route)s.") % {
                "route": rules.route_name(reached_by.route)
            }
        elif reached_by is not None:
            outcome = _("Sent by %(route)s; no delivery report yet.") % {
                "route": rules.route_name(reached_by.route)
            }
        elif message.status == MessageStatus.UNREACHABLE:
            outcome = _("Did not reach the person: every way to contact them failed.")
        else:
            outcome = _("Still being sent.")
        lines.append(DeliveryLine(message, reached_by is not None, confirmed, outcome, attempts))
    return lines


def delivery_panel_for(complaint, *, show_addresses: bool) -> list[DeliveryLine]:
    """The case page's delivery panel: every message to the reporter, newest first."""
    messages = (
        OutboxMessage.objects.filter(complaint=complaint)
        .exclude(kind__in=rules.NOT_TO_REPORTER)
        .prefetch_related("attempts")
    )
    return delivery_lines(
        messages.order_by("-created_at", "-pk")[:30], show_addresses=show_addresses
    )


def delivery_panel_for_request(information_request) -> list[DeliveryLine]:
    """The same panel for a PPID request (PPID staff see the requester's contacts)."""
    messages = OutboxMessage.objects.filter(information_request=information_request)
    return delivery_lines(
        messages.prefetch_related("attempts").order_by("-created_at", "-pk"), show_addresses=True
    )


def unreachable_count(*, days: int) -> int:
    """Messages recorded in the last ``days`` days that no route reached (for /metrics)."""
    since = timezone.now() - timedelta(days=days)
    return OutboxMessage.objects.filter(
        status=MessageStatus.UNREACHABLE, created_at__gte=since
    ).count()


def attempt_for_reference(reference: str) -> DeliveryAttempt | None:
    """The attempt a provider's ``reference`` names, or None when it names none here."""
    attempt_id = rules.attempt_id_from(reference)
    if attempt_id is None:
        return None
    return DeliveryAttempt.objects.filter(pk=attempt_id).first()


def stale_pending(older_than: datetime) -> list[int]:
    """Messages still pending and untouched since ``older_than`` (their worker died)."""
    return list(
        OutboxMessage.objects.filter(status=MessageStatus.PENDING, updated_at__lt=older_than)
        .filter(next_try_at__isnull=True)
        .values_list("pk", flat=True)[:500]
    ) + list(
        OutboxMessage.objects.filter(
            status=MessageStatus.PENDING, updated_at__lt=older_than, next_try_at__lt=older_than
        ).values_list("pk", flat=True)[:500]
    )


def case_answered_to(addresses: list[str], since: datetime):
    """The case whose answer (with the rating question) last reached one of ``addresses``
    since ``since``: a web reporter's WhatsApp reply "5" rates the case they were told
    about, though they never wrote on WhatsApp before."""
    attempt = (
        DeliveryAttempt.objects.filter(
            address__in=[a for a in addresses if a],
            state=AttemptState.SENT,
            message__kind="answer",
            message__complaint__isnull=False,
            finished_at__gte=since,
        )
        .select_related("message__complaint")
        .order_by("-finished_at", "-pk")
        .first()
    )
    return attempt.message.complaint if attempt is not None else None
