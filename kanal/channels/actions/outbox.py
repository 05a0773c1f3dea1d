"""Replies in a conversation go through the one outbox (kanal.outbox)."""

from __future__ import annotations

from kanal.outbox import actions as outbox

from .. import queries
from ..models import Conversation


def queue_reply(*, conversation: Conversation, body: str, complaint=None):
    """Answer in ``conversation`` (a status query, a greeting) through the outbox.

    The person just wrote, so the reply window is open; no fallback to other contacts:
    this answers what they wrote here. Returns the outbox message.
    """
    citizen = conversation.contact.citizen
    return outbox.record_message(
        kind="reply",
        body=body,
        first_route=conversation.channel,
        conversation=conversation,
        complaint=complaint or conversation.complaint,
        channel_address=queries.reply_recipient(conversation),
        phone=conversation.contact.phone or citizen.phone,
        email=conversation.contact.email or citizen.email,
        fallback=False,
    )
