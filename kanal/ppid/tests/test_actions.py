"""PPID actions: numbering, completeness, extension, notices, objections, reminders."""

import io
import threading
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from PIL import Image

from kanal.audit.models import AuditEvent
from kanal.core.uploads import UploadRejected
from kanal.outbox import tasks as outbox_tasks
from kanal.outbox.models import OutboxMessage
from kanal.ppid import actions, queries, rules
from kanal.ppid.models import (
    InformationRequest,
    Reminder,
    RequestAttachment,
    RequestState,
)

from .conftest import jakarta, request_details

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def submit(**overrides):
    received_at = overrides.pop("received_at", jakarta(date(2026, 3, 13)))
    return actions.submit_information_request(
        actor=None, channel="web", details=request_details(**overrides), received_at=received_at
    )


def test_submission_issues_a_number_and_a_due_date_and_is_audited(reference_data):
    req = submit()
    again = submit()
    assert req.registration_number == "PPID-2026-000001"
    assert again.registration_number == "PPID-2026-000002"
    assert req.state == RequestState.IN_PROGRESS
    assert req.received_on == req.completed_on == date(2026, 3, 13)
    assert req.due_on == date(2026, 4, 6)
    event = AuditEvent.objects.get(action="information_request.submitted", object_id=str(req.pk))
    assert event.actor_label == "citizen"


def test_numbers_restart_each_year(reference_data):
    assert submit(received_at=jakarta(date(2025, 12, 31))).registration_number.startswith(
        "PPID-2025-"
    )
    assert submit(received_at=jakarta(date(2026, 1, 2))).registration_number == "PPID-2026-000001"


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database locks whole tables (shared cache); "
    "row locks are exercised by the PostgreSQL suite",
)
@pytest.mark.django_db(transaction=True)
def test_numbers_are_unique_under_concurrent_submissions(reference_data):
    numbers, errors = [], []

    def worker():
        try:
            numbers.append(submit().registration_number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"PPID-2026-{n:06d}" for n in range(1, 7)]


def test_ktp_upload_is_sanitised_and_stored(reference_data):
    req = actions.submit_information_request(
        actor=None,
        channel="web",
        details=request_details(),
        uploads=[actions.Upload("identity", "ktp.jpg", jpeg_with_exif())],
    )
    attachment = RequestAttachment.objects.get(request=req)
    data = attachment.file.read()
    assert attachment.content_type == "image/jpeg"
    assert b"SecretCamera" not in data
    assert "ktp" not in attachment.file.name


def test_a_rejected_upload_stores_nothing(reference_data):
    with pytest.raises(UploadRejected):
        actions.submit_information_request(
            actor=None,
            channel="web",
            details=request_details(),
            uploads=[actions.Upload("identity", "ktp.exe", b"MZ\x90\x00not an image")],
        )
    assert not InformationRequest.objects.exists()


def test_request_from_a_case_needs_only_text_and_a_contact(reference_data, officer):
    req = actions.receive_request_from_case(
        actor=officer,
        requester_name="",
        contact_phone="081200001111",
        text="Minta data APBD 2025",
        channel="whatsapp",
        received_at=jakarta(date(2026, 3, 13)),
        case_reference="ADU-2026-000042",
    )
    assert req.state == RequestState.INCOMPLETE
    assert req.channel == "complaint" and req.source_channel == "whatsapp"
    assert req.case_reference == "ADU-2026-000042"
    assert req.due_on == date(2026, 4, 6)  # the clock runs from receipt (UU 22(7))
    with pytest.raises(rules.RuleViolation):
        actions.issue_written_notice(actor=officer, request=req, outcome="not_held")
    with pytest.raises(rules.RuleViolation):
        actions.complete_information_request(actor=officer, request=req, details={})
    req = actions.complete_information_request(
        actor=officer,
        request=req,
        details={"requester_name": "Rudi", "identity_number": "1871", "address": "Jl. A"},
        completed_on=date(2026, 3, 17),
    )
    assert req.state == RequestState.IN_PROGRESS
    assert req.due_on == date(2026, 4, 6)


def test_clock_from_completeness_is_configurable(reference_data, officer, settings):
    settings.KANAL_PPID_CLOCK_STARTS_AT = "complete"
    req = actions.receive_request_from_case(
        actor=officer,
        requester_name="Rudi",
        contact_email="rudi@example.org",
        text="Minta data",
        channel="lapor",
        received_at=jakarta(date(2026, 3, 13)),
    )
    req = actions.complete_information_request(
        actor=officer,
        request=req,
        details={"identity_number": "1871", "address": "Jl. A"},
        completed_on=date(2026, 3, 17),
    )
    assert req.due_on == date(2026, 4, 8)


def test_extension_once_with_reason_and_told_to_the_requester(reference_data, officer):
    req = submit()
    with pytest.raises(rules.RuleViolation):
        actions.extend_information_request(actor=officer, request=req, reason=" ")
    req = actions.extend_information_request(
        actor=officer, request=req, reason="Dokumen di tiga unit", today=date(2026, 4, 1)
    )
    assert req.state == RequestState.EXTENDED and req.due_on == date(2026, 4, 15)
    assert OutboxMessage.objects.filter(information_request=req, kind="ppid_extension").exists()
    with pytest.raises(rules.RuleViolation):
        actions.extend_information_request(
            actor=officer, request=req, reason="lagi", today=date(2026, 4, 2)
        )


def test_extension_after_the_deadline_is_refused(reference_data, officer):
    req = submit()
    with pytest.raises(rules.RuleViolation):
        actions.extend_information_request(
            actor=officer, request=req, reason="terlambat", today=date(2026, 4, 7)
        )


def test_rejection_takes_ground_and_test_from_the_dik(reference_data, officer):
    from kanal.ppid.models import ExemptedInformationItem

    item = actions.save_exempted_item(
        actor=officer,
        item=ExemptedInformationItem(
            title="Rekam medis",
            ground="h",
            consequence_test="Rahasia pribadi pasien",
            exempt_from=date(2026, 1, 1),
        ),
    )
    notice = actions.issue_written_notice(
        actor=officer, request=submit(), outcome="rejected", exempted_item=item
    )
    assert notice.exemption_ground == "h"
    assert notice.consequence_test == "Rahasia pribadi pasien"


def test_notice_pdf_is_a_pdf_with_the_number_and_is_mailed(
    reference_data, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = actions.issue_written_notice(
            actor=officer,
            request=submit(),
            outcome="partly_granted",
            material="Salinan laporan",
            blacked_out="Nama penerima (Pasal 17 huruf h)",
            cost=5000,
            payment_method="Tunai",
            issued_on=date(2026, 4, 1),
        )
    pdf = notice.document.read()
    assert pdf.startswith(b"%PDF-")
    assert b"PPID-2026-000001" in pdf
    assert b"PEMBERITAHUAN TERTULIS" in pdf  # the form's wording, in Indonesian
    outbound = OutboxMessage.objects.get(information_request=notice.request, kind="ppid_notice")
    # the task was enqueued with the notice; the worker sends it (run the task's body)
    assert outbox_tasks.deliver(outbound.pk) == "sent:email"
    assert outbox_tasks.deliver(outbound.pk) == "done"  # twice: one mail
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["siti@example.org"]
    assert mail.outbox[0].attachments[0][0] == "PPID-2026-000001.pdf"
    with pytest.raises(rules.RuleViolation):
        actions.issue_written_notice(actor=officer, request=notice.request, outcome="not_held")


def test_without_email_the_notice_goes_to_the_phone(reference_data, officer):
    req = submit(email="", phone="081234567890", delivery_method="pick_up")
    actions.issue_written_notice(actor=officer, request=req, outcome="not_documented")
    message = OutboxMessage.objects.get(kind="ppid_notice")
    assert message.plan == ["whatsapp_template", "sms", "email"]
    assert message.phone == "+6281234567890" and not message.email


def answered_request(officer, issued_on=date(2026, 4, 1)):
    return actions.issue_written_notice(
        actor=officer, request=submit(), outcome="not_held", held_by="Pemprov", issued_on=issued_on
    ).request


def test_objection_deadlines_and_late_filing(reference_data, officer):
    req = answered_request(officer)
    with pytest.raises(rules.RuleViolation):
        actions.file_objection(
            actor=None,
            request=req,
            ground="d",
            ground_arose_on=date(2026, 4, 1),
            objector_name="Siti",
            filed_on=date(2026, 6, 1),
        )
    late = actions.file_objection(
        actor=officer,
        request=req,
        ground="d",
        ground_arose_on=date(2026, 4, 1),
        objector_name="Siti",
        filed_on=date(2026, 6, 1),
        accept_late=True,
    )
    assert late.filed_late and late.registration_number == "KEB-2026-000001"
    on_time = actions.file_objection(
        actor=None,
        request=req,
        ground="c",
        ground_arose_on=date(2026, 4, 1),
        objector_name="Siti",
        filed_on=date(2026, 4, 20),
    )
    assert not on_time.filed_late and on_time.due_on == date(2026, 6, 9)


def test_only_the_superior_answers_and_reasons_are_required(reference_data, officer, superior):
    req = answered_request(officer)
    objection = actions.file_objection(
        actor=None,
        request=req,
        ground="a",
        ground_arose_on=date(2026, 4, 1),
        objector_name="Siti",
        filed_on=date(2026, 4, 2),
    )
    with pytest.raises(PermissionDenied):
        actions.answer_objection(actor=officer, objection=objection, decision="upheld", reasons="x")
    with pytest.raises(rules.RuleViolation):
        actions.answer_objection(actor=superior, objection=objection, decision="upheld", reasons="")
    answered = actions.answer_objection(
        actor=superior,
        objection=objection,
        decision="upheld",
        reasons="Uji konsekuensi benar",
        answered_on=date(2026, 5, 4),
    )
    assert answered.superior_name == str(superior)
    dispute = actions.record_dispute(actor=officer, objection=answered, filed_on=date(2026, 5, 20))
    assert not dispute.filed_late and dispute.commission == "Komisi Informasi Provinsi Lampung"
    dispute = actions.record_dispute(
        actor=officer,
        objection=answered,
        filed_on=date(2026, 5, 20),
        outcome="mediated",
        outcome_on=date(2026, 7, 1),
    )
    assert dispute.outcome == "mediated"
    assert AuditEvent.objects.filter(action="dispute.updated").exists()


def test_reminders_are_recorded_once(reference_data, officer, time_machine):
    from kanal.ppid.models import ExemptedInformationItem, PublicInformationItem

    req = submit()  # due 6 April 2026
    actions.save_public_information_item(
        actor=officer,
        item=PublicInformationItem(
            title="LKPD", category="berkala", last_published_on=date(2025, 6, 1)
        ),
    )
    actions.save_exempted_item(
        actor=officer,
        item=ExemptedInformationItem(
            title="Berkas",
            ground="a",
            consequence_test="x",
            exempt_from=date(2025, 1, 1),
            exempt_until=date(2026, 3, 31),
        ),
    )
    assert actions.send_ppid_reminders(today=date(2026, 3, 16)) == 1  # stale DIP only
    assert actions.send_ppid_reminders(today=date(2026, 4, 2)) == 2  # due soon + DIK ended
    assert actions.send_ppid_reminders(today=date(2026, 4, 2)) == 0
    assert actions.send_ppid_reminders(today=date(2026, 4, 7)) == 1  # overdue
    overdue = Reminder.objects.get(kind="overdue")
    assert overdue.request == req and overdue.for_superior


def test_reminder_task_is_registered():
    from kanal.core import schedule

    assert "ppid.reminders" in {job.name for job in schedule.registered_jobs()}


def test_demo_data_is_idempotent_and_feeds_the_annual_report(reference_data):
    from kanal.ppid.demo import create_demo_data

    assert create_demo_data(2025, 20) == 20
    assert create_demo_data(2025, 20) == 0
    figures = queries.annual_report(2025)
    assert figures.requests_received == 20
    assert figures.unanswered == 2  # every ninth is left unanswered
    assert figures.answered == 18
    assert sum(figures.by_outcome.values()) == 18
    assert figures.average_working_days is not None
    assert figures.objections >= 1


def test_demo_data_command(reference_data):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("ppid_demo_data", "--year", "2025", "--count", "5", stdout=out)
    call_command("ppid_demo_data", "--year", "2025", "--count", "5", stdout=out)
    assert out.getvalue().splitlines() == [
        "5 demo requests created for 2025.",
        "0 demo requests created for 2025.",
    ]
    assert InformationRequest.objects.filter(received_on__year=2025).count() == 5
