"""Messenger, Instagram and Page comments through the one Meta webhook."""

from datetime import UTC, datetime, timedelta

import pytest

from kanal.channels.models import Contact, InboundEvent, Message
from kanal.complaints.models import Complaint
from kanal.outbox.models import DeliveryAttempt

from .conftest import payload, process_pending, sent_outbox

pytestmark = pytest.mark.django_db
MESSENGER_TIME = datetime.fromtimestamp(1458692752478 / 1000, tz=UTC)


@pytest.fixture
def after_messenger_sample(time_machine):
    time_machine.move_to(MESSENGER_TIME + timedelta(minutes=5))


def test_the_documented_messenger_message_gives_one_case_and_a_send_api_reply(
    post_event, fake, after_messenger_sample
):
    body = payload(
        "messenger_text.json", **{"<PSID>": "2915461648484", "<PAGE_ID>": "682498302938465"}
    )
    assert post_event("meta", body).status_code == 200
    assert post_event("meta", body).status_code == 200  # Meta's retry
    process_pending()
    case = Complaint.objects.get()
    assert case.channel == "facebook" and case.description == "hello, world!"
    (request,) = fake.sent("/messages")
    assert request.path == "/graph/682498302938465/messages"
    assert request.headers["Authorization"] == "Bearer page-test-token"
    sent = request.json()
    assert sent["recipient"] == {"id": "2915461648484"}
    assert sent["messaging_type"] == "RESPONSE"
    assert case.tracking_number in sent["message"]["text"]
    assert case.outbox.get().status == "sent"


def test_a_messenger_attachment_is_fetched_from_its_expiring_url(
    post_event, fake, after_messenger_sample
):
    body = payload(
        "messenger_attachment.json",
        **{
            "<PSID>": "2915461648484",
            "<PAGE_ID>": "682498302938465",
            "<ATTACHMENT_URL>": f"{fake.url}/cdn/image.jpg?sig=abc",
        },
    )
    post_event("meta", body)
    process_pending()
    case = Complaint.objects.get()
    assert case.attachments.count() == 1
    assert any(r.path.startswith("/cdn/image.jpg") for r in fake.requests)


def test_delivery_and_read_callbacks_raise_the_outbox_status(
    post_event, fake, after_messenger_sample, time_machine
):
    ids = {"<PSID>": "2915461648484", "<PAGE_ID>": "682498302938465"}
    post_event("meta", payload("messenger_text.json", **ids))
    process_pending()
    outbound = DeliveryAttempt.objects.get()
    delivery = payload("messenger_delivery.json", **ids).replace(
        b"mid.1458668856218:ed81099e15d3f4f233", outbound.provider_message_id.encode()
    )
    post_event("meta", delivery)
    process_pending()
    outbound.refresh_from_db()
    assert outbound.provider_status == "delivered"
    watermark = int((outbound.finished_at + timedelta(seconds=1)).timestamp() * 1000)
    read = payload("messenger_read.json", **ids).replace(b"1458668856253", str(watermark).encode())
    post_event("meta", read)
    process_pending()
    outbound.refresh_from_db()
    assert outbound.provider_status == "read" and outbound.message.status == "read"


def test_echoes_reactions_and_other_changes_create_nothing(post_event):
    post_event("meta", payload("messenger_echo_standby.json", **{"<PAGE_ID>": "1", "<PSID>": "2"}))
    post_event("meta", payload("feed_reaction.json"))
    process_pending()
    assert Complaint.objects.count() == 0 and Contact.objects.count() == 0
    assert set(InboundEvent.objects.values_list("outcome", flat=True)) == {"ignored"}


def test_an_instagram_story_reply_becomes_a_case_and_a_deleted_message_is_marked(
    post_event, fake, time_machine
):
    time_machine.move_to(datetime.fromtimestamp(1700000000 + 60, tz=UTC))
    ids = {
        "<SENDER_ID>": "igsid-1",
        "<RECIPIENT_ID>": "ig-biz",
        "<MESSAGE_ID>": "ig-mid-1",
        "<YOUR_APP_USERS_INSTAGRAM_USER_ID>": "ig-biz",
        "<CDN_URL_FOR_THE_STORY>": "https://cdn.example/story",
        "<STORY_ID>": "st-1",
    }
    post_event("meta", payload("instagram_story_reply.json", **ids))
    process_pending()
    case = Complaint.objects.get()
    assert case.channel == "instagram"
    assert "https://cdn.example/story" in case.description
    message = Message.objects.get(direction="in")
    assert message.kind == "story_reply"
    (request,) = fake.sent("/messages")
    assert request.json()["recipient"] == {"id": "igsid-1"}

    deleted = payload("instagram_deleted.json").replace(b"message-id-to-delete", b"ig-mid-1")
    post_event("meta", deleted)
    process_pending()
    message.refresh_from_db()
    assert message.is_deleted


def test_an_instagram_story_mention_is_kept_with_its_link(post_event, time_machine):
    time_machine.move_to(datetime(2021, 9, 8, 6, 40, tzinfo=UTC))
    post_event("meta", payload("instagram_story_mention.json"))
    process_pending()
    message = Message.objects.get()
    assert message.kind == "story_mention"
    assert message.data["story_url"].startswith("https://lookaside.fbsbx.com/")
    assert Complaint.objects.get().channel == "instagram"


def test_a_page_comment_becomes_a_case_answered_under_the_comment(post_event, fake, time_machine):
    time_machine.move_to(datetime.fromtimestamp(1710000000 + 60, tz=UTC))
    post_event("meta", payload("feed_comment.json"))
    post_event("meta", payload("feed_comment.json"))
    process_pending()
    case = Complaint.objects.get()
    assert case.channel == "facebook" and case.description == "Gia bao nhieu?"
    (request,) = fake.sent("/comments")
    assert request.path == "/graph/c-1/comments"
    assert case.tracking_number in request.json()["message"]


def test_an_instagram_comment_is_answered_with_a_reply(post_event, fake, time_machine):
    time_machine.move_to(datetime.fromtimestamp(1700000000 + 60, tz=UTC))
    ids = {
        "<YOUR_APP_USERS_INSTAGRAM_ACCOUNT_ID>": "ig-biz",
        "<COMMENT_ID>": "17865799348089039",
        "<INSTAGRAM_SCOPED_USER_ID>": "igsid-9",
        "<USERNAME>": "warga_bl",
        "<COMMENT_TEXT>": "Drainase di Way Halim tersumbat",
        "<MEDIA_ID>": "m-1",
        "<MEDIA_PRODUCT_TYPE>": "FEED",
    }
    post_event("meta", payload("instagram_comment.json", **ids))
    process_pending()
    case = Complaint.objects.get()
    assert case.channel == "instagram" and case.reporter.name == "warga_bl"
    (request,) = fake.sent("/replies")
    assert request.path == "/graph/17865799348089039/replies"


def test_outside_24_hours_messenger_uses_the_human_agent_tag_then_skips_after_7_days(
    post_event, fake, time_machine
):
    time_machine.move_to(MESSENGER_TIME + timedelta(minutes=5))
    ids = {"<PSID>": "2915461648484", "<PAGE_ID>": "682498302938465"}
    post_event("meta", payload("messenger_text.json", **ids))
    process_pending()
    case = Complaint.objects.get()
    from kanal.complaints.actions.common import notify_reporter

    time_machine.move_to(MESSENGER_TIME + timedelta(days=2))
    notify_reporter(case, "Update", "Your report is being handled.")
    process_pending()
    tagged = fake.sent("/messages")[-1].json()
    assert tagged["messaging_type"] == "MESSAGE_TAG" and tagged["tag"] == "HUMAN_AGENT"

    time_machine.move_to(MESSENGER_TIME + timedelta(days=8))
    late = notify_reporter(case, "Update", "Your report is completed.")
    process_pending()
    late.refresh_from_db()
    assert late.attempts.first().reason == "window_closed"
    # The Messenger user left no phone or e-mail: nothing else can reach them.
    assert late.status == "unreachable"
    assert len(fake.sent("/messages")) == 2
    sent_outbox()
