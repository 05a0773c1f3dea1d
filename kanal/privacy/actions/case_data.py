"""Writes on a case's personal data: the reporter's identity and the case's files."""

from __future__ import annotations

from django.db import transaction

from kanal.complaints.models import (
    Attachment,
    CaseMessage,
    Complaint,
    ContactPreference,
    MessageKind,
)
from kanal.outbox import actions as outbox
from kanal.outbox.models import OutboxMessage

from ..models import AnonymisedCase
from .common import delete_with_files, mask, record_anonymised, record_removal, scrub


@transaction.atomic
def anonymise_complaint(*, actor, case: Complaint, reason: str, subject_request=None):
    """Remove the reporter's personal data from ``case``; safe to run twice.

    Clears the reporter's name, contacts, NIK and consent record (the Reporter row stays,
    empty, so notices keep their foreign key), masks names, phone numbers, NIK and
    e-mail addresses in the case text, the reporter's messages, the rating comment and
    the notices sent to them, clears the channel reply address (a phone number or
    account id), and marks the case anonymous. Tracking number, category, area, dates
    and the city's answers stay: the statistics and the public record need them. Files
    are removed separately (:func:`remove_case_attachments`, own period). Writes
    ``privacy.case_anonymised``. Returns the AnonymisedCase row.
    """
    case = Complaint.objects.select_for_update().get(pk=case.pk)
    done = AnonymisedCase.objects.filter(complaint=case).first()
    if done is not None:
        return done
    reporter = case.reporter
    known = [reporter.name, reporter.phone, reporter.email, reporter.nik] if reporter else []
    known = [k for k in known if k]
    scrub(
        case,
        known,
        masked=["title", "description", "address", "rating_comment"],
        cleared={"channel_reference": "", "is_anonymous": True},
    )
    for message in CaseMessage.objects.filter(complaint=case, kind=MessageKind.CITIZEN_REPLY):
        scrub(message, known, masked=["body"])
    outbox.forget_recipients(
        OutboxMessage.objects.filter(complaint=case), lambda body: mask(body, known)
    )
    if reporter is not None:
        scrub(
            reporter,
            cleared={
                **dict.fromkeys(["name", "phone", "email", "nik", "consent_text"], ""),
                "contact_preference": ContactPreference.NONE,
            },
        )
    return record_anonymised(
        AnonymisedCase,
        complaint=case,
        event="privacy.case_anonymised",
        obj=case,
        actor=actor,
        reason=reason,
        subject_request=subject_request,
    )


@transaction.atomic
def remove_case_attachments(*, actor, case: Complaint, reason: str, subject_request=None) -> int:
    """Delete every photo and document of ``case``, files and rows; returns how many.

    The rows go too, rather than staying with an empty file: every page that lists a
    case's files expects one behind each row, and nothing but the count and the types
    is worth keeping. Those, with the reason, are the ``privacy.attachments_removed``
    audit event, which is what says on the case that files existed. Runs again as a
    no-op (no rows left, no event).
    """
    case = Complaint.objects.select_for_update().get(pk=case.pk)
    attachments = delete_with_files(Attachment.objects.filter(complaint=case).order_by("pk"))
    if not attachments:
        return 0
    record_removal(
        "privacy.attachments_removed",
        obj=case,
        actor=actor,
        reason=reason,
        subject_request=subject_request,
        data={
            "count": len(attachments),
            "types": sorted({a.content_type for a in attachments}),
        },
    )
    return len(attachments)
