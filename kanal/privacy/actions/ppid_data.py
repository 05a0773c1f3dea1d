"""Writes on PPID data: the identity of requesters and objectors, kept off the register."""

from __future__ import annotations

from django.db import transaction

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
from .common import delete_stored_file, delete_with_files, mask, record_anonymised, scrub


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
    known = _identities(req, objections)
    _scrub_texts(req, objections, known)
    files, notice_pdf = _remove_files(req)
    return record_anonymised(
        AnonymisedInformationRequest,
        request=req,
        event="privacy.information_request_anonymised",
        obj=req,
        actor=actor,
        reason=reason,
        subject_request=subject_request,
        data={"objections": len(objections), "files": files, "notice_pdf_removed": notice_pdf},
    )


def _identities(req: InformationRequest, objections: list[Objection]) -> list[str]:
    """Every name, number and contact of the requester and the objectors, to mask."""
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
    return [k for k in known if k and k != rules.ANONYMISED_NAME]


def _scrub_texts(req: InformationRequest, objections: list[Objection], known: list[str]) -> None:
    """Clear the identity fields and mask ``known`` in the texts: the request, its
    objections and disputes, and the e-mails sent about it."""
    scrub(
        req,
        known,
        masked=["information_requested", "purpose"],
        cleared={
            "requester_name": rules.ANONYMISED_NAME,
            **dict.fromkeys(["identity_number", "address", "email", "phone", "on_behalf_of"], ""),
        },
    )
    for o in objections:
        scrub(
            o,
            known,
            masked=["case_position", "requester_response"],
            cleared={
                "objector_name": rules.ANONYMISED_NAME,
                **dict.fromkeys(["proxy_name", "email", "phone"], ""),
            },
        )
    for dispute in Dispute.objects.filter(objection__request=req):
        scrub(dispute, known, masked=["notes"])
    outbox.forget_recipients(
        OutboxMessage.objects.filter(information_request=req), lambda body: mask(body, known)
    )


def _remove_files(req: InformationRequest) -> tuple[int, bool]:
    """Delete the uploaded KTP and power-of-attorney files with their rows, and the
    written notice's PDF (the notice row stays); returns (files deleted, PDF deleted)."""
    files = delete_with_files(RequestAttachment.objects.filter(request=req))
    notice = WrittenNotice.objects.filter(request=req).first()
    if notice is None or not notice.document:
        return len(files), False
    delete_stored_file(notice.document)
    scrub(notice, cleared={"document": ""})
    return len(files), True
