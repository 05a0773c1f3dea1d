"""Reads for personal data protection: who may act, what is due, what we hold on a person."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kanal.accounts.queries import scope_for
from kanal.channels.models import Contact, Conversation, InboundEvent, Message
from kanal.complaints.models import Attachment, CaseMessage, Complaint, MessageKind
from kanal.core import phones
from kanal.outbox.models import OutboxMessage
from kanal.ppid.models import Dispute, DisputeOutcome, InformationRequest, Objection, ObjectionState
from kanal.ppid.models import RequestState as PpidState

from . import rules
from .models import (
    AnonymisedCase,
    AnonymisedConversation,
    AnonymisedInformationRequest,
    Breach,
    SubjectRequest,
)

# No new role: the data protection officer (UU 27/2022 Pasal 53) holds system_admin.
PRIVACY_ROLES = frozenset({"system_admin"})


def retention_days() -> int:
    """Days after a case ends before the reporter's identity is removed from it."""
    return int(settings.KANAL_PRIVACY_RETENTION_DAYS)


def attachment_retention_days() -> int:
    """Days after a case ends before its photos and documents are deleted."""
    return int(settings.KANAL_PRIVACY_ATTACHMENT_RETENTION_DAYS)


def conversation_retention_days() -> int:
    """Days of silence (and since its cases ended) before a conversation is anonymised."""
    return int(settings.KANAL_PRIVACY_CONVERSATION_RETENTION_DAYS)


def ppid_retention_days() -> int:
    """Days after a PPID request is finished before the requester's identity is removed."""
    return int(settings.KANAL_PRIVACY_PPID_RETENTION_DAYS)


def retention_periods() -> rules.RetentionPeriods:
    """The periods in force, for the job and for the privacy notice."""
    return rules.RetentionPeriods(
        cases=retention_days(),
        attachments=attachment_retention_days(),
        conversations=conversation_retention_days(),
        ppid=ppid_retention_days(),
    )


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
    """The breach record ``pk`` for privacy staff; PermissionDenied for others, 404 if unknown."""
    _require(user)
    return get_object_or_404(Breach, pk=pk)


def subject_requests(user) -> QuerySet[SubjectRequest]:
    """Every data-subject request with who recorded it, for privacy staff; PermissionDenied for
    others.
    """
    _require(user)
    return SubjectRequest.objects.select_related("recorded_by")


def breaches(user) -> QuerySet[Breach]:
    """Every breach record, for privacy staff; PermissionDenied for others."""
    _require(user)
    return Breach.objects.all()


def anonymised_ids() -> QuerySet:
    """A subquery of the ids of cases already anonymised."""
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


def _finished_before(cutoff) -> QuerySet[Complaint]:
    return (
        Complaint.objects.filter(state__in=rules.FINISHED_STATES)
        .annotate(finished=Coalesce("closed_at", "updated_at"))
        .filter(finished__lt=cutoff)
    )


def cases_with_attachments_due(now=None) -> QuerySet[Complaint]:
    """Finished cases past the attachment period that still have files."""
    cutoff = rules.retention_cutoff(now or timezone.now(), attachment_retention_days())
    return (
        _finished_before(cutoff)
        .filter(Exists(Attachment.objects.filter(complaint=OuterRef("pk"))))
        .order_by("pk")
    )


def anonymised_conversation_ids() -> QuerySet:
    """A subquery of the ids of conversations already anonymised."""
    return AnonymisedConversation.objects.values("conversation_id")


def _conversations_free(cutoff) -> Q:
    """Conversations whose every case finished before ``cutoff`` (or that have none).

    A conversation is tied to its current case and to every case a reply in it was
    about (a thread can outlive one case and start another).
    """
    finished = _finished_before(cutoff).values("pk")
    other_case = OutboxMessage.objects.filter(
        conversation=OuterRef("pk"), complaint__isnull=False
    ).exclude(complaint__in=finished)
    return (Q(complaint__isnull=True) | Q(complaint__in=finished)) & ~Q(Exists(other_case))


def conversations_due(now=None) -> QuerySet[Conversation]:
    """Conversations silent for the period whose cases (if any) ended before it began.

    "Silent" means no message either way and no change to the conversation since the
    cut-off; a conversation that never became a case only needs the silence.
    """
    cutoff = rules.retention_cutoff(now or timezone.now(), conversation_retention_days())
    recent_message = Message.objects.filter(conversation=OuterRef("pk"), sent_at__gte=cutoff)
    recent_reply = OutboxMessage.objects.filter(conversation=OuterRef("pk"), created_at__gte=cutoff)
    return (
        Conversation.objects.filter(updated_at__lt=cutoff)
        .filter(_conversations_free(cutoff))
        .exclude(Exists(recent_message))
        .exclude(Exists(recent_reply))
        .exclude(pk__in=anonymised_conversation_ids())
        .order_by("pk")
    )


def conversation_is_held(conversation: Conversation, now=None) -> bool:
    """True while a case the conversation belongs to is still being handled.

    The erasure request's test: any finished case frees it, with no waiting period.
    """
    free = Conversation.objects.filter(pk=conversation.pk).filter(
        _conversations_free(now or timezone.now())
    )
    return not free.exists()


def events_due(now=None) -> QuerySet[InboundEvent]:
    """Raw events past the conversation period that no kept message points to.

    Events of messages are emptied with their conversation; these are the rest (delivery
    receipts, deletions, probes, failures), whose bodies still name phone numbers.
    """
    cutoff = rules.retention_cutoff(now or timezone.now(), conversation_retention_days())
    return (
        InboundEvent.objects.filter(received_at__lt=cutoff)
        .exclude(Exists(Message.objects.filter(event=OuterRef("pk"))))
        .exclude(body=b"")
        .order_by("pk")
    )


def anonymised_request_ids() -> QuerySet:
    """A subquery of the ids of information requests already anonymised."""
    return AnonymisedInformationRequest.objects.values("request_id")


def _ppid_finished() -> QuerySet:  # bare: the type plugin misses the finished_on annotation
    """Answered requests with no objection waiting for its answer and no dispute pending,
    annotated with ``finished_on``: the last of the notice, objection answers and dispute
    outcomes."""
    pending_objection = Objection.objects.filter(request=OuterRef("pk"), state=ObjectionState.FILED)
    pending_dispute = Dispute.objects.filter(
        objection__request=OuterRef("pk"), outcome=DisputeOutcome.PENDING
    )
    return (
        InformationRequest.objects.filter(state=PpidState.ANSWERED)
        .exclude(Exists(pending_objection) | Exists(pending_dispute))
        .annotate(
            last_objection=Max("objections__answered_on"),
            last_dispute=Max("objections__dispute__outcome_on"),
        )
        .annotate(
            # Greatest is NULL on SQLite when any argument is: coalesce each first.
            finished_on=Greatest(
                "answered_on",
                Coalesce("last_objection", "answered_on"),
                Coalesce("last_dispute", "answered_on"),
            )
        )
    )


def information_requests_due(now=None) -> QuerySet[InformationRequest]:
    """Finished PPID requests past the period whose requester is still named."""
    cutoff = rules.retention_cutoff(now or timezone.now(), ppid_retention_days())
    return (
        _ppid_finished()
        .filter(finished_on__lt=timezone.localdate(cutoff))
        .exclude(pk__in=anonymised_request_ids())
        .order_by("pk")
    )


def information_request_is_finished(req: InformationRequest) -> bool:
    """Whether the request is answered with no objection or dispute still pending."""
    return _ppid_finished().filter(pk=req.pk).exists()


def is_conversation_anonymised(conversation: Conversation) -> bool:
    """Whether the conversation's personal data has been removed."""
    return AnonymisedConversation.objects.filter(conversation=conversation).exists()


def cases_of_subject(req: SubjectRequest) -> list[Complaint]:
    """Cases whose reporter gave the request's phone, e-mail or NIK (exact matches)."""
    condition = Q(pk__in=[])
    phone = phones.e164_or_blank(req.phone)
    if phone:
        condition |= Q(reporter__phone=phone)  # stored in E.164 (kanal.core.phones)
    if req.email:
        condition |= Q(reporter__email__iexact=req.email)
    if req.nik:
        condition |= Q(reporter__nik=req.nik)
    return list(
        Complaint.objects.filter(condition).select_related("reporter").order_by("received_at")
    )


def conversations_of_subject(req: SubjectRequest) -> list[Conversation]:
    """Conversations of contacts (or their citizen) with the request's phone or e-mail.

    WhatsApp and SMS contacts are known by their number, e-mail contacts by their
    address; other channels only when a phone or e-mail was recorded for them. Matching
    is exact: phones are stored in E.164, WhatsApp ids as E.164 digits (``wa_id``),
    SMS ids in E.164 (kanal.core.phones).
    """
    phone = phones.e164_or_blank(req.phone)
    condition = Q(pk__in=[])
    if phone:
        condition |= Q(phone=phone) | Q(citizen__phone=phone)
        condition |= Q(external_id__in=[phone, phones.whatsapp_id(phone)])
    if req.email:
        for field in ("email", "external_id", "citizen__email"):
            condition |= Q(**{f"{field}__iexact": req.email})
    return list(
        Conversation.objects.filter(contact__in=Contact.objects.filter(condition))
        .exclude(pk__in=anonymised_conversation_ids())
        .order_by("pk")
    )


def information_requests_of_subject(req: SubjectRequest) -> list[InformationRequest]:
    """PPID requests whose requester (or an objector on them) gave the NIK, e-mail or phone."""
    phone = phones.e164_or_blank(req.phone)
    condition = Q(pk__in=[])
    if phone:  # stored in E.164 (kanal.core.phones)
        condition |= Q(phone=phone) | Q(objections__phone=phone)
    if req.email:
        condition |= Q(email__iexact=req.email) | Q(objections__email__iexact=req.email)
    if req.nik:
        condition |= Q(identity_number=req.nik)
    return list(
        InformationRequest.objects.filter(condition)
        .exclude(pk__in=anonymised_request_ids())
        .distinct()
        .order_by("received_at")
    )


def is_anonymised(case: Complaint) -> bool:
    """Whether the case's personal data has been removed."""
    return AnonymisedCase.objects.filter(complaint=case).exists()


def subject_data(req: SubjectRequest) -> dict:
    """Everything Kanal holds on the subject from their reports: the copy for an access
    request (UU 27/2022: the right to access and obtain a copy)."""
    cases = []
    for case in cases_of_subject(req):
        r = case.reporter
        if r is None:  # found through the reporter, so never
            continue
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
                    {"created_at": n.created_at, "channel": n.first_route, "body": n.body}
                    for n in OutboxMessage.objects.filter(complaint=case).order_by("created_at")
                ],
                "rating": case.rating,
                "rating_comment": case.rating_comment,
            }
        )
    return {"subject": req.subject_name, "cases": cases}
