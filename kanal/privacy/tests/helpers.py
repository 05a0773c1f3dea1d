"""Builders shared by the retention tests: times, photos, WhatsApp threads, PPID requests."""

import io
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from kanal.channels.models import (
    Citizen,
    Contact,
    Conversation,
    InboundEvent,
    Message,
    MessageMedia,
)
from kanal.outbox.models import DeliveryAttempt, OutboxMessage
from kanal.ppid import actions as ppid_actions


def at(y, m, d, hour=9):
    return datetime(y, m, d, hour, tzinfo=UTC)


def jpeg(color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), color).save(out, "JPEG")
    return out.getvalue()


def talk(
    time_machine, when, *, phone="6281234567890", name="Budi Santoso", text="", complaint=None
):
    """A WhatsApp contact, a conversation with one message (raw event, photo) and a reply."""
    time_machine.move_to(when)
    citizen = Citizen.objects.filter(phone=phone).first() or Citizen.objects.create(
        name=name, phone=phone, consent_text="Setuju."
    )
    contact, _ = Contact.objects.get_or_create(
        channel="whatsapp",
        external_id=phone,
        defaults={"display_name": name, "phone": phone, "citizen": citizen},
    )
    text = text or f"Halo, saya {name}, nomor {phone}. Jalan rusak di depan rumah saya."
    event = InboundEvent.objects.create(
        provider="whatsapp",
        event_key=f"wamid.{phone}.{InboundEvent.objects.count()}",
        headers={"X-Hub-Signature-256": "sha256=x"},
        body=f'{{"from": "{phone}", "profile": {{"name": "{name}"}}, "text": "{text}"}}'.encode(),
        received_at=when,
        status="processed",
    )
    conversation = Conversation.objects.create(
        contact=contact, channel="whatsapp", thread_key=phone, complaint=complaint
    )
    message = Message.objects.create(
        conversation=conversation,
        direction="in",
        provider_message_id=f"wamid.{phone}.{when.timestamp()}",
        text=text,
        data={"media": ["rumah.jpg"]},
        sent_at=when,
        event=event,
    )
    media = MessageMedia(message=message, content_type="image/jpeg", original_name="rumah.jpg")
    media.file.save("m.jpg", io.BytesIO(jpeg()), save=True)
    reply = OutboxMessage.objects.create(
        kind="reply",
        conversation=conversation,
        complaint=complaint,
        first_route="whatsapp",
        channel_address=phone,
        body=f"Terima kasih, {name}.",
        status="sent",
    )
    DeliveryAttempt.objects.create(
        message=reply,
        route="whatsapp",
        address=phone,
        state="sent",
        provider_message_id="wamid.out",
        started_at=when,
    )
    return conversation


def assert_emptied(conversation: Conversation, *, contact_too=True):
    conversation.refresh_from_db()
    assert conversation.thread_key == f"anonymised:{conversation.pk}"
    contact = Contact.objects.select_related("citizen").get(pk=conversation.contact_id)
    if contact_too:
        assert contact.external_id.startswith("anonymised:")
        assert (contact.display_name, contact.phone, contact.email) == ("", "", "")
        assert (contact.citizen.name, contact.citizen.phone, contact.citizen.consent_text) == (
            "",
            "",
            "",
        )
    for message in Message.objects.filter(conversation=conversation):
        assert (message.text, message.data, message.provider_message_id) == ("", {}, "")
        assert bytes(message.event.body) == b"" and message.event.headers == {}
    assert not MessageMedia.objects.filter(message__conversation=conversation).exists()
    for reply in OutboxMessage.objects.filter(conversation=conversation):
        assert (reply.channel_address, reply.body) == ("", "")
        assert not reply.attempts.exclude(address="").exists()


def assert_untouched(conversation: Conversation, messages: int = 1):
    conversation.refresh_from_db()
    assert not conversation.thread_key.startswith("anonymised:")
    assert conversation.contact.display_name
    assert Message.objects.filter(conversation=conversation).count() == messages
    message = Message.objects.filter(conversation=conversation).order_by("pk").first()
    assert message.text and bytes(message.event.body).startswith(b"{")
    assert Path(MessageMedia.objects.get(message=message).file.path).exists()


def ppid_request(
    when,
    *,
    name="Siti Aminah",
    nik="1871010101900001",
    phone="0812-9999-0000",
    email="siti@example.org",
    ktp=True,
):
    return ppid_actions.submit_information_request(
        actor=None,
        channel="web",
        details={
            "requester_kind": "person",
            "requester_name": name,
            "identity_number": nik,
            "address": "Jl. Teuku Umar 10, Kedaton",
            "occupation": "Peneliti",
            "email": email,
            "phone": phone,
            "information_requested": f"Laporan anggaran Dinas PU 2025 (pemohon {name})",
            "purpose": "Penelitian",
            "access_method": "copy",
            "delivery_method": "email",
        },
        received_at=when,
        uploads=[ppid_actions.Upload(kind="identity", name="ktp.jpg", data=jpeg())] if ktp else [],
    )
