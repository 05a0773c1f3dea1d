"""Writes on information requests: receipt, completion, extension, the written notice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit
from kanal.core import phones
from kanal.core.queries import working_calendar
from kanal.core.uploads import sanitise_upload
from kanal.outbox import actions as outbox
from kanal.outbox.models import Route

from .. import queries, rules
from ..models import (
    Channel,
    InformationRequest,
    RegisterCounter,
    RequestAttachment,
    RequestState,
    WrittenNotice,
)


def _detail_field(name: str) -> models.Field:
    """The model field behind one of DETAIL_FIELDS (all concrete columns)."""
    field = InformationRequest._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


REQUEST_PREFIX = "PPID"
DETAIL_FIELDS = (
    "requester_kind",
    "requester_name",
    "identity_number",
    "address",
    "occupation",
    "email",
    "phone",
    "on_behalf_of",
    "information_requested",
    "purpose",
    "access_method",
    "delivery_method",
)


def next_number(register: str, prefix: str, year: int) -> str:
    """Allocate the next number of ``register`` for ``year`` under a row lock.

    Must run inside a transaction: concurrent callers wait on the counter row, so no
    two get the same number (the unique constraint on the number is the backstop).
    """
    RegisterCounter.objects.get_or_create(register=register, year=year)
    counter = RegisterCounter.objects.select_for_update().get(register=register, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return rules.format_registration_number(prefix, year, counter.last)


@dataclass(frozen=True)
class Upload:
    """A file sent with a request: its AttachmentKind, name and content (checked on save)."""

    kind: str  # AttachmentKind value
    name: str
    data: bytes


def _store_attachment(req: InformationRequest, upload: Upload) -> RequestAttachment:
    clean = sanitise_upload(upload.name, upload.data)
    attachment = RequestAttachment(
        request=req,
        kind=upload.kind,
        content_type=clean.content_type,
        original_name=clean.original_name,
    )
    attachment.file.save(clean.storage_name(), ContentFile(clean.content), save=False)
    attachment.save()
    return attachment


def _schedule(req: InformationRequest, cal) -> None:
    req.clock_start = rules.clock_start(req.received_on, req.completed_on, queries.clock_mode())
    due = rules.notice_due(cal, req.clock_start)
    req.due_on = rules.extended_due(cal, due) if req.extended_on else due


@transaction.atomic
def submit_information_request(
    *,
    actor,
    channel: str,
    details: dict,
    received_at: datetime | None = None,
    uploads: Sequence[Upload] = (),
    case_reference: str = "",
    source_channel: str = "",
) -> InformationRequest:
    """Register a request and issue its registration number (UU 14/2008 Pasal 22(4)).

    ``details`` holds the fields of the request form (DETAIL_FIELDS). A request missing
    identity details or a contact is kept as incomplete; the notice clock still starts at
    receipt unless KANAL_PPID_CLOCK_STARTS_AT = "complete". Uploads are sanitised first,
    so a rejected file (UploadRejected) leaves nothing behind.

    Audited as ``information_request.submitted``.
    """
    received_at = received_at or timezone.now()
    received_on = timezone.localdate(received_at)
    req = InformationRequest(
        channel=channel,
        received_at=received_at,
        received_on=received_on,
        case_reference=case_reference,
        source_channel=source_channel,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{k: (details.get(k) or "") for k in DETAIL_FIELDS if details.get(k) is not None},
    )
    req.phone = phones.storable(req.phone)
    complete = not rules.missing_details(details)
    req.state = RequestState.IN_PROGRESS if complete else RequestState.INCOMPLETE
    req.completed_on = received_on if complete else None
    _schedule(req, working_calendar())
    req.registration_number = next_number("request", REQUEST_PREFIX, received_on.year)
    req.save()
    for upload in uploads:
        _store_attachment(req, upload)
    audit.record(
        "information_request.submitted",
        obj=req,
        data={
            "channel": channel,
            "complete": complete,
            "due_on": req.due_on,
            "attachments": [u.kind for u in uploads],
            "case_reference": case_reference,
        },
        actor=actor,
        actor_label=audit.unless_signed_in(actor, "citizen"),
    )
    return req


def receive_request_from_case(
    *,
    actor,
    requester_name: str,
    contact_email: str = "",
    contact_phone: str = "",
    text: str,
    channel: str,
    received_at: datetime,
    case_reference: str = "",
) -> InformationRequest:
    """Take over a complaint that is really a request for information.

    Works with only the text and a contact: the request is incomplete until PPID staff
    add the identity details. The case reference and the original channel are kept;
    the receipt date is the complaint's.
    """
    return submit_information_request(
        actor=actor,
        channel=Channel.COMPLAINT,
        details={
            "requester_name": requester_name or _("(unknown)"),
            "email": contact_email,
            "phone": contact_phone,
            "information_requested": text,
        },
        received_at=received_at,
        case_reference=case_reference,
        source_channel=channel,
    )


@transaction.atomic
def add_request_attachment(*, actor, request: InformationRequest, upload: Upload):
    """Attach a sanitised KTP / power of attorney (raises UploadRejected).

    Audited as ``information_request.attachment_added``.
    """
    attachment = _store_attachment(request, upload)
    audit.record(
        "information_request.attachment_added",
        obj=request,
        data={"kind": upload.kind, "attachment": attachment.pk},
        actor=actor,
    )
    return attachment


@transaction.atomic
def complete_information_request(
    *, actor, request: InformationRequest, details: dict, completed_on: date | None = None
) -> InformationRequest:
    """Add the missing details and mark the request complete.

    Raises RuleViolation when details are still missing or the request was answered.
    The due date changes only when the clock counts from completeness.

    Audited as ``information_request.completed``.
    """
    req = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if req.state == RequestState.ANSWERED:
        raise rules.RuleViolation(_("This request has already been answered."))
    for key in DETAIL_FIELDS:
        if key in details and details[key] is not None:
            setattr(req, key, details[key])
    req.phone = phones.storable(req.phone)
    missing = rules.missing_details({k: getattr(req, k) for k in DETAIL_FIELDS})
    if missing:
        labels = [
            _("e-mail or telephone") if name == "contact" else str(_detail_field(name).verbose_name)
            for name in missing
        ]
        raise rules.RuleViolation(_("Still missing: %(fields)s.") % {"fields": ", ".join(labels)})
    req.completed_on = completed_on or queries.today()
    if req.state == RequestState.INCOMPLETE:
        req.state = RequestState.IN_PROGRESS
    _schedule(req, working_calendar())
    req.save()
    audit.record(
        "information_request.completed",
        obj=req,
        data={"completed_on": req.completed_on, "due_on": req.due_on},
        actor=actor,
    )
    return req


def _record_outbound(req: InformationRequest, kind: str, subject: str, body: str, attachment=None):
    """Record a message to the requester in the outbox, sent after commit.

    By e-mail when they gave an address (the written notice PDF goes with it); their
    phone is the fallback (WhatsApp template, then SMS). Nothing without either.
    """
    if not (req.email or req.phone):
        return None
    return outbox.record_message(
        kind=f"ppid_{kind}",
        subject=subject,
        body=body,
        first_route=Route.EMAIL if req.email else Route.WHATSAPP_TEMPLATE,
        information_request=req,
        email=req.email,
        phone=req.phone,
        reference_number=req.registration_number,
        attachment_name=f"{req.registration_number}.pdf" if attachment else "",
        attachment_path=attachment.name if attachment else "",
    )


@transaction.atomic
def extend_information_request(
    *, actor, request: InformationRequest, reason: str, today: date | None = None
) -> InformationRequest:
    """Extend the notice deadline once by 7 working days, with a written reason (UU 22(8)).

    Raises RuleViolation after the deadline, on a second extension, without a reason.
    Tells the requester by e-mail when one was given.

    Audited as ``information_request.extended``.
    """
    req = InformationRequest.objects.select_for_update().get(pk=request.pk)
    today = today or queries.today()
    if not reason.strip():
        raise rules.RuleViolation(_("Write the reason for the extension."))
    rules.check_can_extend(
        state=req.state,
        already_extended=req.extended_on is not None,
        today=today,
        due_on=req.due_on,
    )
    old_due = req.due_on
    req.extended_on = today
    req.extension_reason = reason.strip()
    req.due_on = rules.extended_due(working_calendar(), old_due)
    if req.state != RequestState.INCOMPLETE:
        req.state = RequestState.EXTENDED
    req.save()
    _record_outbound(
        req,
        "extension",
        _("Extension of your information request %(number)s") % {"number": req.registration_number},
        _(
            "The time to answer your request %(number)s is extended to %(due)s "
            "(UU 14/2008 Pasal 22(8)). Reason: %(reason)s"
        )
        % {"number": req.registration_number, "due": req.due_on, "reason": req.extension_reason},
    )
    audit.record(
        "information_request.extended",
        obj=req,
        data={"reason": req.extension_reason, "old_due_on": old_due, "due_on": req.due_on},
        actor=actor,
    )
    return req


@transaction.atomic
def issue_written_notice(
    *,
    actor,
    request: InformationRequest,
    outcome: str,
    material: str = "",
    blacked_out: str = "",
    exemption_ground: str = "",
    consequence_test: str = "",
    exempted_item=None,
    held_by: str = "",
    format: str = "",
    cost: Decimal | int = 0,
    payment_method: str = "",
    issued_on: date | None = None,
) -> WrittenNotice:
    """Issue the written notice of UU 14/2008 Pasal 22(7), render its PDF, send it.

    Refuses (RuleViolation) a second notice, an incomplete request, or a notice
    missing what its outcome needs (material; blacked-out parts; Pasal 17 ground and
    consequence test). A rejection citing a DIK entry takes its ground and test.
    The PDF is stored with the notice; the e-mail (if the requester gave one) is
    recorded in the outbox and sent after commit.

    Audited as ``information_request.notice_issued``.
    """
    req = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if req.state == RequestState.ANSWERED:
        raise rules.RuleViolation(_("A written notice has already been issued."))
    if req.state == RequestState.INCOMPLETE:
        raise rules.RuleViolation(_("Complete the requester's details first."))
    if exempted_item is not None:
        exemption_ground = exemption_ground or exempted_item.ground
        consequence_test = consequence_test or exempted_item.consequence_test
    rules.check_notice_fields(
        outcome=outcome,
        material=material,
        blacked_out=blacked_out,
        exemption_ground=exemption_ground,
        consequence=consequence_test,
    )
    issued_on = issued_on or queries.today()
    notice = WrittenNotice.objects.create(
        request=req,
        outcome=outcome,
        issued_on=issued_on,
        material=material,
        blacked_out=blacked_out,
        exemption_ground=exemption_ground,
        consequence_test=consequence_test,
        exempted_item=exempted_item,
        held_by=held_by,
        format=format,
        cost=Decimal(cost or 0),
        payment_method=payment_method,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    req.state = RequestState.ANSWERED
    req.answered_on = issued_on
    req.save(update_fields=["state", "answered_on", "updated_at"])
    cal = working_calendar()
    # Imported here: ReportLab is loaded by the process that writes a notice, on demand.
    from ..documents import NoticeContext, render_notice_pdf

    pdf = render_notice_pdf(
        notice,
        NoticeContext(
            body_name=queries.body_name(),
            objection_deadline=rules.objection_filing_deadline(cal, issued_on),
            due_explanation=queries.explain_request_due(req),
        ),
    )
    notice.document.save(f"{req.registration_number}.pdf", ContentFile(pdf), save=True)
    _record_outbound(
        req,
        "notice",
        _("Written notice on your information request %(number)s")
        % {"number": req.registration_number},
        _(
            "Attached is the written notice on your request %(number)s. "
            "If you disagree you may file an objection within 30 working days."
        )
        % {"number": req.registration_number},
        attachment=notice.document,
    )
    audit.record(
        "information_request.notice_issued",
        obj=req,
        data={
            "outcome": outcome,
            "exemption_ground": exemption_ground,
            "cost": notice.cost,
            "issued_on": issued_on,
            "late": issued_on > req.due_on,
        },
        actor=actor,
    )
    return notice
