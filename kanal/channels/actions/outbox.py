"""The outbox: replies recorded before they are sent, then marked from the provider's answer."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit
from kanal.complaints import actions as complaints
from kanal.complaints.models import CitizenNotice, NoticeStatus
from kanal.core import phones
from kanal.core.tasks import enqueue_on_commit

from .. import queries, rules
from ..models import Contact, Conversation, OutboundMessage, OutboxStatus


class ReplyNotPossible(Exception):
    """The channel cannot take this reply now; ``fallback`` names the next route."""

    def __init__(self, reason: str, fallback: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.fallback = fallback


def _template_name() -> str:
    return (settings.KANAL_WHATSAPP_NOTICE_TEMPLATE or {}).get("name", "")


def _recipient(conversation: Conversation) -> str:
    """Comment threads are answered on the newest comment; DMs to the contact."""
    if conversation.thread_key.startswith("comment:"):
        last = conversation.messages.filter(direction="in").order_by("-sent_at", "-pk").first()
        if last is not None:
            return last.data.get("comment_id") or last.provider_message_id
    return conversation.contact.external_id


@transaction.atomic
def queue_reply(
    *,
    conversation: Conversation,
    body: str,
    complaint=None,
    notice_id: int | None = None,
    actor=None,
) -> OutboundMessage:
    """Record a reply in the outbox and queue its sending, within the channel's window.

    Outside the window: the WhatsApp notice template when one is configured, the
    HUMAN_AGENT tag on Messenger/Instagram within 7 days; otherwise ReplyNotPossible
    with the fallback (SMS or e-mail when the citizen gave one). A notice is queued
    once (``notice_id`` is unique).
    """
    if notice_id is not None:
        existing = OutboundMessage.objects.filter(notice_id=notice_id).first()
        if existing is not None:
            return existing
    window = queries.window_for(conversation)
    if window.mode == "closed":
        raise ReplyNotPossible(
            _("The %(channel)s reply window is closed (the citizen last wrote at %(at)s).")
            % {"channel": conversation.channel, "at": conversation.last_inbound_at},
            window.fallback,
        )
    outbound = OutboundMessage.objects.create(
        conversation=conversation,
        complaint=complaint or conversation.complaint,
        notice_id=notice_id,
        channel=conversation.channel,
        recipient=_recipient(conversation),
        body=body,
        mode=window.mode,
        template_name=_template_name() if window.mode == "template" else "",
    )
    audit.record(
        "channel.reply_queued",
        actor=actor,
        obj=outbound,
        actor_label="" if actor else "system",
        data={"channel": outbound.channel, "mode": outbound.mode, "notice": notice_id},
    )
    enqueue_on_commit("kanal.channels.tasks.send_outbound", outbound.pk)
    return outbound


def _conversation_for_notice(notice: CitizenNotice) -> Conversation | None:
    conversation = queries.conversation_for_case(notice.complaint, notice.channel)
    if conversation is not None:
        return conversation
    contact = Contact.objects.filter(channel=notice.channel, external_id=notice.address).first()
    if contact is None and notice.channel in ("whatsapp", "sms"):
        phone = phones.e164_or_blank(notice.address)
        contact = Contact.objects.filter(channel=notice.channel, phone=phone).first()
    if contact is None:
        return None
    return contact.conversations.order_by("-last_inbound_at", "-pk").first()


@transaction.atomic
def queue_notice(notice_id: int) -> OutboundMessage | None:
    """Put a pending CitizenNotice in the outbox of its channel; None when it was settled.

    When the channel cannot carry it (no conversation, window closed and no template),
    the notice is recorded ``skipped`` with the reason and the fallback route.
    """
    notice = CitizenNotice.objects.select_for_update().get(pk=notice_id)
    if notice.status != NoticeStatus.PENDING:
        return None
    conversation = _conversation_for_notice(notice)
    if conversation is None:
        complaints.record_notice_result(
            notice_id=notice.pk,
            status="skipped",
            error=_("No %(channel)s conversation with %(address)s to answer in.")
            % {"channel": notice.channel, "address": notice.address},
        )
        return None
    try:
        return queue_reply(
            conversation=conversation,
            body=notice.body,
            complaint=notice.complaint,
            notice_id=notice.pk,
        )
    except ReplyNotPossible as closed:
        fallback = closed.fallback or _("none: the citizen gave no phone number or e-mail")
        complaints.record_notice_result(
            notice_id=notice.pk,
            status="skipped",
            error=_("%(reason)s Fallback: %(fallback)s.")
            % {"reason": closed.reason, "fallback": fallback},
        )
        return None


@transaction.atomic
def mark_outbound_sent(outbound_id: int, provider_message_id: str) -> OutboundMessage:
    """The provider accepted the message; a status callback may already have raised it."""
    outbound = OutboundMessage.objects.select_for_update().get(pk=outbound_id)
    outbound.provider_message_id = provider_message_id[:255]
    outbound.status = rules.merge_status(outbound.status, "sent")
    outbound.attempts += 1
    outbound.sent_at = timezone.now()
    outbound.error = ""
    outbound.save()
    if outbound.notice_id:
        complaints.record_notice_result(
            notice_id=outbound.notice_id, status="sent", provider_reference=provider_message_id
        )
    return outbound


@transaction.atomic
def mark_outbound_failed(outbound_id: int, error: str, *, temporary: bool) -> timedelta | None:
    """Record a failed try. Returns the delay before the next try, or None when final."""
    outbound = OutboundMessage.objects.select_for_update().get(pk=outbound_id)
    outbound.attempts += 1
    outbound.error = error[:2000]
    delay = rules.retry_delay(outbound.attempts) if temporary else None
    if delay is None:
        outbound.status = OutboxStatus.FAILED
        outbound.status_at = timezone.now()
    outbound.save()
    if delay is None:
        audit.record(
            "channel.reply_failed",
            obj=outbound,
            actor_label="system",
            data={"channel": outbound.channel, "error": error[:200]},
        )
        if outbound.notice_id:
            complaints.record_notice_result(
                notice_id=outbound.notice_id, status="failed", error=error
            )
    return delay
