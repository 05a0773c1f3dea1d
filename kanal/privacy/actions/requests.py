"""Writes for data-subject requests (UU 27/2022 Bab IV) and breach records (Pasal 46)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kanal import audit
from kanal.core import phones

from .. import queries, rules
from ..models import (
    AnonymisationReason,
    Breach,
    RequestKind,
    RequestState,
    SubjectRequest,
)
from .case_data import anonymise_complaint, remove_case_attachments
from .channel_data import anonymise_conversation
from .ppid_data import anonymise_information_request


class RequestClosed(ValueError):
    """The request was already completed or refused."""


@transaction.atomic
def open_subject_request(
    *, actor, kind: str, subject_name: str, phone="", email="", nik="", note=""
) -> SubjectRequest:
    """Record a data subject's request for access or erasure. Writes an audit event."""
    req = SubjectRequest.objects.create(
        kind=kind,
        subject_name=subject_name,
        phone=phones.storable(phone),
        email=email,
        nik=nik,
        note=note,
        received_at=timezone.now(),
        recorded_by=actor,
    )
    audit.record("privacy.request_opened", actor=actor, obj=req, data={"kind": kind})
    return req


def _lock_open(req: SubjectRequest) -> SubjectRequest:
    req = SubjectRequest.objects.select_for_update().get(pk=req.pk)
    if req.state != RequestState.OPEN:
        raise RequestClosed(req.state)
    return req


@transaction.atomic
def complete_access_request(*, actor, request: SubjectRequest) -> dict:
    """Hand the subject a copy of their data; returns it. Needs a checked identity.

    Audited as ``privacy.access_given``; raises RequestClosed when it is closed already,
    ValueError unless it is an access request with a checked identity.
    """
    req = _lock_open(request)
    if req.kind != RequestKind.ACCESS or not req.identity_checked:
        raise ValueError("an access request with a checked identity is needed")
    data = queries.subject_data(req)
    req.state, req.closed_at = RequestState.COMPLETED, timezone.now()
    req.outcome = f"copy of {len(data['cases'])} case(s) given"
    req.save(update_fields=["state", "closed_at", "outcome"])
    audit.record(
        "privacy.access_given",
        actor=actor,
        obj=req,
        data={"cases": [c["tracking_number"] for c in data["cases"]]},
    )
    return data


@transaction.atomic
def erase_subject_data(*, actor, request: SubjectRequest) -> list[str]:
    """Erase what Kanal holds on the subject, except where a task still needs it.

    Covers what the retention job covers, without waiting for the periods: finished
    cases are anonymised and their files deleted; channel conversations of the subject's
    contacts (matched by phone or e-mail) are anonymised unless tied to a case still
    being handled; finished PPID requests (matched by NIK, phone or e-mail) lose the
    requester's identity, keeping the register row. Open cases and PPID requests still
    being handled keep the data: that handling is a public-service task (UU 27/2022
    Pasal 20(2)(e)); the outcome lists what was kept, and the retention job erases it
    later anyway. Returns the tracking numbers of the cases anonymised.

    Audited as ``privacy.erasure_done``; raises RequestClosed when it is closed already,
    ValueError unless it is an erasure request with a checked identity.
    """
    req = _lock_open(request)
    if req.kind != RequestKind.ERASURE or not req.identity_checked:
        raise ValueError("an erasure request with a checked identity is needed")
    erasure = {
        "actor": actor,
        "reason": AnonymisationReason.ERASURE,
        "subject_request": req,
    }
    done, kept = [], []
    for case in queries.cases_of_subject(req):
        if case.state in rules.FINISHED_STATES:
            anonymise_complaint(case=case, **erasure)
            remove_case_attachments(case=case, **erasure)
            done.append(case.tracking_number)
        else:
            kept.append(case.tracking_number)
    threads_done, threads_kept = 0, 0
    for conversation in queries.conversations_of_subject(req):
        if queries.conversation_is_held(conversation):
            threads_kept += 1
        else:
            anonymise_conversation(conversation=conversation, **erasure)
            threads_done += 1
    ppid_done, ppid_kept = [], []
    for info_request in queries.information_requests_of_subject(req):
        if queries.information_request_is_finished(info_request):
            anonymise_information_request(request=info_request, **erasure)
            ppid_done.append(info_request.registration_number)
        else:
            ppid_kept.append(info_request.registration_number)
    req.state, req.closed_at = RequestState.COMPLETED, timezone.now()
    req.outcome = (
        f"anonymised: {', '.join(done) or '-'}; still being handled: {', '.join(kept) or '-'}; "
        f"conversations anonymised: {threads_done}, kept for open cases: {threads_kept}; "
        f"information requests anonymised: {', '.join(ppid_done) or '-'}, "
        f"still being handled: {', '.join(ppid_kept) or '-'}"
    )
    # The request itself no longer needs the contact details once it is done.
    req.phone = req.email = req.nik = ""
    req.save(update_fields=["state", "closed_at", "outcome", "phone", "email", "nik"])
    audit.record(
        "privacy.erasure_done",
        actor=actor,
        obj=req,
        data={
            "anonymised": done,
            "kept": kept,
            "conversations": threads_done,
            "conversations_kept": threads_kept,
            "information_requests": ppid_done,
            "information_requests_kept": ppid_kept,
        },
    )
    return done


@transaction.atomic
def check_subject_identity(*, actor, request: SubjectRequest, how: str) -> SubjectRequest:
    """Record that staff checked the subject's identity (KTP at the desk, code to contact).

    Audited as ``privacy.identity_checked``.
    """
    req = _lock_open(request)
    req.identity_checked = True
    req.note = (req.note + "\n" if req.note else "") + f"identity checked: {how}"
    req.save(update_fields=["identity_checked", "note"])
    audit.record("privacy.identity_checked", actor=actor, obj=req, data={"how": how})
    return req


@transaction.atomic
def refuse_subject_request(*, actor, request: SubjectRequest, reason: str) -> SubjectRequest:
    """Close an open data-subject request as refused with ``reason`` (audited as
    ``privacy.request_refused``); raises RequestClosed when it is closed already.
    """
    req = _lock_open(request)
    req.state, req.closed_at, req.outcome = RequestState.REFUSED, timezone.now(), reason
    req.save(update_fields=["state", "closed_at", "outcome"])
    audit.record("privacy.request_refused", actor=actor, obj=req, data={"reason": reason})
    return req


BREACH_FIELDS = (
    "title",
    "discovered_at",
    "occurred_at",
    "description",
    "data_concerned",
    "subjects_affected",
    "measures",
    "subjects_notified_at",
    "authority_notified_at",
)


@transaction.atomic
def record_breach(*, actor, **fields) -> Breach:
    """Record a personal-data breach; the notice clock (72 hours) runs from discovery.

    Audited as ``privacy.breach_recorded``.
    """
    breach = Breach.objects.create(
        recorded_by=actor, **{k: v for k, v in fields.items() if k in BREACH_FIELDS}
    )
    audit.record(
        "privacy.breach_recorded",
        actor=actor,
        obj=breach,
        data={
            "discovered_at": breach.discovered_at,
            "due": rules.breach_notice_due(breach.discovered_at),
        },
    )
    return breach


@transaction.atomic
def update_breach(*, actor, breach: Breach, close: bool = False, **fields) -> Breach:
    """Update a breach record (notices sent, measures); every change is audited."""
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    changed = {}
    for key, value in fields.items():
        if key in BREACH_FIELDS and getattr(breach, key) != value:
            setattr(breach, key, value)
            changed[key] = value
    if close and breach.closed_at is None:
        breach.closed_at = timezone.now()
        changed["closed_at"] = breach.closed_at
    breach.save()
    audit.record("privacy.breach_updated", actor=actor, obj=breach, data={"changed": list(changed)})
    return breach
