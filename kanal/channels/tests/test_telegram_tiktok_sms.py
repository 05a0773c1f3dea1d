"""Telegram, TikTok and SMS: documented payloads in, one case, replies in their shapes."""

from datetime import UTC, datetime, timedelta

import pytest

from kanal.channels import rules
from kanal.channels.models import Citizen, Contact, InboundEvent, SignatureFailure
from kanal.complaints.models import Complaint

from .conftest import TIKTOK_SECRET, payload, process_pending, sent_outbox

pytestmark = pytest.mark.django_db


def test_telegram_start_gets_help_and_a_report_gets_one_case(post_event, fake):
    post_event("telegram", payload("telegram_start.json"))
    process_pending()
    sent_outbox()
    assert Complaint.objects.count() == 0
    (help_message,) = fake.sent("/sendMessage")
    assert help_message.path == "/telegram/bot123456:telegram-test-token/sendMessage"
    assert help_message.json()["chat_id"] == "1111111"

    report = payload("telegram_report.json")
    post_event("telegram", report)
    post_event("telegram", report)  # Telegram repeats the update
    process_pending()
    case = Complaint.objects.get()
    assert case.channel == "telegram" and case.reporter.name == "Test Firstname Test Lastname"
    answer = fake.sent("/sendMessage")[-1].json()
    assert answer["chat_id"] == "1111111" and case.tracking_number in answer["text"]
    assert case.outbox.get().status == "sent"


def test_telegram_without_the_secret_token_is_refused(post_event):
    body = payload("telegram_report.json")
    assert post_event("telegram", body, headers={}).status_code == 401
    wrong = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": "not-it"}
    assert post_event("telegram", body, headers=wrong).status_code == 403
    assert InboundEvent.objects.count() == 0
    assert SignatureFailure.objects.get(provider="telegram").count == 2


def test_telegram_photo_is_fetched_with_getfile(post_event, fake):
    import json

    update = json.loads(payload("telegram_report.json"))
    update["message"].pop("text")
    update["message"]["caption"] = "Pohon tumbang di Jl. Diponegoro"
    update["message"]["photo"] = [
        {"file_id": "small", "width": 90, "height": 90, "file_size": 1000},
        {"file_id": "large", "width": 800, "height": 800, "file_size": 50000},
    ]
    post_event("telegram", json.dumps(update).encode())
    process_pending()
    case = Complaint.objects.get()
    assert case.attachments.count() == 1
    assert any("getFile" in r.path and r.json()["file_id"] == "large" for r in fake.requests)


def test_tiktok_documented_message_gives_one_case_and_a_business_api_reply(
    post_event, fake, time_machine
):
    time_machine.move_to(datetime.fromtimestamp(1700000000 + 60, tz=UTC))
    body = payload("tiktok_text.json")
    assert post_event("tiktok", body).status_code == 200
    assert post_event("tiktok", body).status_code == 200
    process_pending()
    case = Complaint.objects.get()
    assert case.channel == "tiktok" and case.description == "Hello from TikTok"
    (request,) = fake.sent("/business/message/send")
    assert request.headers["Access-Token"] == "tiktok-test-token"
    sent = request.json()
    assert sent["recipient_type"] == "CONVERSATION" and sent["recipient"] == "tt-conv-1"
    assert sent["message_type"] == "TEXT" and case.tracking_number in sent["text"]["body"]


def test_tiktok_stale_or_bad_signatures_are_refused(post_event, time_machine):
    now = datetime.fromtimestamp(1700000000 + 60, tz=UTC)
    time_machine.move_to(now)
    body = payload("tiktok_text.json")
    stale = rules.tiktok_signature(TIKTOK_SECRET, body, now - timedelta(minutes=10))
    assert post_event("tiktok", body, headers={"HTTP_TIKTOK_SIGNATURE": stale}).status_code == 403
    forged = rules.tiktok_signature("not-the-secret", body, now)
    assert post_event("tiktok", body, headers={"HTTP_TIKTOK_SIGNATURE": forged}).status_code == 403
    assert InboundEvent.objects.count() == 0


def test_sms_and_whatsapp_from_the_same_number_are_one_citizen(post_event, fake, time_machine):
    import json

    time_machine.move_to(datetime.fromtimestamp(1749416383 + 300, tz=UTC))
    wa = payload("whatsapp_text.json").replace(b"16505551234", b"6281234567890")
    post_event("whatsapp", wa)
    sms = {
        "id": "gw-1",
        "from": "081234567890",
        "text": "Air PDAM mati tiga hari di Kedaton",
        "received_at": 1749416400,
    }
    post_event("sms", json.dumps(sms).encode())
    process_pending()
    assert Contact.objects.count() == 2 and Citizen.objects.count() == 1
    assert Complaint.objects.count() == 2
    (sms_request,) = fake.sent("/sms/messages")
    assert sms_request.json()["to"] == "+6281234567890"
    assert sms_request.headers["Authorization"] == "Bearer sms-test-token"

    from kanal.channels.queries import cases_of_citizen

    assert cases_of_citizen(Citizen.objects.get()).count() == 2
