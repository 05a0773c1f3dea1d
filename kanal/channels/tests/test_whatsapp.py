"""WhatsApp Cloud API: documented payloads in, one case, replies out in Meta's shape."""

from datetime import UTC, datetime

import pytest

from kanal.channels.models import (
    Contact,
    EventStatus,
    InboundEvent,
    Message,
    SignatureFailure,
)
from kanal.complaints.models import Complaint
from kanal.outbox.models import DeliveryAttempt, OutboxMessage

from .conftest import payload, process_pending, sent_outbox

pytestmark = pytest.mark.django_db
SAMPLE_TIME = datetime.fromtimestamp(1749416383 + 300, tz=UTC)  # 5 minutes after the sample


@pytest.fixture(autouse=True)
def _shortly_after_the_sample(time_machine):
    """The documented sample was sent in June 2025: its 24-hour window is open then."""
    time_machine.move_to(SAMPLE_TIME)


def test_the_documented_text_message_gives_exactly_one_case_and_a_reply(post_event, fake):
    response = post_event("whatsapp", payload("whatsapp_text.json"))
    assert response.status_code == 200
    process_pending()

    case = Complaint.objects.get()
    assert case.channel == "whatsapp"
    assert case.description == "Does it come in another color?"
    assert case.reporter.name == "Sheena Nelson" and case.reporter.phone == "+16505551234"
    contact = Contact.objects.get()
    assert contact.external_id == "16505551234" and contact.citizen.phone == "+16505551234"

    # The first reply tells the tracking number, sent to the Graph API in Meta's shape.
    (request,) = fake.sent("/messages")
    assert request.path == "/graph/106540352242922/messages"
    assert request.headers["Authorization"] == "Bearer wa-test-token"
    body = request.json()
    assert body["messaging_product"] == "whatsapp" and body["to"] == "+16505551234"
    assert body["type"] == "text" and case.tracking_number in body["text"]["body"]
    notice = case.outbox.get()
    assert notice.kind == "receipt" and notice.status == "sent"
    outbound = DeliveryAttempt.objects.get()
    assert outbound.route == "whatsapp" and outbound.state == "sent"
    assert outbound.provider_message_id.startswith("wamid.FAKE")


def test_the_same_delivery_posted_twice_still_gives_one_case(post_event, fake):
    body = payload("whatsapp_text.json")
    assert post_event("whatsapp", body).status_code == 200
    process_pending()
    assert post_event("whatsapp", body).status_code == 200
    process_pending()
    assert InboundEvent.objects.count() == 1
    assert Complaint.objects.count() == 1
    assert len(fake.sent("/messages")) == 1
    stored = InboundEvent.objects.get()  # raw as it arrived, headers as a JSON object
    assert bytes(stored.body) == body and stored.status == EventStatus.PROCESSED
    assert stored.headers["Content-Type"] == "application/json"
    assert "X-Hub-Signature-256" in stored.headers and stored.event_key.startswith("wamid.")


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"HTTP_X_HUB_SIGNATURE_256": "sha256=" + "0" * 64}, 403),
        ({}, 401),
        ({"HTTP_X_HUB_SIGNATURE_256": "sha1=abc"}, 403),
    ],
)
def test_a_bad_or_missing_signature_is_refused_counted_and_stores_nothing(
    post_event, headers, status
):
    response = post_event("whatsapp", payload("whatsapp_text.json"), headers=headers)
    assert response.status_code == status
    assert InboundEvent.objects.count() == 0 and Complaint.objects.count() == 0
    assert SignatureFailure.objects.get(provider="whatsapp").count == 1


def test_a_body_changed_after_signing_is_refused(post_event):
    from kanal.channels import rules

    from .conftest import APP_SECRET

    body = payload("whatsapp_text.json")
    headers = {"HTTP_X_HUB_SIGNATURE_256": rules.meta_signature(APP_SECRET, body)}
    tampered = body.replace(b"another color", b"another colour")
    assert post_event("whatsapp", tampered, headers=headers).status_code == 403
    assert InboundEvent.objects.count() == 0


def test_the_verification_handshake_echoes_the_challenge_only_with_our_token(
    client, channel_settings
):
    ok = client.get(
        "/webhooks/whatsapp/",
        {
            "hub.mode": "subscribe",
            "hub.challenge": "1158201444",
            "hub.verify_token": "meatyhamhock",
        },
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = client.get(
        "/webhooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "guess"},
    )
    assert bad.status_code == 403


def test_an_image_is_downloaded_at_once_and_attached_to_the_case(post_event, fake):
    post_event("whatsapp", payload("whatsapp_image.json"))
    process_pending()
    case = Complaint.objects.get()
    assert case.title == "Sampah menumpuk di Jl. Kartini"
    assert case.attachments.count() == 1
    media_lookup = [r for r in fake.requests if r.path == "/graph/1037543291543636"]
    assert media_lookup and media_lookup[0].headers["Authorization"] == "Bearer wa-test-token"
    message = Message.objects.get(direction="in")
    assert message.media.count() == 1 and message.kind == "image"


def test_a_location_after_the_report_is_added_to_the_open_case(post_event, reference_data):
    post_event("whatsapp", payload("whatsapp_text.json"))
    post_event("whatsapp", payload("whatsapp_location.json"))
    process_pending()
    case = Complaint.objects.get()
    reply = case.messages.get(kind="citizen_reply")
    assert "-5.4292" in reply.body and "105.261" in reply.body


def test_statuses_arrive_out_of_order_and_the_highest_is_kept(post_event, fake):
    post_event("whatsapp", payload("whatsapp_text.json"))
    process_pending()
    outbound = DeliveryAttempt.objects.get()
    wamid = outbound.provider_message_id
    read = payload("whatsapp_status_sent.json").replace(b'"status": "sent"', b'"status": "read"')
    read = read.replace(
        b"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=", wamid.encode()
    )
    sent = payload("whatsapp_status_sent.json").replace(
        b"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=", wamid.encode()
    )
    post_event("whatsapp", read)
    post_event("whatsapp", sent)  # arrives late
    process_pending()
    outbound.refresh_from_db()
    assert outbound.provider_status == "read" and outbound.message.status == "read"
    assert InboundEvent.objects.filter(status=EventStatus.PROCESSED).count() == 3


def test_a_failed_status_marks_the_attempt_failed_and_tries_the_next_route(post_event):
    post_event("whatsapp", payload("whatsapp_text.json"))
    process_pending()
    outbound = DeliveryAttempt.objects.get()
    failed = payload("whatsapp_status_failed.json").replace(
        b"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA",
        outbound.provider_message_id.encode(),
    )
    post_event("whatsapp", failed)
    process_pending()
    outbound.refresh_from_db()
    assert outbound.state == "failed" and "131049" in outbound.detail
    assert outbound.reason == "failed_later"
    # The reporter gave only this WhatsApp number and no template is set up: the
    # template, SMS (the gateway is configured) and e-mail routes follow, in order.
    routes = list(outbound.message.attempts.values_list("route", "state", "reason"))
    assert (
        routes[1:]
        == [
            ("whatsapp_template", "skipped", "no_template"),
            ("sms", "sent", ""),
            ("email", "skipped", "no_email"),
        ][: len(routes) - 1]
    )
    assert outbound.message.status == "sent"


def test_a_status_query_answers_with_the_state_and_opens_no_case(post_event, fake):
    post_event("whatsapp", payload("whatsapp_text.json"))
    process_pending()
    case = Complaint.objects.get()
    query = (
        payload("whatsapp_text.json")
        .replace(b"Does it come in another color?", f"cek status {case.tracking_number}".encode())
        .replace(b"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", b"wamid.Q2")
    )
    # A new conversation (another number) asks about the case: no case is opened.
    query = query.replace(b"16505551234", b"6281234567890")
    post_event("whatsapp", query)
    process_pending()
    sent_outbox()
    assert Complaint.objects.count() == 1
    answer = fake.sent("/messages")[-1].json()
    assert answer["to"] == "+6281234567890"
    assert case.tracking_number in answer["text"]["body"]
    assert case.get_state_display() in answer["text"]["body"]


def test_a_rate_limited_send_is_retried_later_then_sent(post_event, fake, time_machine):
    from kanal.outbox import tasks

    from .fakes.server import graph_error

    fake.fail_next.append((429, graph_error(130429, "Rate limit hit")))
    post_event("whatsapp", payload("whatsapp_text.json"))
    process_pending()
    outbound = DeliveryAttempt.objects.get()
    assert outbound.state == "waiting" and outbound.tries == 1
    assert "130429" in outbound.detail
    notice = OutboxMessage.objects.get()
    assert notice.status == "pending" and notice.next_try_at is not None
    assert tasks.deliver(notice.pk) == "waiting"  # not before the backoff
    time_machine.shift(31)
    assert tasks.deliver(notice.pk) == "sent:whatsapp"
    notice.refresh_from_db()
    outbound.refresh_from_db()
    assert notice.status == "sent" and outbound.tries == 2 and outbound.state == "sent"
    assert len(fake.sent("/messages")) == 2


def test_a_refused_send_records_the_providers_reason_and_falls_back(post_event, fake):
    from .fakes.server import graph_error

    fake.fail_next.append((400, graph_error(131047, "Re-engagement message")))
    post_event("whatsapp", payload("whatsapp_text.json"))
    process_pending()
    outbound = DeliveryAttempt.objects.get(route="whatsapp")
    assert outbound.state == "failed" and outbound.reason == "refused"
    assert "131047" in outbound.detail
    notice = Complaint.objects.get().outbox.get()
    assert notice.attempts.get(route="sms").state == "sent"
