"""The e-mail channel against real servers: Dovecot (IMAP) in, aiosmtpd (SMTP) out."""

from __future__ import annotations

import pytest
from django.utils import translation

from kanal.channels import actions, tasks
from kanal.channels.adapters.checks import check_connection
from kanal.channels.models import InboundEvent
from kanal.complaints.models import Complaint

from .conftest import process_pending
from .test_email import mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(imap_server, reference_data):
    """The e-mail channel configured on the console page, pointing at Dovecot."""
    actions.save_channel_settings(actor=None, provider="email", values=imap_server.console_values())
    return imap_server


def test_polling_dovecot_opens_a_case_and_marks_the_mail_seen_once_stored(mailbox):
    mailbox.deliver(
        mail("Lampu jalan mati", "Lampu di Jl. Kartini mati.", message_id="<m-imap-1@warga.id>")
    )
    assert len(mailbox.unseen()) == 1

    assert tasks.poll_email.call() == 1
    assert mailbox.unseen() == []  # marked seen only after it was stored
    assert tasks.poll_email.call() == 0
    process_pending()

    case = Complaint.objects.get()
    assert case.channel == "email" and "Lampu di Jl. Kartini mati." in case.description
    assert InboundEvent.objects.get().event_key == "mid:<m-imap-1@warga.id>"


def test_a_mail_polled_twice_before_it_was_marked_seen_gives_one_case(mailbox):
    raw = mail("Sampah", "Sampah menumpuk di pasar.", message_id="<m-imap-2@warga.id>")
    mailbox.deliver(raw)
    mailbox.deliver(raw)  # the same message delivered again (a resend, a second copy)
    assert tasks.poll_email.call() == 2
    process_pending()
    assert Complaint.objects.count() == 1


def test_the_receipt_of_a_mailed_case_reaches_the_real_smtp_server(mailbox, smtp_backend):
    mailbox.deliver(
        mail("Jalan berlubang", "Lubang besar di Jl. Teuku Umar.", message_id="<m-imap-3@warga.id>")
    )
    tasks.poll_email.call()
    process_pending()  # the case, then its receipt sent by the outbox
    case = Complaint.objects.get()
    (envelope,) = smtp_backend.envelopes
    assert envelope.rcpt_tos == ["warga@example.id"]
    (message,) = smtp_backend.messages
    assert case.tracking_number in message.get_payload(decode=True).decode()


def test_the_connection_test_logs_in_to_dovecot_and_greets_the_smtp_server(mailbox, smtp_backend):
    result = check_connection("email")
    assert result.ok, result.message
    actions.save_channel_settings(
        actor=None,
        provider="email",
        values=mailbox.console_values() | {"KANAL_IMAP_PASSWORD": "wrong-password"},
    )
    with translation.override("en"):
        result = check_connection("email")
    assert not result.ok and "refused the login" in result.message
