"""The reporter rates and reopens by replying on WhatsApp (issue 16, item 4)."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from kanal.complaints import actions as complaints
from kanal.complaints.models import Complaint
from kanal.directory.models import Unit

from .conftest import payload, process_pending

pytestmark = pytest.mark.django_db
SAMPLE_TIME = datetime.fromtimestamp(1749416383 + 300, tz=UTC)


@pytest.fixture
def staff(reference_data, staff_factory):
    return {
        "operator": staff_factory("op", [("operator", "diskominfo")]),
        "officer": staff_factory("dpu", [("unit_officer", "dpu")]),
    }


def answer(case, staff) -> Complaint:
    """Verify, dispose, follow up and accept: the reporter gets the answer and the question."""
    complaints.verify_complaint(actor=staff["operator"], case=case)
    complaints.dispose_complaint(
        actor=staff["operator"], case=case, unit=Unit.objects.get(code="dpu")
    )
    complaints.follow_up_complaint(actor=staff["officer"], case=case, body="Sudah ditambal.")
    return complaints.complete_complaint(actor=staff["operator"], case=case)


def whatsapp_text(text: str, message_id: str, sender: str = "16505551234") -> bytes:
    body = json.loads(payload("whatsapp_text.json"))
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    message["text"]["body"], message["id"], message["from"] = text, message_id, sender
    message["timestamp"] = str(int(datetime.now(tz=UTC).timestamp()))
    body["entry"][0]["changes"][0]["value"]["contacts"][0]["wa_id"] = sender
    return json.dumps(body).encode()


@pytest.fixture
def answered_whatsapp_case(post_event, fake, staff, time_machine):
    time_machine.move_to(SAMPLE_TIME, tick=False)
    post_event("whatsapp", payload("whatsapp_text.json"))
    process_pending()
    case = answer(Complaint.objects.get(), staff)
    process_pending()
    question = fake.sent("/messages")[-1].json()
    assert "buka lagi" in question["text"]["body"] and "1" in question["text"]["body"]
    return case


def test_a_reply_of_a_digit_rates_the_answered_case(answered_whatsapp_case, post_event, fake):
    post_event("whatsapp", whatsapp_text("4", "wamid.RATE1"))
    process_pending()
    case = Complaint.objects.get()
    assert case.rating == 4 and case.state == "selesai"
    thanks = fake.sent("/messages")[-1].json()
    assert "4" in thanks["text"]["body"] and case.tracking_number in thanks["text"]["body"]
    assert case.messages.filter(kind="citizen_reply").count() == 0  # a rating, not a reply

    post_event("whatsapp", whatsapp_text("2", "wamid.RATE2"))  # a second rating
    process_pending()
    case.refresh_from_db()
    assert case.rating == 4
    assert "sudah dinilai 4" in fake.sent("/messages")[-1].json()["text"]["body"]


def test_buka_lagi_reopens_within_the_window_and_is_refused_after_it(
    answered_whatsapp_case, post_event, fake, staff, time_machine
):
    post_event("whatsapp", whatsapp_text("Buka lagi, lubangnya muncul lagi", "wamid.RE1"))
    process_pending()
    case = Complaint.objects.get()
    assert case.state == "didisposisikan" and case.reopen_count == 1  # back to the unit
    assert "dibuka kembali" in fake.sent("/messages")[-1].json()["text"]["body"]

    # Answered and closed again; a month later the window has passed.
    complaints.follow_up_complaint(actor=staff["officer"], case=case, body="Ditambal ulang.")
    complaints.complete_complaint(actor=staff["operator"], case=case)
    complaints.close_complaint(actor=staff["operator"], case=case)
    time_machine.move_to(SAMPLE_TIME + timedelta(days=40), tick=False)
    post_event("whatsapp", whatsapp_text("buka lagi", "wamid.RE2"))
    process_pending()
    case.refresh_from_db()
    assert case.state == "ditutup" and case.reopen_count == 1
    refused = fake.sent("/messages")[-1].json()
    assert "tidak dapat dibuka kembali" in json.dumps(refused, ensure_ascii=False)


def test_a_web_reporter_rates_by_replying_to_the_whatsapp_template(
    client, channel_settings, fake, post_event, staff, time_machine
):
    """Never wrote on WhatsApp before: the answer reached them as a template, and their
    reply "5" from that number rates the case it was about."""
    time_machine.move_to(SAMPLE_TIME, tick=False)
    channel_settings.KANAL_WHATSAPP_NOTICE_TEMPLATE = {"name": "kabar_laporan", "language": "id"}
    case = complaints.submit_complaint(
        channel="web",
        title="Lampu mati",
        description="Lampu jalan mati",
        reporter=complaints.ReporterDetails(
            name="Rina", phone="0812-3456-7890", contact_preference="whatsapp"
        ),
    )
    answer(case, staff)
    process_pending()
    assert fake.sent("/messages")[-1].json()["type"] == "template"
    post_event("whatsapp", whatsapp_text("5", "wamid.WEB5", sender="6281234567890"))
    process_pending()
    case.refresh_from_db()
    assert case.rating == 5
    assert Complaint.objects.count() == 1  # the "5" opened no new case
    assert case.conversations.get().channel == "whatsapp"  # later replies find the case
