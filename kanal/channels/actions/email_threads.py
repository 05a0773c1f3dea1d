"""Which conversation an inbound e-mail belongs to (the threading rule)."""

from __future__ import annotations

from django.conf import settings

from kanal.complaints import queries as complaint_queries
from kanal.complaints.models import Complaint
from kanal.outbox.models import DeliveryAttempt

from .. import rules
from ..models import Contact, Conversation, Message


def _case_named_in(item: rules.InboundItem) -> Complaint | None:
    """Our reply address (``local+BL-XXXX-XXXX@``) first, then the subject tag."""
    prefix = settings.KANAL_TRACKING_PREFIX
    candidates = [a.split("@")[0].partition("+")[2] for a in item.data.get("to", [])]
    candidates.append(item.data.get("subject", ""))
    for text in candidates:
        match = rules.TRACKING_PATTERN.search(text or "")
        if match and match.group(1).upper() == prefix.upper():
            case = complaint_queries.find_by_tracking_number("".join(match.groups()))
            if case is not None:
                return case
    return None


def email_conversation(contact: Contact, item: rules.InboundItem) -> Conversation:
    """Threading rule: reply address or subject tag, then In-Reply-To/References, else new.

    A tracking number only counts for the reporter's own address or a known thread, so a
    stranger quoting a number does not write into someone else's case.
    """
    case = _case_named_in(item)
    if case is not None:
        conversation = (
            Conversation.objects.filter(complaint=case, channel="email", contact=contact)
            .order_by("-pk")
            .first()
        )
        if conversation is not None:
            return conversation
        reporter_email = (case.reporter.email if case.reporter else "").lower()
        if reporter_email and reporter_email == contact.external_id:
            return Conversation.objects.create(
                contact=contact, channel="email", thread_key=item.message_id, complaint=case
            )
    refs = item.data.get("references", [])
    if refs:
        known = (
            Message.objects.filter(conversation__channel="email", provider_message_id__in=refs)
            .select_related("conversation")
            .first()
        )
        if known is not None:
            return known.conversation
        sent = (
            DeliveryAttempt.objects.filter(route="email", provider_message_id__in=refs)
            .select_related("message__conversation")
            .first()
        )
        if sent is not None and sent.message.conversation is not None:
            return sent.message.conversation
        if sent is not None and sent.address.lower() == contact.external_id:
            # A reply to a message the outbox e-mailed (a receipt, an answer): its case.
            return Conversation.objects.create(
                contact=contact,
                channel="email",
                thread_key=item.message_id or contact.external_id,
                complaint=sent.message.complaint,
            )
    return Conversation.objects.create(
        contact=contact, channel="email", thread_key=item.message_id or contact.external_id
    )
