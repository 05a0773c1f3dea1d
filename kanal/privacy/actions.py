"""Writes for personal data protection: anonymise cases, handle requests, record breaches."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kanal import audit
from kanal.complaints.models import CaseMessage, CitizenNotice, Complaint, MessageKind
from kanal.complaints.rules import redact_personal_data

from . import queries, rules
from .models import (
    AnonymisationReason,
    AnonymisedCase,
    Breach,
    RequestKind,
    RequestState,
    SubjectRequest,
)


class RequestClosed(ValueError):
    """The request was already completed or refused."""


def _mask(text: str, known: list[str]) -> str:
    return redact_personal_data(text, known) if text else text


@transaction.atomic
def anonymise_complaint(*, actor, case: Complaint, reason: str, subject_request=None):
    """Remove the reporter's personal data from ``case``; safe to run twice.

    Clears the reporter's name, contacts, NIK and consent record (the Reporter row stays,
    empty, so notices keep their foreign key), masks names, phone numbers, NIK and
    e-mail addresses in the case text, the reporter's messages, the rating comment and
    the notices sent to them, and marks the case anonymous. Tracking number, category,
    area, dates and the city's answers stay: the statistics and the public record need
    them. Writes ``privacy.case_anonymised``. Returns the AnonymisedCase row.
    """
    case = Complaint.objects.select_for_update().get(pk=case.pk)
    done = AnonymisedCase.objects.filter(complaint=case).first()
    if done is not None:
        return done
    reporter = case.reporter
    known = [reporter.name, reporter.phone, reporter.email, reporter.nik] if reporter else []
    known = [k for k in known if k]
    case.title = _mask(case.title, known)
    case.description = _mask(case.description, known)
    case.address = _mask(case.address, known)
    case.rating_comment = _mask(case.rating_comment, known)
    case.is_anonymous = True
    case.save(update_fields=["title", "description", "address", "rating_comment", "is_anonymous"])
    for message in CaseMessage.objects.filter(complaint=case, kind=MessageKind.CITIZEN_REPLY):
        message.body = _mask(message.body, known)
        message.save(update_fields=["body"])
    for notice in CitizenNotice.objects.filter(complaint=case):
        notice.address = ""
        notice.body = _mask(notice.body, known)
        notice.save(update_fields=["address", "body"])
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
        actor_label="" if actor else "system",
        data={"reason": reason, "request": subject_request.pk if subject_request else None},
    )
    return row


@dataclass(frozen=True)
class RetentionReport:
    anonymised: int
    retention_days: int


def apply_retention(now=None, batch: int = 500) -> RetentionReport:
    """Anonymise every finished case past the retention period (KANAL_PRIVACY_RETENTION_DAYS).

    Each case is anonymised in its own transaction, so a failure leaves the others done;
    running it again continues where it stopped.
    """
    count = 0
    for case in queries.cases_due_for_anonymisation(now)[:batch]:
        anonymise_complaint(actor=None, case=case, reason=AnonymisationReason.RETENTION)
        count += 1
    return RetentionReport(anonymised=count, retention_days=queries.retention_days())


@transaction.atomic
def open_subject_request(
    *, actor, kind: str, subject_name: str, phone="", email="", nik="", note=""
) -> SubjectRequest:
    """Record a data subject's request for access or erasure. Writes an audit event."""
    req = SubjectRequest.objects.create(
        kind=kind,
        subject_name=subject_name,
        phone=phone,
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
    """Hand the subject a copy of their data; returns it. Needs a checked identity."""
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
    """Anonymise the subject's finished cases; open cases keep the data until they end.

    Handling an open case is a public-service task (UU 27/2022 Pasal 20(2)(e)); the
    outcome lists the cases kept, and the retention job erases them later anyway.
    Returns the tracking numbers anonymised.
    """
    req = _lock_open(request)
    if req.kind != RequestKind.ERASURE or not req.identity_checked:
        raise ValueError("an erasure request with a checked identity is needed")
    done, kept = [], []
    for case in queries.cases_of_subject(req):
        if case.state in rules.FINISHED_STATES:
            anonymise_complaint(
                actor=actor, case=case, reason=AnonymisationReason.ERASURE, subject_request=req
            )
            done.append(case.tracking_number)
        else:
            kept.append(case.tracking_number)
    req.state, req.closed_at = RequestState.COMPLETED, timezone.now()
    req.outcome = (
        f"anonymised: {', '.join(done) or '-'}; still being handled: {', '.join(kept) or '-'}"
    )
    # The request itself no longer needs the contact details once it is done.
    req.phone = req.email = req.nik = ""
    req.save(update_fields=["state", "closed_at", "outcome", "phone", "email", "nik"])
    audit.record(
        "privacy.erasure_done", actor=actor, obj=req, data={"anonymised": done, "kept": kept}
    )
    return done


@transaction.atomic
def check_subject_identity(*, actor, request: SubjectRequest, how: str) -> SubjectRequest:
    """Record that staff checked the subject's identity (KTP at the desk, code to contact)."""
    req = _lock_open(request)
    req.identity_checked = True
    req.note = (req.note + "\n" if req.note else "") + f"identity checked: {how}"
    req.save(update_fields=["identity_checked", "note"])
    audit.record("privacy.identity_checked", actor=actor, obj=req, data={"how": how})
    return req


@transaction.atomic
def refuse_subject_request(*, actor, request: SubjectRequest, reason: str) -> SubjectRequest:
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
    """Record a personal-data breach; the notice clock (72 hours) runs from discovery."""
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
