"""Writes on a case's personal data: the reporter's identity and the case's files."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kanal import audit
from kanal.complaints.models import Attachment, CaseMessage, Complaint, MessageKind
from kanal.complaints.rules import redact_personal_data
from kanal.outbox import actions as outbox
from kanal.outbox.models import OutboxMessage

from ..models import AnonymisedCase


def mask(text: str, known: list[str]) -> str:
    """``text`` with personal data and the ``known`` values masked; empty stays empty.

    Pure (writes nothing): the actions store its result.
    """
    return redact_personal_data(text, known) if text else text


def delete_stored_file(field) -> None:
    """Delete a FileField's file from storage; a file already gone is not an error.

    Called inside the transaction that removes or empties the row, before it commits:
    if the transaction then fails, the row stays pointing at a missing file and the next
    run removes it (the reverse order could leave a file that no row names, never found
    again).
    """
    if field and field.name:
        field.storage.delete(field.name)


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
    case.title = mask(case.title, known)
    case.description = mask(case.description, known)
    case.address = mask(case.address, known)
    case.rating_comment = mask(case.rating_comment, known)
    case.channel_reference = ""
    case.is_anonymous = True
    case.save(
        update_fields=[
            "title",
            "description",
            "address",
            "rating_comment",
            "channel_reference",
            "is_anonymous",
        ]
    )
    for message in CaseMessage.objects.filter(complaint=case, kind=MessageKind.CITIZEN_REPLY):
        message.body = mask(message.body, known)
        message.save(update_fields=["body"])
    outbox.forget_recipients(
        OutboxMessage.objects.filter(complaint=case), lambda body: mask(body, known)
    )
    if reporter is not None:
        reporter.name = reporter.phone = reporter.email = reporter.nik = ""
        reporter.consent_text = ""
        reporter.contact_preference = "none"
        reporter.save(
            update_fields=["name", "phone", "email", "nik", "consent_text", "contact_preference"]
        )
    row = AnonymisedCase.objects.create(
        complaint=case,
        reason=reason,
        subject_request=subject_request,
        anonymised_at=timezone.now(),
    )
    audit.record(
        "privacy.case_anonymised",
        actor=actor,
        obj=case,
        actor_label=audit.unless_signed_in(actor, "system"),
        data={"reason": reason, "request": subject_request.pk if subject_request else None},
    )
    return row


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
    attachments = list(Attachment.objects.filter(complaint=case).order_by("pk"))
    if not attachments:
        return 0
    for attachment in attachments:
        delete_stored_file(attachment.file)
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    audit.record(
        "privacy.attachments_removed",
        actor=actor,
        obj=case,
        actor_label=audit.unless_signed_in(actor, "system"),
        data={
            "reason": reason,
            "request": subject_request.pk if subject_request else None,
            "count": len(attachments),
            "types": sorted({a.content_type for a in attachments}),
        },
    )
    return len(attachments)
