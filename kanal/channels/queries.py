"""Reads: reply windows for the console, a citizen's cases, channel health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability
from kanal.complaints.models import Complaint
from kanal.core import phones, secrets
from kanal.core.process_copy import ProcessCopy
from kanal.outbox.models import DeliveryAttempt

from . import rules
from .models import (
    ChannelAlert,
    ChannelSettings,
    Citizen,
    Contact,
    Conversation,
    EventStatus,
    InboundEvent,
    Provider,
    SignatureFailure,
)


def has_whatsapp_template() -> bool:
    """Whether a WhatsApp template is configured for notices outside the 24-hour window."""
    return bool((settings.KANAL_WHATSAPP_NOTICE_TEMPLATE or {}).get("name"))


def window_for(conversation: Conversation, now: datetime | None = None) -> rules.ReplyWindow:
    """The reply window of a conversation, with the fallback when it is closed."""
    citizen = conversation.contact.citizen
    return rules.reply_window(
        conversation.channel,
        conversation.last_inbound_at,
        now or timezone.now(),
        has_template=has_whatsapp_template(),
        phone=conversation.contact.phone or citizen.phone,
        email=conversation.contact.email or citizen.email,
    )


def conversation_for_case(case: Complaint, channel: str = "") -> Conversation | None:
    """The conversation a case came from (on ``channel`` when given), newest first."""
    qs = Conversation.objects.filter(complaint=case).select_related("contact__citizen")
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-last_inbound_at", "-pk").first()


@dataclass(frozen=True)
class ReplyOptions:
    """What the console shows next to the reply box of a case."""

    channel: str
    can_answer_now: bool
    mode: str  # text, human_agent, template, closed, none
    closes_at: datetime | None
    fallback: str  # template, sms, email or ""


def reply_options_for_case(case: Complaint, now: datetime | None = None) -> ReplyOptions:
    """Whether the case's channel can be answered now, until when, and the fallback."""
    conversation = conversation_for_case(case, case.channel)
    if conversation is None:
        has_email = bool(case.reporter and case.reporter.email)
        fallback = "email" if has_email else ""
        return ReplyOptions(case.channel, False, "none", None, fallback)
    window = window_for(conversation, now)
    return ReplyOptions(
        conversation.channel, window.is_open, window.mode, window.closes_at, window.fallback
    )


def cases_of_citizen(citizen: Citizen):
    """Every case any of the citizen's contacts started, newest first (for the operator)."""
    return (
        Complaint.objects.filter(conversations__contact__citizen=citizen)
        .distinct()
        .order_by("-received_at")
    )


# --- health ----------------------------------------------------------------------------


def access_channel_health(user) -> None:
    """Operators and system administrators see channel health; others get 403."""
    scope = scope_for(user)
    if not (scope.has(Capability.TRIAGE) or scope.has(Capability.MANAGE_ACCOUNTS)):
        raise PermissionDenied


def quiet_period(provider: str) -> timedelta:
    """How long ``provider`` may stay silent before channel health calls it silent.

    One setting (``KANAL_CHANNEL_QUIET_HOURS``) for every provider today.
    """
    return timedelta(hours=settings.KANAL_CHANNEL_QUIET_HOURS)


def configured_providers() -> list[str]:
    """Providers with credentials configured (the ones expected to receive events)."""
    saved = _saved_rows()
    return [
        provider
        for provider in rules.CHANNEL_FIELDS
        if rules.is_configured(
            provider,
            {f.name: _resolve(f, provider, saved)[0] for f in rules.CHANNEL_FIELDS[provider]},
        )
    ]


def can_send(provider: str) -> bool:
    """Whether Kanal can send on ``provider`` (e-mail always can: Django's mail settings)."""
    if provider == "email":
        return True
    names = rules.SEND_SETTINGS.get(provider) or ()
    return bool(names) and all(channel_setting(name, provider) for name in names)


def reply_recipient(conversation: Conversation) -> str:
    """Who a reply in ``conversation`` goes to: the newest comment on comment threads
    (a Page comment is answered on the comment), else the contact."""
    if conversation.thread_key.startswith("comment:"):
        last = conversation.messages.filter(direction="in").order_by("-sent_at", "-pk").first()
        if last is not None:
            return last.data.get("comment_id") or last.provider_message_id
    return conversation.contact.external_id


def conversation_with(channel: str, address: str) -> Conversation | None:
    """The newest conversation with the person at ``address`` (id or phone) on ``channel``."""
    contacts = Contact.objects.filter(channel=channel, external_id=address)
    if not contacts.exists() and channel in ("whatsapp", "sms"):
        contacts = Contact.objects.filter(channel=channel, phone=phones.e164_or_blank(address))
    return (
        Conversation.objects.filter(contact__in=contacts, channel=channel)
        .select_related("contact__citizen")
        .order_by("-last_inbound_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class ChannelHealth:
    """One provider's row on the channel health page: configuration, traffic, failures, alert."""

    provider: str
    label: str
    configured: bool
    last_event_at: datetime | None
    events_today: int
    events_per_day: float  # over the last 7 days
    signature_failures: int  # last 7 days
    processing_failures: int  # failed events waiting for a retry
    pending: int
    delivery_failures: int  # last 7 days
    silent: bool
    alert: ChannelAlert | None


def channel_health(now: datetime | None = None) -> list[ChannelHealth]:
    """One row per provider for the console's "why zero complaints?" table."""
    now = now or timezone.now()
    week_ago = now - timedelta(days=7)
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    real = InboundEvent.objects.filter(is_probe=False)
    stats = {
        row["provider"]: row
        for row in real.values("provider").annotate(
            last=Max("received_at"),
            week=Count("pk", filter=Q(received_at__gte=week_ago)),
            today=Count("pk", filter=Q(received_at__gte=today_start)),
            failed=Count("pk", filter=Q(status=EventStatus.FAILED)),
            pending=Count("pk", filter=Q(status=EventStatus.PENDING)),
        )
    }
    signature = dict(
        SignatureFailure.objects.filter(day__gte=week_ago.date())
        .values("provider")
        .annotate(n=Sum("count"))
        .values_list("provider", "n")
    )
    delivery: dict[str, int] = {}
    for channel, n in (
        DeliveryAttempt.objects.filter(state="failed", finished_at__gte=week_ago)
        .values("route")
        .annotate(n=Count("pk"))
        .values_list("route", "n")
    ):
        channel = "whatsapp" if channel == "whatsapp_template" else channel
        provider = rules.CHANNEL_PROVIDER.get(channel, channel)
        delivery[provider] = delivery.get(provider, 0) + n
    alerts = {a.provider: a for a in ChannelAlert.objects.filter(resolved_at__isnull=True)}
    configured = set(configured_providers())
    rows = []
    for provider, label in Provider.choices:
        row: Any = stats.get(provider, {})  # a stats TypedDict, or nothing yet
        last = row.get("last")
        rows.append(
            ChannelHealth(
                provider=provider,
                label=str(label),
                configured=provider in configured,
                last_event_at=last,
                events_today=row.get("today", 0),
                events_per_day=round(row.get("week", 0) / 7, 1),
                signature_failures=signature.get(provider, 0),
                processing_failures=row.get("failed", 0),
                pending=row.get("pending", 0),
                delivery_failures=delivery.get(provider, 0),
                silent=provider in configured
                and rules.is_silent(last, now, quiet_period(provider)),
                alert=alerts.get(provider),
            )
        )
    return rows


def failed_events(limit: int = 50):
    """The ``limit`` most recent inbound events that failed, without their bodies."""
    return InboundEvent.objects.filter(status=EventStatus.FAILED).defer("body")[:limit]


# --- configuration: the one resolver every adapter reads its credentials through --------------


# Every webhook delivery reads its provider's secret: the saved rows (a few, small) are
# kept in the shared cache, so a delivery costs a cache read instead of a query. The
# actions that write them forget the entry (at once and after commit), so every process
# sees a change at its next read; the lifetime only bounds a change made around them
# (a row edited in SQL). Values stay as stored: secrets encrypted. Rows read inside a
# transaction are not cached: they may be that transaction's own, uncommitted write.
#
# Each process also keeps what it read for PROCESS_COPY_SECONDS, so a burst of
# deliveries costs one cache read a second per process instead of one each. A change
# saved in another process is therefore seen up to that long later (this process's own
# saves drop the copy at once); a delivery whose signature fails against the copy is
# checked again against fresh rows (:func:`drop_process_copy`), so a newly saved secret
# is accepted at once, and a replaced one stops being accepted within the second.
SAVED_SETTINGS_KEY = "channels:saved-settings:v1"
SAVED_SETTINGS_SECONDS = 60
PROCESS_COPY_SECONDS = 1.0
_process_copy: ProcessCopy[dict[str, dict]] = ProcessCopy(PROCESS_COPY_SECONDS)


def forget_saved_settings() -> None:
    """Drop the cached rows, shared and this process's (called by the actions that change
    them)."""
    drop_process_copy()
    cache.delete(SAVED_SETTINGS_KEY)


def drop_process_copy() -> bool:
    """Drop this process's copy of the saved rows; whether there was one to drop."""
    return _process_copy.forget()


def _shared_rows() -> dict[str, dict]:
    rows = cache.get(SAVED_SETTINGS_KEY)
    if rows is None:
        rows = dict(ChannelSettings.objects.values_list("provider", "values"))
        if not connection.in_atomic_block:
            cache.set(SAVED_SETTINGS_KEY, rows, SAVED_SETTINGS_SECONDS)
    return rows


def _saved_rows(providers=None) -> dict[str, dict]:
    # Inside a transaction neither copy is read or kept (see above).
    rows = _shared_rows() if connection.in_atomic_block else _process_copy.get(_shared_rows)
    if providers is None:
        return rows
    return {p: v for p, v in rows.items() if p in providers}


def _saved_value(field: rules.CredentialField, stored: str) -> tuple[str, bool]:
    """A saved value as text (secrets decrypted) and whether it could be read."""
    if not stored or not field.secret:
        return stored or "", True
    try:
        return secrets.decrypt(stored), True
    except secrets.UnreadableSecret:
        return "", False


def _environment(name: str) -> str:
    # Every channel value is declared in kanal/settings.py from the environment.
    return str(getattr(settings, name) or "")


def _resolve(
    field: rules.CredentialField, provider: str, saved: dict[str, dict]
) -> tuple[str, str]:
    providers = (provider, *rules.FIELD_PROVIDERS[field.name])
    stored = next((saved[p][field.name] for p in providers if saved.get(p, {}).get(field.name)), "")
    return rules.field_value(field, _environment(field.name), _saved_value(field, stored)[0])


def channel_setting(name: str, provider: str = ""):
    """The value a channel uses for ``name`` (an environment-variable name).

    The environment wins; otherwise the value an administrator saved for ``provider``
    (or, without one, for any provider the value belongs to, e.g. the Graph address of
    WhatsApp or Meta); otherwise the provider's default (``rules.CHANNEL_FIELDS``).
    Names that are not channel credentials are read from settings as they are.
    """
    field = rules.FIELDS_BY_NAME.get(name)
    if field is None:
        return getattr(settings, name)
    if environment := _environment(name):
        return environment
    saved = _saved_rows((provider, *rules.FIELD_PROVIDERS[name]))
    return _resolve(field, provider, saved)[0]


@dataclass(frozen=True)
class FieldState:
    """What the console's channel page shows for one value (secrets never included)."""

    field: rules.CredentialField
    source: str  # environment, saved, default or ""
    shown: str  # the value when it may be shown (not a secret), else ""
    saved: bool  # a value is saved in the console
    unreadable: bool  # saved, but no KANAL_SECRETS_KEY decrypts it


def channel_settings_for(provider: str) -> list[FieldState]:
    """Each value of a provider: where it comes from, and the value when it is not secret."""
    saved = _saved_rows([provider]).get(provider, {})
    states = []
    for field in rules.CHANNEL_FIELDS[provider]:
        text, readable = _saved_value(field, saved.get(field.name, ""))
        value, source = rules.field_value(field, _environment(field.name), text)
        states.append(
            FieldState(
                field=field,
                source=source,
                shown="" if field.secret else value,
                saved=bool(saved.get(field.name)),
                unreadable=not readable,
            )
        )
    return states


def access_channel_settings(user) -> None:
    """Only system administrators see and change channel credentials; others get 403."""
    if not scope_for(user).has(Capability.MANAGE_ACCOUNTS):
        raise PermissionDenied
