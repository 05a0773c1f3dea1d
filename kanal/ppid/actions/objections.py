"""Writes on objections (keberatan, UU 14/2008 Pasal 35–36) and disputes (Pasal 37)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kanal import audit
from kanal.core import phones
from kanal.core.queries import working_calendar

from .. import queries, rules
from ..models import (
    Dispute,
    DisputeOutcome,
    InformationRequest,
    Objection,
    ObjectionDecision,
    ObjectionState,
)
from .requests import next_number

OBJECTION_PREFIX = "KEB"


@transaction.atomic
def file_objection(
    *,
    actor,
    request: InformationRequest,
    ground: str,
    ground_arose_on: date,
    objector_name: str,
    email: str = "",
    phone: str = "",
    proxy_name: str = "",
    case_position: str = "",
    filed_on: date | None = None,
    accept_late: bool = False,
) -> Objection:
    """Register an objection to the atasan PPID and set its answer deadline (UU 36(2)).

    Raises RuleViolation when it comes more than 30 working days after the ground
    arose (UU 36(1)) unless staff record it anyway with ``accept_late`` (it is then
    flagged ``filed_late``), or when the ground date lies in the future.

    Audited as ``objection.filed``.
    """
    filed_on = filed_on or queries.today()
    if ground_arose_on > filed_on:
        raise rules.RuleViolation(_("The date the ground arose cannot be in the future."))
    cal = working_calendar()
    late = filed_on > rules.objection_filing_deadline(cal, ground_arose_on)
    if late and not accept_late:
        raise rules.RuleViolation(
            _(
                "An objection must be filed within 30 working days after the ground arose "
                "(UU 14/2008 Pasal 36(1)); the last day was %(date)s."
            )
            % {"date": rules.objection_filing_deadline(cal, ground_arose_on)}
        )
    objection = Objection.objects.create(
        registration_number=next_number("objection", OBJECTION_PREFIX, filed_on.year),
        request=request,
        state=ObjectionState.FILED,
        ground=ground,
        ground_arose_on=ground_arose_on,
        filed_on=filed_on,
        due_on=rules.objection_answer_due(cal, filed_on),
        objector_name=objector_name,
        proxy_name=proxy_name,
        email=email,
        phone=phones.storable(phone),
        case_position=case_position,
        filed_late=late,
    )
    audit.record(
        "objection.filed",
        obj=objection,
        data={
            "request": request.registration_number,
            "ground": ground,
            "due_on": objection.due_on,
            "late": late,
        },
        actor=actor,
        actor_label=audit.unless_signed_in(actor, "citizen"),
    )
    return objection


@transaction.atomic
def answer_objection(
    *,
    actor,
    objection: Objection,
    decision: str,
    reasons: str,
    superior_name: str = "",
    superior_position: str = "",
    answered_on: date | None = None,
) -> Objection:
    """Record the atasan PPID's written answer (UU 14/2008 Pasal 36(2)–(3)).

    Only a user with Capability.PPID_SUPERIOR may answer (PermissionDenied). Reasons
    are required for every decision (mandatory by law when upholding).

    Audited as ``objection.answered``; raises RuleViolation when it is answered already,
    without a known decision or without reasons.
    """
    if not queries.is_ppid_superior(actor):
        raise PermissionDenied
    obj = Objection.objects.select_for_update().get(pk=objection.pk)
    if obj.state == ObjectionState.ANSWERED:
        raise rules.RuleViolation(_("This objection has already been answered."))
    if decision not in ObjectionDecision.values:
        raise rules.RuleViolation(_("Choose a decision."))
    if not reasons.strip():
        raise rules.RuleViolation(_("Write the reasons for the decision (UU 14/2008 Pasal 36(3))."))
    obj.state = ObjectionState.ANSWERED
    obj.decision = decision
    obj.answer_reasons = reasons.strip()
    obj.answered_on = answered_on or queries.today()
    obj.superior_name = superior_name or str(actor)
    obj.superior_position = superior_position
    obj.answered_by = actor
    obj.save()
    audit.record(
        "objection.answered",
        actor=actor,
        obj=obj,
        data={
            "decision": decision,
            "answered_on": obj.answered_on,
            "late": obj.answered_on > obj.due_on,
        },
    )
    return obj


@transaction.atomic
def record_dispute(
    *,
    actor,
    objection: Objection,
    filed_on: date,
    commission: str = "",
    outcome: str = DisputeOutcome.PENDING,
    outcome_on: date | None = None,
    notes: str = "",
) -> Dispute:
    """Record that the requester took the matter to the Komisi Informasi, or its outcome.

    Creates the dispute on first call and updates outcome and notes afterwards. Flags it
    ``filed_late`` when filed more than 14 working days after the answer (UU 37(2)).

    Audited as ``dispute.filed`` or ``dispute.updated``; raises RuleViolation for an unknown
    outcome or a decided one without its date.
    """
    if outcome not in DisputeOutcome.values:
        raise rules.RuleViolation(_("Choose an outcome."))
    if outcome != DisputeOutcome.PENDING and outcome_on is None:
        raise rules.RuleViolation(_("Give the date of the outcome."))
    late = bool(
        objection.answered_on
        and filed_on > rules.dispute_filing_deadline(working_calendar(), objection.answered_on)
    )
    dispute, created = Dispute.objects.update_or_create(
        objection=objection,
        defaults={
            "commission": commission or queries.commission_name(),
            "filed_on": filed_on,
            "filed_late": late,
            "outcome": outcome,
            "outcome_on": outcome_on,
            "notes": notes,
        },
    )
    audit.record(
        "dispute.filed" if created else "dispute.updated",
        obj=dispute,
        data={"objection": objection.registration_number, "outcome": outcome, "late": late},
        actor=actor,
    )
    return dispute


@transaction.atomic
def record_objector_response(*, actor, objection: Objection, response: str) -> Objection:
    """Note the objector's reaction to the answer (register keberatan column k).

    Audited as ``objection.response_recorded``.
    """
    obj = Objection.objects.select_for_update().get(pk=objection.pk)
    obj.requester_response = response.strip()
    obj.save(update_fields=["requester_response", "updated_at"])
    audit.record("objection.response_recorded", obj=obj, actor=actor)
    return obj
