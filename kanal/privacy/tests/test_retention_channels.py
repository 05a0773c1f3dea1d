"""Retention of channel conversations and raw events; erasure requests over every kind."""

from pathlib import Path

import pytest

from kanal.audit.models import AuditEvent
from kanal.channels.models import Contact, Conversation, InboundEvent, Message, MessageMedia
from kanal.complaints import actions as case_actions
from kanal.complaints.models import Attachment
from kanal.complaints.tests.factories import make_case
from kanal.ppid import actions as ppid_actions
from kanal.ppid.models import InformationRequest
from kanal.privacy import actions, queries, rules
from kanal.privacy.actions import channel_data
from kanal.privacy.models import AnonymisedConversation

from .helpers import assert_emptied, assert_untouched, at, jpeg, ppid_request, talk

pytestmark = pytest.mark.django_db


def privacy_events(action):
    return AuditEvent.objects.filter(action=action)


# --- channel conversations ---------------------------------------------------------------


@pytest.fixture
def threads(staff, media, settings, time_machine):
    """Conversations around a one-year period that ends 2026-01-06 (now: 2027-01-06)."""
    settings.KANAL_PRIVACY_CONVERSATION_RETENTION_DAYS = 365
    settings.KANAL_PRIVACY_RETENTION_DAYS = 3650
    settings.KANAL_PRIVACY_ATTACHMENT_RETENTION_DAYS = 3650
    time_machine.move_to(at(2025, 12, 1))
    finished = case_actions.reject_complaint(
        actor=staff["operator"], case=make_case(channel="whatsapp"), reason="Bukan aduan."
    )
    time_machine.move_to(at(2025, 12, 1))
    open_case = make_case(channel="whatsapp")
    made = {
        "chatter": talk(time_machine, at(2025, 12, 2)),  # never a case, silent a year
        "old_case": talk(
            time_machine, at(2025, 12, 1), phone="6281111111111", name="Sari", complaint=finished
        ),
        "open_case": talk(
            time_machine, at(2025, 12, 1), phone="6282222222222", name="Ani", complaint=open_case
        ),
        "recent": talk(time_machine, at(2026, 6, 1), phone="6283333333333", name="Joko"),
    }
    time_machine.move_to(at(2025, 12, 1))
    closed_late = make_case(channel="whatsapp")
    made["closed_late"] = talk(
        time_machine, at(2025, 12, 1), phone="6284444444444", name="Dewi", complaint=closed_late
    )
    time_machine.move_to(at(2026, 6, 1))  # its case ended inside the period: kept
    case_actions.reject_complaint(actor=staff["operator"], case=closed_late, reason="Bukan.")
    time_machine.move_to(at(2025, 12, 3))
    made["old_receipt"] = InboundEvent.objects.create(
        provider="whatsapp",
        event_key="status-old",
        body=b'{"status": "read", "recipient_id": "6281234567890"}',
        received_at=at(2025, 12, 3),
    )
    time_machine.move_to(at(2026, 6, 2))
    made["new_receipt"] = InboundEvent.objects.create(
        provider="whatsapp",
        event_key="status-new",
        body=b'{"status": "read", "recipient_id": "6283333333333"}',
        received_at=at(2026, 6, 2),
    )
    time_machine.move_to(at(2027, 1, 6))
    return made


def test_silent_conversations_past_the_period_are_anonymised_once(threads):
    files = {
        key: Path(MessageMedia.objects.get(message__conversation=threads[key]).file.path)
        for key in ("chatter", "old_case", "open_case", "recent", "closed_late")
    }
    assert set(queries.conversations_due()) == {threads["chatter"], threads["old_case"]}
    messages_before = Message.objects.count()

    report = actions.apply_retention()

    assert report.conversations == 2 and report.events_emptied == 1
    for key in ("chatter", "old_case"):
        assert_emptied(threads[key])
        assert not files[key].exists()
    for key in ("open_case", "recent", "closed_late"):
        assert_untouched(threads[key])
        assert files[key].exists()
    assert Message.objects.count() == messages_before  # rows and figures stay
    threads["old_receipt"].refresh_from_db()
    threads["new_receipt"].refresh_from_db()
    assert bytes(threads["old_receipt"].body) == b""
    assert b"6283333333333" in bytes(threads["new_receipt"].body)
    events = privacy_events("privacy.conversation_anonymised")
    assert sorted(int(e.object_id) for e in events) == sorted(
        [threads["chatter"].pk, threads["old_case"].pk]
    )
    numbers = ("6281234567890", "6281111111111", "Budi", "Sari")  # chatter's and old_case's
    # No number or name in the audit log; the repr may hold the row id, which can contain "62".
    assert not [e.object_repr for e in events if any(n in e.object_repr for n in numbers)]
    batch = privacy_events("privacy.events_emptied").get()
    assert batch.data["count"] == 1

    again = actions.apply_retention()
    assert (again.conversations, again.events_emptied) == (0, 0)
    assert privacy_events("privacy.conversation_anonymised").count() == 2
    assert privacy_events("privacy.events_emptied").count() == 1


def test_a_contact_stays_while_another_of_its_conversations_is_kept(threads, time_machine):
    contact = threads["chatter"].contact
    time_machine.move_to(at(2026, 11, 1))
    Conversation.objects.create(contact=contact, channel="whatsapp", thread_key="other-thread")
    time_machine.move_to(at(2027, 1, 6))
    actions.apply_retention()
    contact.refresh_from_db()
    assert contact.external_id == "6281234567890"  # still in use by the recent thread
    threads["chatter"].refresh_from_db()
    assert threads["chatter"].thread_key.startswith("anonymised:")


def test_a_message_arriving_before_the_lock_keeps_the_conversation(threads):
    conversation = threads["chatter"]
    assert conversation in queries.conversations_due()
    # Written after the job chose it, before it took the lock: the re-check sees it.
    Message.objects.create(
        conversation=conversation, direction="in", text="Masih?", sent_at=at(2027, 1, 5)
    )
    done = actions.anonymise_conversation(actor=None, conversation=conversation, reason="retention")
    assert done is None
    assert_untouched(conversation, messages=2)
    assert not AnonymisedConversation.objects.filter(conversation=conversation).exists()


def test_a_worker_stopped_mid_run_leaves_the_rest_for_the_next_run(threads, monkeypatch):
    real_record = channel_data.audit.record
    calls = []

    def dies_on_the_second(action, **kwargs):
        calls.append(action)
        if action == "privacy.conversation_anonymised" and len(calls) == 2:
            raise SystemExit("worker killed")
        return real_record(action, **kwargs)

    monkeypatch.setattr(channel_data.audit, "record", dies_on_the_second)
    with pytest.raises(SystemExit):
        actions.apply_retention()
    first, second = sorted((threads["chatter"], threads["old_case"]), key=lambda c: c.pk)
    assert_emptied(first)
    second.refresh_from_db()
    assert not second.thread_key.startswith("anonymised:")  # rolled back as a whole
    assert Message.objects.get(conversation=second).text
    # Its media file was deleted before the failed commit; the row that names it stays,
    # and the next run removes the row without tripping over the missing file.
    assert MessageMedia.objects.filter(message__conversation=second).exists()

    monkeypatch.setattr(channel_data.audit, "record", real_record)
    report = actions.apply_retention()
    assert report.conversations == 1
    assert_emptied(second)


# --- erasure -----------------------------------------------------------------------------


def test_an_erasure_request_covers_files_conversations_and_ppid_requests(
    staff, media, time_machine
):
    dpo, operator, officer = staff["dpo"], staff["operator"], staff["officer"]
    time_machine.move_to(at(2026, 11, 2, 3))
    finished = case_actions.reject_complaint(
        actor=operator, case=make_case(files=[("x.jpg", jpeg())]), reason="Bukan aduan."
    )
    case_file = Path(Attachment.objects.get(complaint=finished).file.path)
    open_case = make_case(channel="whatsapp")
    chatter = talk(time_machine, at(2026, 11, 3), phone="6281234567890")
    held = talk(time_machine, at(2026, 11, 3), phone="6281234567890", complaint=open_case)
    someone_else = talk(time_machine, at(2026, 11, 3), phone="6289999999999", name="Lain")
    time_machine.move_to(at(2026, 11, 4, 3))
    answered = ppid_request(at(2026, 11, 4, 3), email="budi@example.com", phone="0812-3456-7890")
    ppid_actions.issue_written_notice(actor=officer, request=answered, outcome="not_held")
    in_progress = ppid_request(at(2026, 11, 4, 3), email="budi@example.com", nik="1871010101900009")

    req = actions.open_subject_request(
        actor=dpo,
        kind="erasure",
        subject_name="Budi",
        phone="+62 812 3456 7890",
        email="budi@example.com",
    )
    actions.check_subject_identity(actor=dpo, request=req, how="KTP")
    assert actions.erase_subject_data(actor=dpo, request=req) == [finished.tracking_number]

    assert not case_file.exists() and not Attachment.objects.filter(complaint=finished).exists()
    # The contact itself stays: the thread of the open case still replies through it.
    assert_emptied(chatter, contact_too=False)
    assert Contact.objects.get(pk=held.contact_id).external_id == "6281234567890"
    held.refresh_from_db()
    assert held.thread_key == "6281234567890"  # its case is still being handled
    assert Message.objects.get(conversation=held).text
    assert_untouched(someone_else)
    assert InformationRequest.objects.get(pk=answered.pk).requester_name == rules.ANONYMISED_NAME
    assert InformationRequest.objects.get(pk=in_progress.pk).requester_name == "Siti Aminah"
    req.refresh_from_db()
    assert in_progress.registration_number in req.outcome
    assert "kept for open cases: 1" in req.outcome
    done = privacy_events("privacy.conversation_anonymised").get()
    assert done.data["reason"] == "erasure" and done.data["request"] == req.pk
    erasure = privacy_events("privacy.erasure_done").get()
    assert erasure.data["information_requests"] == [answered.registration_number]
