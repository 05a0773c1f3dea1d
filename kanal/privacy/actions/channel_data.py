"""Writes on channel data: contacts, conversations, messages and raw provider events."""

from __future__ import annotations

from django.db import transaction

from kanal import audit
from kanal.channels.models import (
    Citizen,
    Contact,
    Conversation,
    InboundEvent,
    Message,
    MessageMedia,
)
from kanal.outbox import actions as outbox
from kanal.outbox.models import OutboxMessage

from .. import queries, rules
from ..models import AnonymisationReason, AnonymisedConversation
from .common import delete_with_files, record_anonymised, scrub


def _is_anonymised_handle(value: str) -> bool:
    return value.startswith(rules.ANONYMISED_HANDLE_PREFIX)


@transaction.atomic
def anonymise_conversation(
    *, actor, conversation: Conversation, reason: str, subject_request=None, now=None
) -> AnonymisedConversation | None:
    """Empty a conversation of personal data; safe to run twice.

    Message texts, their data (locations, links, file names) and provider ids (a
    WhatsApp message id encodes the number) are emptied, media files deleted, the raw
    events behind the messages emptied (body and headers), replies lose recipient, text
    and error, and the thread key becomes an anonymised handle. The contact is
    anonymised with its last conversation, the citizen with their last contact. Rows,
    directions, kinds and times stay, so channel figures still add up.

    The contact and the conversation are locked in that order, as inbound processing
    does; for ``retention`` the conversation is checked again under the lock and left
    (None returned) if a message came in meanwhile. Writes
    ``privacy.conversation_anonymised``.
    """
    contact = Contact.objects.select_for_update().get(pk=conversation.contact_id)
    conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
    done = AnonymisedConversation.objects.filter(conversation=conv).first()
    if done is not None:
        return done
    if reason == AnonymisationReason.RETENTION and not (
        queries.conversations_due(now).filter(pk=conv.pk).exists()
    ):
        return None
    messages = Message.objects.filter(conversation=conv)
    media = delete_with_files(MessageMedia.objects.filter(message__in=messages))
    events = InboundEvent.objects.filter(messages__conversation=conv).exclude(body=b"")
    emptied_events = InboundEvent.objects.filter(pk__in=list(events.values_list("pk", flat=True)))
    event_count = emptied_events.update(body=b"", headers={})
    message_count = messages.update(text="", data={}, provider_message_id="")
    outbox.forget_recipients(OutboxMessage.objects.filter(conversation=conv))
    scrub(conv, cleared={"thread_key": rules.anonymised_handle(conv.pk)})

    others = (
        Conversation.objects.filter(contact=contact)
        .exclude(pk=conv.pk)
        .exclude(pk__in=queries.anonymised_conversation_ids())
    )
    contact_done = not others.exists()
    if contact_done:
        scrub(
            contact,
            cleared={
                "external_id": rules.anonymised_handle(contact.pk),
                **dict.fromkeys(["display_name", "phone", "email"], ""),
            },
        )
        citizen = Citizen.objects.select_for_update().get(pk=contact.citizen_id)
        named = [
            c.external_id for c in Contact.objects.filter(citizen=citizen).exclude(pk=contact.pk)
        ]
        if all(_is_anonymised_handle(handle) for handle in named):
            scrub(citizen, cleared=dict.fromkeys(["name", "phone", "email", "consent_text"], ""))

    return record_anonymised(
        AnonymisedConversation,
        conversation=conv,
        event="privacy.conversation_anonymised",
        obj=conv,  # its str is now "channel:anonymised:<pk>", no handle of the person
        actor=actor,
        reason=reason,
        subject_request=subject_request,
        data={
            "messages": message_count,
            "files": len(media),
            "events": event_count,
            "contact_anonymised": contact_done,
        },
    )


def empty_old_events(now=None, batch: int = 500) -> int:
    """Empty the raw body and headers of events past the period that no message keeps.

    One transaction and one ``privacy.events_emptied`` event per batch of up to
    ``batch`` rows, repeated until none is left; a worker stopped between batches
    leaves the rest for the next run. The row (provider, key, times, status, outcome)
    stays for the channel health figures and so a late redelivery is still recognised.
    Returns how many were emptied.
    """
    total, last_id = 0, 0
    while True:
        with transaction.atomic():
            ids = list(
                queries.events_due(now)
                .filter(pk__gt=last_id)  # always moves on, whatever a database makes of b""
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return total
            count = InboundEvent.objects.filter(pk__in=ids).update(body=b"", headers={})
            audit.record(
                "privacy.events_emptied",
                actor_label="system",
                data={
                    "count": count,
                    "first": ids[0],
                    "last": ids[-1],
                    "retention_days": queries.conversation_retention_days(),
                },
            )
            total, last_id = total + count, ids[-1]
