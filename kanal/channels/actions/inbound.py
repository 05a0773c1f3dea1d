"""Processing a stored event into contacts, messages and cases (storing it raw is
:mod:`.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal.complaints import actions as complaints
from kanal.complaints import queries as complaint_queries
from kanal.complaints.models import ContactPreference, State
from kanal.complaints.rules import FINAL_STATES, TransitionRefused
from kanal.core import phones
from kanal.core.region import current as current_region
from kanal.core.uploads import UploadRejected, sanitise_upload
from kanal.outbox import actions as outbox
from kanal.outbox import queries as outbox_queries

from .. import rules
from ..models import (
    Citizen,
    Contact,
    Conversation,
    Direction,
    EventStatus,
    InboundEvent,
    Message,
    MessageMedia,
)
from .email_threads import email_conversation
from .outbox import queue_reply


@dataclass(frozen=True)
class Fetched:
    """A media file the task downloaded before processing (name, bytes, content type)."""

    name: str
    content: bytes
    content_type: str


@transaction.atomic
def apply_inbound_event(
    event_id: int, items: list[rules.InboundItem], fetched: dict[str, Fetched]
) -> InboundEvent:
    """Turn one stored event into contacts, messages, cases and status updates.

    Runs in one transaction with the event row locked: the event is marked processed
    together with what it created, so a crash before commit leaves it pending and a
    second run finds it processed and does nothing. ``fetched`` holds the media the
    task downloaded, by media reference.
    """
    event = InboundEvent.objects.select_for_update().get(pk=event_id)
    if event.status == EventStatus.PROCESSED:
        return event
    outcomes = []
    for item in items:
        if event.is_probe:
            outcomes.append("probe")
        elif item.kind == "message":
            outcomes.append(_take_message(event, item, fetched))
        elif item.kind == "deleted":
            marked = Message.objects.filter(
                provider_message_id=item.message_id, direction=Direction.INBOUND
            ).update(is_deleted=True)
            outcomes.append(f"deleted:{marked}")
        elif item.kind == "status":
            outcomes.append(f"status:{_apply_status(item)}")
        else:
            outcomes.append("ignored")
    event.status = EventStatus.PROCESSED
    event.processed_at = timezone.now()
    event.attempts += 1
    event.error = ""
    event.outcome = ", ".join(outcomes)[:200] or "empty"
    event.save(update_fields=["status", "processed_at", "attempts", "error", "outcome"])
    return event


def _citizen_for(item: rules.InboundItem) -> Citizen:
    """The same phone number on two channels is one citizen (WhatsApp and SMS)."""
    if item.phone:
        citizen = Citizen.objects.filter(phone=item.phone).order_by("pk").first()
        if citizen:
            return citizen
    return Citizen.objects.create(name=item.contact_name[:150], phone=item.phone, email=item.email)


def contact_for(item: rules.InboundItem) -> Contact:
    """The contact that sent ``item``, created (with its citizen) on first contact.

    A known contact whose display name changed on the channel gets the new name; nothing
    else of a known contact is changed."""
    contact = Contact.objects.filter(channel=item.channel, external_id=item.contact_id).first()
    if contact is None:
        contact = Contact.objects.create(
            channel=item.channel,
            external_id=item.contact_id,
            display_name=item.contact_name[:150],
            phone=item.phone,
            email=item.email,
            citizen=_citizen_for(item),
        )
    elif item.contact_name and contact.display_name != item.contact_name[:150]:
        contact.display_name = item.contact_name[:150]
        contact.save(update_fields=["display_name", "updated_at"])
    return contact


def _conversation_for(contact: Contact, item: rules.InboundItem) -> Conversation:
    if item.channel == "email":
        return email_conversation(contact, item)
    thread = item.thread_key or contact.external_id
    conversation = (
        Conversation.objects.select_for_update()
        .filter(channel=item.channel, thread_key=thread, contact=contact)
        .order_by("-pk")
        .first()
    )
    if conversation is None:
        conversation = Conversation.objects.create(
            contact=contact, channel=item.channel, thread_key=thread
        )
    return conversation


def _take_message(event: InboundEvent, item: rules.InboundItem, fetched) -> str:
    if (
        item.message_id
        and Message.objects.filter(
            conversation__channel=item.channel, provider_message_id=item.message_id
        ).exists()
    ):
        return "duplicate"
    contact = contact_for(item)
    # One contact's messages are taken one at a time (PostgreSQL row lock), so two
    # workers cannot each open a conversation, and a case, for the same first message.
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    conversation = _conversation_for(contact, item)
    sent_at = item.sent_at or event.received_at
    message = Message.objects.create(
        conversation=conversation,
        direction=Direction.INBOUND,
        kind=item.message_kind,
        provider_message_id=item.message_id,
        text=item.text,
        data=item.data,
        sent_at=sent_at,
        event=event,
    )
    files: list[tuple[str, bytes]] = []
    for ref in item.media:
        got = fetched.get(ref.ref)
        if got is None:
            continue
        media = MessageMedia(
            message=message,
            content_type=got.content_type[:100],
            original_name=got.name[:200],
            size=len(got.content),
        )
        media.file.save(f"{message.pk}-{len(files)}", ContentFile(got.content), save=False)
        media.save()
        files.append((got.name, got.content))
    if conversation.last_inbound_at is None or sent_at > conversation.last_inbound_at:
        conversation.last_inbound_at = sent_at
    conversation.save(update_fields=["last_inbound_at", "updated_at"])
    return _route(conversation, contact, message, item, files, sent_at)


def _describe(message: Message, item: rules.InboundItem) -> str:
    """The message as case text: its words, plus what came without words."""
    parts = [item.text] if item.text else []
    if item.lat is not None and item.lng is not None:
        parts.append(_("Location: %(lat)s, %(lng)s") % {"lat": item.lat, "lng": item.lng})
    if item.media:
        parts.append(_("[%(count)d file(s) attached]") % {"count": len(item.media)})
    if item.data.get("story_url"):
        parts.append(
            _("[reply to or mention in a story: %(url)s]") % {"url": item.data["story_url"]}
        )
    return "\n".join(parts) or _("[message without text]")


def _case_files(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Only photos and PDFs go to the case; voice notes and others stay on the message."""
    accepted = []
    for name, data in files:
        try:
            sanitise_upload(name, data)
        except UploadRejected:
            continue
        accepted.append((name, data))
    return accepted


def _route(conversation, contact, message, item, files, sent_at: datetime) -> str:
    """Reply to an open case, answer chatter, or open a new case."""
    case = conversation.complaint
    text = _describe(message, item)
    answer = rules.case_answer(item.text) if not item.media else None
    if answer is not None:
        answered = case or _case_answered_to(contact, item)
        if answered is not None and answered.state in (State.COMPLETED, State.CLOSED):
            return _answer_case(conversation, answered, answer, item.text)
    if case is not None and case.state not in FINAL_STATES:
        try:
            complaints.add_citizen_reply(case=case, body=text, channel=item.channel)
        except TransitionRefused:
            pass
        else:
            for name, data in _case_files(files):
                complaints.add_attachment(actor=None, case=case, name=name, data=data)
            return f"reply:{case.tracking_number}"
    prefix = settings.KANAL_TRACKING_PREFIX
    intent = rules.classify_text(item.text, prefix)
    if item.channel == "lapor":
        intent = rules.Intent("report")  # every LAPOR! record is a report
    has_content = item.media or item.lat is not None or item.data.get("story_url")
    if not has_content and intent.kind != "report":
        return _answer_chatter(conversation, intent)
    citizen = contact.citizen
    case = complaints.submit_complaint(
        channel=item.channel,
        title=item.data.get("title")
        or rules.title_from(item.text, _("Report through %(channel)s") % {"channel": item.channel}),
        description=text,
        lat=item.lat,
        lng=item.lng,
        reporter=complaints.ReporterDetails(
            # A reporter reachable only through the channel still needs a row, so that
            # the case's updates go back the same way (contact preference "channel").
            name=contact.display_name
            or citizen.name
            or _("%(channel)s user %(id)s") % {"channel": item.channel, "id": contact.external_id},
            phone=contact.phone or citizen.phone,
            email=contact.email or citizen.email,
            contact_preference=ContactPreference.CHANNEL,
        ),
        channel_reference=_reply_address(conversation, item),
        files=_case_files(files),
        received_at=sent_at,
    )
    conversation.complaint = case
    conversation.save(update_fields=["complaint", "updated_at"])
    return f"case:{case.tracking_number}"


def _case_answered_to(contact: Contact, item: rules.InboundItem):
    """The case whose answer reached this person on this channel in the last 30 days."""
    since = timezone.now() - timedelta(days=30)
    addresses = [contact.external_id, contact.phone, phones.e164_or_blank(contact.phone)]
    return outbox_queries.case_answered_to(addresses, since)


def _answer_case(conversation: Conversation, case, answer: rules.CaseAnswer, text: str) -> str:
    """The reporter rates (a reply "1".."5") or reopens ("buka lagi") by replying on the
    channel, through the same actions as the tracking page; the reply says what happened.
    """
    if conversation.complaint_id != case.pk:
        conversation.complaint = case  # their next messages are replies on this case
        conversation.save(update_fields=["complaint", "updated_at"])
    number = case.tracking_number
    if answer.kind == "rate":
        if case.rating:
            body = _("Report %(number)s was already rated %(rating)d. Thank you.") % {
                "number": number,
                "rating": case.rating,
            }
            outcome = f"rated-before:{number}"
        else:
            complaints.rate_complaint(case=case, rating=answer.rating)
            body = _("Thank you. Your rating of %(rating)d for report %(number)s is recorded.") % {
                "number": number,
                "rating": answer.rating,
            }
            outcome = f"rated:{number}"
    else:
        try:
            complaints.reopen_complaint(case=case, reason=text)
        except TransitionRefused:
            body = _(
                "Report %(number)s can no longer be reopened. Send a new report here if "
                "the problem is still there."
            ) % {"number": number}
            outcome = f"reopen-refused:{number}"
        else:
            body = _("Report %(number)s is open again; the unit will follow it up.") % {
                "number": number
            }
            outcome = f"reopened:{number}"
    queue_reply(conversation=conversation, body=body, complaint=case)
    return outcome


def _reply_address(conversation: Conversation, item: rules.InboundItem) -> str:
    """Where replies go: the comment to answer on comment threads, else the contact."""
    if item.message_kind == "comment":
        return item.data.get("comment_id", "")
    return conversation.contact.external_id


def _answer_chatter(conversation: Conversation, intent: rules.Intent) -> str:
    """Status queries get the state; greetings get how to report; thanks get nothing."""
    if intent.kind == "status":
        case = complaint_queries.find_by_tracking_number(intent.tracking_number)
        if case is None:
            body = _("We could not find report %(number)s. Check the number and send it again.") % {
                "number": intent.tracking_number
            }
        else:
            body = _("Report %(number)s: %(state)s.") % {
                "number": case.tracking_number,
                "state": case.get_state_display(),
            }
        queue_reply(conversation=conversation, body=body)
        return f"status:{intent.tracking_number}"
    if intent.kind == "greeting":
        queue_reply(
            conversation=conversation,
            body=_(
                "Hello, this is the complaint service of %(city)s. Write your report here "
                "with the place, and a photo if you have one. To check a report, send its "
                "number, for example: cek status %(prefix)s-XXXX-XXXX."
            )
            % {"city": current_region().city_name, "prefix": current_region().tracking_prefix},
        )
    return "chatter"


def _apply_status(item: rules.InboundItem) -> int:
    """A provider's delivery report goes to the outbox (which never lowers a status)."""
    if item.message_id:
        return outbox.record_provider_status(
            provider_message_id=item.message_id,
            status=item.status,
            error=item.error,
            reference=item.data.get("reference", ""),
        )
    changed = 0
    for mid in item.data.get("mids", []):
        changed += outbox.record_provider_status(
            provider_message_id=mid, status=item.status, error=item.error
        )
    watermark = item.data.get("watermark")
    if watermark and item.contact_id:  # Messenger: everything sent before the watermark
        until = datetime.fromtimestamp(int(watermark) / 1000, tz=UTC)
        changed += outbox.record_status_until(
            route=item.channel, address=item.contact_id, until=until, status=item.status
        )
    return changed
