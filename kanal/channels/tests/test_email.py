"""E-mail intake: raw messages stored by Message-ID and threaded into their cases."""

from email.message import EmailMessage

import pytest

from kanal.channels import actions
from kanal.channels.adapters import email as email_adapter
from kanal.channels.models import Conversation, InboundEvent
from kanal.complaints.models import Complaint

from .conftest import process_pending

pytestmark = pytest.mark.django_db


def mail(
    subject,
    body,
    *,
    message_id,
    sender="warga@example.id",
    to="pengaduan@kota.example",
    in_reply_to="",
    attachment=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Warga Kota <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Sat, 28 Nov 2026 09:00:00 +0700"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(body)
    if attachment:
        message.add_attachment(attachment, maintype="image", subtype="jpeg", filename="foto.jpg")
    return message.as_bytes()


def ingest(raw: bytes):
    actions.store_inbound_event(
        provider="email", keys=[email_adapter.message_key(raw)], headers={}, body=raw
    )


def test_a_new_mail_opens_a_case_and_its_photo_is_attached(channel_settings):
    from .fakes.server import jpeg_bytes

    raw = mail(
        "Saluran air tersumbat",
        "Saluran di Jl. Pagar Alam meluap.\n\n> kutipan lama",
        message_id="<m1@example.id>",
        attachment=jpeg_bytes(),
    )
    ingest(raw)
    ingest(raw)  # polled again before it was marked seen
    process_pending()
    assert InboundEvent.objects.count() == 1
    case = Complaint.objects.get()
    assert case.channel == "email" and case.title == "Saluran air tersumbat"
    assert "kutipan" not in case.description
    assert case.reporter.email == "warga@example.id"
    assert case.attachments.count() == 1


def test_replies_thread_by_reply_address_subject_tag_then_references(channel_settings):
    ingest(
        mail("Lampu jalan mati", "Lampu jalan mati di Jl. Sudirman", message_id="<m1@example.id>")
    )
    process_pending()
    case = Complaint.objects.get()
    number = case.tracking_number

    ingest(
        mail(
            "Tambahan",
            "Sudah tiga malam.",
            message_id="<m2@example.id>",
            to=f"pengaduan+{number}@kota.example",
        )
    )
    ingest(mail(f"Re: [{number}] Laporan Anda", "Masih mati.", message_id="<m3@example.id>"))
    ingest(
        mail(
            "Re: Lampu jalan mati",
            "Terima kasih atas tanggapannya, mohon dicek lagi.",
            message_id="<m4@example.id>",
            in_reply_to="<m1@example.id>",
        )
    )
    process_pending()
    assert Complaint.objects.count() == 1
    assert case.messages.filter(kind="citizen_reply").count() == 3
    assert Conversation.objects.count() == 1


def test_a_stranger_quoting_a_number_does_not_write_into_the_case(channel_settings):
    ingest(mail("Banjir", "Banjir di Teluk Betung", message_id="<m1@example.id>"))
    process_pending()
    case = Complaint.objects.get()
    ingest(
        mail(
            f"[{case.tracking_number}] hai",
            "Ini laporan lain soal sampah di Way Halim",
            message_id="<x1@example.id>",
            sender="orang.lain@example.id",
        )
    )
    process_pending()
    assert case.messages.filter(kind="citizen_reply").count() == 0
    assert Complaint.objects.count() == 2
