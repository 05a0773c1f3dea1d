"""Retention of case files and PPID requesters; the privacy notice's periods.

Each kind has its own period (settings); the tests set them apart so that one kind's
period cannot pass for another's.
"""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from kanal.audit.models import AuditEvent
from kanal.complaints import actions as case_actions
from kanal.complaints.models import Attachment, Complaint
from kanal.complaints.tests.factories import make_case
from kanal.ppid import actions as ppid_actions
from kanal.ppid import queries as ppid_queries
from kanal.ppid.models import InformationRequest, Objection, RequestAttachment, WrittenNotice
from kanal.privacy import actions, rules
from kanal.privacy.models import AnonymisedInformationRequest

from .helpers import at, jpeg, ppid_request

pytestmark = pytest.mark.django_db


def privacy_events(action):
    return AuditEvent.objects.filter(action=action)


# --- case files --------------------------------------------------------------------------


def test_case_files_are_deleted_after_their_own_period_once(staff, media, settings, time_machine):
    settings.KANAL_PRIVACY_RETENTION_DAYS = 3650  # the reporter's identity is kept longer
    settings.KANAL_PRIVACY_ATTACHMENT_RETENTION_DAYS = 365
    operator = staff["operator"]
    time_machine.move_to(at(2026, 1, 5))
    old = case_actions.reject_complaint(
        actor=operator, case=make_case(files=[("rumah.jpg", jpeg())]), reason="Bukan aduan."
    )
    time_machine.move_to(at(2026, 9, 1))
    recent = case_actions.reject_complaint(
        actor=operator, case=make_case(files=[("a.jpg", jpeg("blue"))]), reason="Bukan aduan."
    )
    still_open = make_case(files=[("b.jpg", jpeg("green"))])
    time_machine.move_to(at(2027, 1, 6))
    old_file = Path(Attachment.objects.get(complaint=old).file.path)
    kept_files = [Path(a.file.path) for a in Attachment.objects.exclude(complaint=old)]
    assert old_file.exists() and len(kept_files) == 2

    report = actions.apply_retention()

    assert report.attachments_removed == 1 and report.anonymised == 0
    assert not old_file.exists()
    assert not Attachment.objects.filter(complaint=old).exists()
    assert all(p.exists() for p in kept_files)
    assert {a.complaint_id for a in Attachment.objects.all()} == {recent.pk, still_open.pk}
    event = privacy_events("privacy.attachments_removed").get()
    assert event.object_id == str(old.pk) and event.actor_label == "system"
    assert event.data == {
        "reason": "retention",
        "request": None,
        "count": 1,
        "types": ["image/jpeg"],
    }
    assert Complaint.objects.get(pk=old.pk).reporter.name == "Budi Santoso"

    again = actions.apply_retention()
    assert again.attachments_removed == 0
    assert privacy_events("privacy.attachments_removed").count() == 1


def test_case_anonymisation_also_clears_the_channel_reply_address(staff):
    case = make_case(channel="whatsapp", channel_reference="6281234567890")
    case = case_actions.reject_complaint(actor=staff["operator"], case=case, reason="Bukan.")
    actions.anonymise_complaint(actor=None, case=case, reason="retention")
    assert Complaint.objects.get(pk=case.pk).channel_reference == ""


# --- PPID requests -----------------------------------------------------------------------


@pytest.fixture
def requests_(staff, media, settings, time_machine):
    """PPID requests around a one-year period ending 2026-01-06 (now: 2027-01-06)."""
    settings.KANAL_PRIVACY_PPID_RETENTION_DAYS = 365
    officer, superior = staff["officer"], staff["superior"]
    made = {}
    time_machine.move_to(at(2025, 11, 3, 3))
    made["answered"] = ppid_request(at(2025, 11, 3, 3))
    ppid_actions.issue_written_notice(actor=officer, request=made["answered"], outcome="not_held")
    made["objected"] = ppid_request(
        at(2025, 11, 3, 3),
        name="Rina",
        nik="1871010101900002",
        phone="0813-1111-2222",
        email="rina@example.org",
    )
    ppid_actions.issue_written_notice(actor=officer, request=made["objected"], outcome="not_held")
    time_machine.move_to(at(2025, 11, 10, 3))
    objection = ppid_actions.file_objection(
        actor=officer,
        request=made["objected"],
        ground="c",
        ground_arose_on=date(2025, 11, 3),
        objector_name="Rina",
        email="rina@example.org",
        phone="0813-1111-2222",
        case_position="Rina meminta ulang.",
    )
    time_machine.move_to(at(2025, 11, 20, 3))
    ppid_actions.answer_objection(
        actor=superior, objection=objection, decision="upheld", reasons="Memang tidak ada."
    )
    made["pending_objection"] = ppid_request(
        at(2025, 11, 3, 3),
        name="Tono",
        nik="1871010101900003",
        email="tono@example.org",
        phone="0814-0000-1111",
    )
    ppid_actions.issue_written_notice(
        actor=officer, request=made["pending_objection"], outcome="not_held"
    )
    ppid_actions.file_objection(
        actor=officer,
        request=made["pending_objection"],
        ground="c",
        ground_arose_on=date(2025, 11, 20),
        objector_name="Tono",
    )
    made["unanswered"] = ppid_request(
        at(2025, 11, 3, 3),
        name="Wati",
        nik="1871010101900004",
        email="wati@example.org",
        phone="0815-0000-1111",
    )
    time_machine.move_to(at(2026, 9, 1, 3))
    made["recent"] = ppid_request(
        at(2026, 9, 1, 3),
        name="Yudi",
        nik="1871010101900005",
        email="yudi@example.org",
        phone="0816-0000-1111",
    )
    ppid_actions.issue_written_notice(actor=officer, request=made["recent"], outcome="not_held")
    time_machine.move_to(at(2027, 1, 6))
    return made


def test_finished_ppid_requests_lose_the_requester_but_keep_the_register(requests_, staff):
    officer = staff["officer"]
    answered = requests_["answered"]
    ktp = Path(RequestAttachment.objects.get(request=answered).file.path)
    pdf = Path(WrittenNotice.objects.get(request=answered).document.path)
    assert ktp.exists() and pdf.exists()
    register_before = ppid_queries.request_register(officer)
    figures_before = ppid_queries.annual_report(2025)
    objection_rows_before = ppid_queries.objection_register(officer, 2025)[1]

    report = actions.apply_retention()

    assert report.information_requests == 2
    for key in ("answered", "objected"):
        req = InformationRequest.objects.get(pk=requests_[key].pk)
        assert req.requester_name == rules.ANONYMISED_NAME
        assert (req.identity_number, req.address, req.email, req.phone) == ("", "", "", "")
        assert "Siti" not in req.information_requested and "Rina" not in req.information_requested
        assert req.registration_number == requests_[key].registration_number
        assert req.answered_on == date(2025, 11, 3) and req.occupation == "Peneliti"
        assert not RequestAttachment.objects.filter(request=req).exists()
        notice = WrittenNotice.objects.get(request=req)
        assert not notice.document and notice.outcome == "not_held"
        assert req.outbox.exists()
        for outbound in req.outbox.all():
            assert (outbound.email, outbound.phone, outbound.attachment_path) == ("", "", "")
    assert not ktp.exists() and not pdf.exists()
    objection = Objection.objects.get(request=requests_["objected"])
    assert (objection.objector_name, objection.email, objection.phone) == (
        rules.ANONYMISED_NAME,
        "",
        "",
    )
    assert objection.decision == "upheld" and "Rina" not in objection.case_position
    for key in ("pending_objection", "unanswered", "recent"):
        req = InformationRequest.objects.get(pk=requests_[key].pk)
        assert req.requester_name == requests_[key].requester_name and req.identity_number
        assert RequestAttachment.objects.filter(request=req).exists()

    headers, rows = ppid_queries.request_register(officer)
    assert headers == register_before[0] and len(rows) == len(register_before[1])
    # Same numbers (the register orders ties of received_at arbitrarily: compare by number).
    before = {r[1]: r for r in register_before[1]}
    after = {r[1]: r for r in rows}
    assert after.keys() == before.keys()
    assert after[answered.registration_number][3] == rules.ANONYMISED_NAME
    assert after[answered.registration_number][4:6] == ["", ""]  # address, contact
    untouched = requests_["recent"].registration_number
    assert after[untouched] == before[untouched]
    for number, row in after.items():
        assert row[12] == before[number][12]  # the decision column
    assert ppid_queries.annual_report(2025) == figures_before
    assert len(ppid_queries.objection_register(officer, 2025)[1]) == len(objection_rows_before)
    events = privacy_events("privacy.information_request_anonymised")
    assert {e.object_repr for e in events} == {
        requests_["answered"].registration_number,
        requests_["objected"].registration_number,
    }

    assert actions.apply_retention().information_requests == 0
    assert AnonymisedInformationRequest.objects.count() == 2
    assert privacy_events("privacy.information_request_anonymised").count() == 2


# --- the privacy notice ------------------------------------------------------------------


@pytest.mark.parametrize(("language", "unit"), [("id", "hari"), ("en", "days")])
def test_the_privacy_notice_states_the_periods_in_force(client, settings, language, unit):
    settings.KANAL_PRIVACY_RETENTION_DAYS = 401
    settings.KANAL_PRIVACY_ATTACHMENT_RETENTION_DAYS = 402
    settings.KANAL_PRIVACY_CONVERSATION_RETENTION_DAYS = 403
    settings.KANAL_PRIVACY_PPID_RETENTION_DAYS = 404
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("portal:privacy")).content.decode()
    for days in (401, 402, 403, 404):
        assert f"{days} {unit}" in page
    settings.KANAL_PRIVACY_PPID_RETENTION_DAYS = 999
    assert f"999 {unit}" in client.get(reverse("portal:privacy")).content.decode()


def test_the_default_periods_are_what_the_rules_say(monkeypatch):
    """With no environment variable set, settings.py declares the rules' periods."""
    import importlib

    import kanal.settings

    for name in (
        "KANAL_PRIVACY_ATTACHMENT_RETENTION_DAYS",
        "KANAL_PRIVACY_CONVERSATION_RETENTION_DAYS",
        "KANAL_PRIVACY_PPID_RETENTION_DAYS",
    ):
        monkeypatch.delenv(name, raising=False)
    fresh = importlib.reload(kanal.settings)
    periods = (
        fresh.KANAL_PRIVACY_ATTACHMENT_RETENTION_DAYS,
        fresh.KANAL_PRIVACY_CONVERSATION_RETENTION_DAYS,
        fresh.KANAL_PRIVACY_PPID_RETENTION_DAYS,
    )
    assert periods == (
        rules.DEFAULT_ATTACHMENT_RETENTION_DAYS,
        rules.DEFAULT_CONVERSATION_RETENTION_DAYS,
        rules.DEFAULT_PPID_RETENTION_DAYS,
    )
