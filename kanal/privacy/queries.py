"""Reads for personal data protection: who may act, what is due, what we hold on a person."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kanal.accounts.queries import scope_for
from kanal.complaints.models import CaseMessage, CitizenNotice, Complaint, MessageKind

from . import rules
from .models import AnonymisedCase, Breach, SubjectRequest

# No new role: the data protection officer (UU 27/2022 Pasal 53) holds system_admin.
PRIVACY_ROLES = frozenset({"system_admin"})


def retention_days() -> int:
    return int(getattr(settings, "KANAL_PRIVACY_RETENTION_DAYS", rules.DEFAULT_RETENTION_DAYS))


def can_manage_privacy(user) -> bool:
    """Only the data protection officer's role handles requests and breach records."""
    return bool(scope_for(user).roles & PRIVACY_ROLES)


def _require(user) -> None:
    if not can_manage_privacy(user):
        raise PermissionDenied


def access_subject_request(user, pk: int) -> SubjectRequest:
    """The request if ``user`` may handle requests (PermissionDenied otherwise; 404)."""
    _require(user)
    return get_object_or_404(SubjectRequest, pk=pk)


def access_breach(user, pk: int) -> Breach:
    _require(user)
    return get_object_or_404(Breach, pk=pk)


def subject_requests(user) -> QuerySet[SubjectRequest]:
    _require(user)
    return SubjectRequest.objects.select_related("recorded_by")


def breaches(user) -> QuerySet[Breach]:
    _require(user)
    return Breach.objects.all()


def anonymised_ids() -> QuerySet:
    return AnonymisedCase.objects.values("complaint_id")


def cases_due_for_anonymisation(now=None) -> QuerySet[Complaint]:
    """Finished cases whose last step is older than the retention period, not yet done."""
    cutoff = rules.retention_cutoff(now or timezone.now(), retention_days())
    return (
        Complaint.objects.filter(state__in=rules.FINISHED_STATES)
        .annotate(finished=Coalesce("closed_at", "updated_at"))
        .filter(finished__lt=cutoff)
        .exclude(pk__in=anonymised_ids())
        .order_by("pk")
    )


def cases_of_subject(req: SubjectRequest) -> list[Complaint]:
    """Cases whose reporter gave the request's phone, e-mail or NIK (exact matches)."""
    condition = Q(pk__in=[])
    phone = rules.normalise_phone(req.phone)
    if len(phone) >= 8:
        condition |= Q(reporter__phone__endswith=phone[-8:])
    if req.email:
        condition |= Q(reporter__email__iexact=req.email)
    if req.nik:
        condition |= Q(reporter__nik=req.nik)
    found = Complaint.objects.filter(condition).select_related("reporter").order_by("received_at")
    result = []
    for case in found:
        r = case.reporter
        if (
            (phone and rules.normalise_phone(r.phone) == phone)
            or (req.email and r.email.lower() == req.email.lower())
            or (req.nik and r.nik == req.nik)
        ):
            result.append(case)
    return result


def is_anonymised(case: Complaint) -> bool:
    return AnonymisedCase.objects.filter(complaint=case).exists()


def subject_data(req: SubjectRequest) -> dict:
    """Everything Kanal holds on the subject from their reports: the copy for an access
    request (UU 27/2022: the right to access and obtain a copy)."""
    cases = []
    for case in cases_of_subject(req):
        r = case.reporter
        cases.append(
            {
                "tracking_number": case.tracking_number,
                "received_at": case.received_at,
                "state": case.state,
                "title": case.title,
                "description": case.description,
                "address": case.address,
                "reporter": {
                    "name": r.name,
                    "phone": r.phone,
                    "email": r.email,
                    "nik": r.nik,
                    "contact_preference": r.contact_preference,
                    "consented_at": r.consented_at,
                    "consent_text": r.consent_text,
                },
                "your_messages": [
                    {"created_at": m.created_at, "body": m.body}
                    for m in CaseMessage.objects.filter(
                        complaint=case, kind=MessageKind.CITIZEN_REPLY
                    )
                ],
                "messages_sent_to_you": [
                    {"created_at": n.created_at, "channel": n.channel, "body": n.body}
                    for n in CitizenNotice.objects.filter(complaint=case).order_by("created_at")
                ],
                "rating": case.rating,
                "rating_comment": case.rating_comment,
            }
        )
    return {"subject": req.subject_name, "cases": cases}
