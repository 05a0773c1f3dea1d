"""Writes on PPID data: the identity of requesters and objectors, kept off the register."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kanal import audit
from kanal.outbox import actions as outbox
from kanal.outbox.models import OutboxMessage
from kanal.ppid.models import (
    Dispute,
    InformationRequest,
    Objection,
    RequestAttachment,
    WrittenNotice,
)

from .. import queries, rules
from ..models import AnonymisationReason, AnonymisedInformationRequest
from .case_data import delete_stored_file, mask


@transaction.atomic
def anonymise_information_request(
    *, actor, request: InformationRequest, reason: str, subject_request=None, now=None
) -> AnonymisedInformationRequest | None:
    """Remove the requester's and objectors' identity from a finished request; safe twice.

    The register row stays with its number, dates, channel, requester kind, occupation
    (a register column that names no one), what was asked, the decision, costs and
    deadlines, so the registers and the Pasal 12 report keep their rows and figures
    (UU 14/2008 obliges the register; UU 27/2022 limits how long the person is named in
    it). The name becomes ``[dianonimkan]``; NIK, address, phone, e-mail and "on behalf
    of" are cleared; the same values are masked in the request text, purpose, objection
    texts, dispute notes and the e-mails sent. Uploaded KTP and power-of-attorney files
    are deleted with their rows, and the written notice's PDF (it prints name and
    address) is deleted; the notice row stays.

    For ``retention`` the request is checked again under the lock (a late objection may
    have arrived) and left (None returned) if no longer due. Writes
    ``privacy.information_request_anonymised``.
    """
    req = InformationRequest.objects.select_for_update().get(pk=request.pk)
    done = AnonymisedInformationRequest.objects.filter(request=req).first()
    if done is not None:
        return done
    if reason == AnonymisationReason.RETENTION and not (
        queries.information_requests_due(now).filter(pk=req.pk).exists()
    ):
        return None
    objections = list(Objection.objects.select_for_update().filter(request=req))
    known = [
        req.requester_name,
        req.identity_number,
        req.address,
        req.email,
        req.phone,
        req.on_behalf_of,
    ]
    for o in objections:
        known += [o.objector_name, o.proxy_name, o.email, o.phone]
    known = [k for k in known if k and k != rules.ANONYMISED_NAME]

    req.information_requested = mask(req.information_requested, known)
    req.purpose = mask(req.purpose, known)
    req.requester_name = rules.ANONYMISED_NAME
    req.identity_number = req.address = req.email = req.phone = req.on_behalf_of = ""
    req.save(
        update_fields=[
            "information_requested",
            "purpose",
            "requester_name",
            "identity_number",
            "address",
            "email",
            "phone",
            "on_behalf_of",
        ]
    )
    for o in objections:
        o.objector_name = rules.ANONYMISED_NAME
        o.proxy_name = o.email = o.phone = ""
        o.case_position = mask(o.case_position, known)
        o.requester_response = mask(o.requester_response, known)
        o.save(
            update_fields=[
                "objector_name",
                "proxy_name",
                "email",
                "phone",
                "case_position",
                "requester_response",
            ]
        )
    for dispute in Dispute.objects.filter(objection__request=req):
        dispute.notes = mask(dispute.notes, known)
        dispute.save(update_fields=["notes"])
    outbox.forget_recipients(
        OutboxMessage.objects.filter(information_request=req), lambda body: mask(body, known)
    )

    files = list(RequestAttachment.objects.filter(request=req))
    for attachment in files:
        delete_stored_file(attachment.file)
    RequestAttachment.objects.filter(pk__in=[a.pk for a in files]).delete()
    notice = WrittenNotice.objects.filter(request=req).first()
    notice_pdf = False
    if notice is not None and notice.document:
        notice_pdf = True
        delete_stored_file(notice.document)
        notice.document = ""
        notice.save(update_fields=["document"])

    row = AnonymisedInformationRequest.objects.create(
        request=req,
        reason=reason,
        subject_request=subject_request,
        anonymised_at=timezone.now(),
    )
    audit.record(
        "privacy.information_request_anonymised",
        actor=actor,
        obj=req,
        actor_label=audit.unless_signed_in(actor, "system"),
        data={
            "reason": reason,
            "request": subject_request.pk if subject_request else None,
            "objections": len(objections),
            "files": len(files),
            "notice_pdf_removed": notice_pdf,
        },
    )
    return row
