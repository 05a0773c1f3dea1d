"""The four outboxes become one: rows of the old tables are carried over by the migration."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("complaints", "0006_citizen_side"),
    ("channels", "0002_channel_settings"),
    ("ppid", "0001_initial"),
    ("outbox", None),
]


@pytest.mark.django_db(transaction=True)
def test_pending_and_sent_rows_of_the_old_outboxes_are_carried_over():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = (
            MigrationExecutor(connection)
            .loader.project_state([target for target in BEFORE if target[1]])
            .apps
        )
        Reporter = old.get_model("complaints", "Reporter")
        Complaint = old.get_model("complaints", "Complaint")
        Notice = old.get_model("complaints", "CitizenNotice")
        Outbound = old.get_model("channels", "OutboundMessage")
        Citizen = old.get_model("channels", "Citizen")
        Contact = old.get_model("channels", "Contact")
        Conversation = old.get_model("channels", "Conversation")
        now = timezone.now()
        reporter = Reporter.objects.create(
            name="Ani", phone="0812", email="ani@example.id", contact_preference="whatsapp"
        )
        case = Complaint.objects.create(
            tracking_number="BL-AAAA-BBBB",
            title="t",
            description="d",
            reporter=reporter,
            received_at=now,
        )
        Notice.objects.create(
            complaint=case,
            reporter=reporter,
            channel="email",
            address="ani@example.id",
            subject="Kode",
            body="pending",
        )
        sent = Notice.objects.create(
            complaint=case,
            reporter=reporter,
            channel="whatsapp",
            address="0812",
            subject="Diterima",
            body="sent",
            status="sent",
            sent_at=now,
        )
        Notice.objects.create(  # to a follower of the case (no reporter)
            complaint=case,
            channel="email",
            address="tetangga@example.id",
            subject="Kabar",
            body="to a follower",
        )
        contact = Contact.objects.create(
            channel="whatsapp",
            external_id="62812",
            phone="+62812",
            citizen=Citizen.objects.create(phone="+62812"),
        )
        conversation = Conversation.objects.create(
            contact=contact, channel="whatsapp", thread_key="62812", complaint=case
        )
        Outbound.objects.create(
            conversation=conversation,
            complaint=case,
            notice_id=sent.pk,
            channel="whatsapp",
            recipient="62812",
            body="sent",
            status="delivered",
            provider_message_id="wamid.OLD",
            attempts=1,
            sent_at=now,
        )
        Outbound.objects.create(
            conversation=conversation, channel="whatsapp", recipient="62812", body="hello"
        )
    finally:
        call_command("migrate", verbosity=0)

    from kanal.outbox.models import DeliveryAttempt, OutboxMessage

    pending = OutboxMessage.objects.get(body="pending")
    assert pending.status == "pending" and pending.first_route == "email"
    assert pending.plan == ["email", "whatsapp_template", "sms"] and pending.route_index == 0
    assert pending.phone == "0812" and not pending.attempts.exists()
    delivered = OutboxMessage.objects.get(body="sent")
    assert delivered.status == "delivered" and delivered.conversation_id == conversation.pk
    attempt = delivered.attempts.get()
    assert (attempt.route, attempt.state, attempt.provider_status) == (
        "whatsapp",
        "sent",
        "delivered",
    )
    # A late status callback or an e-mail reply still finds it by the provider's id.
    assert DeliveryAttempt.objects.get(provider_message_id="wamid.OLD") == attempt
    queued = OutboxMessage.objects.get(body="hello")
    assert queued.kind == "reply" and queued.status == "pending" and queued.plan == ["whatsapp"]
    follower = OutboxMessage.objects.get(body="to a follower")
    assert (follower.kind, follower.email, follower.phone) == (
        "follower_update",
        "tetangga@example.id",
        "",
    )
    assert follower.plan == ["email"] and follower.status == "pending"
    assert OutboxMessage.objects.count() == 4  # the notice and its channel row became one
