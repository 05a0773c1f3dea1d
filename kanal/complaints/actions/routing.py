"""Automatic disposition of new cases when the router is confident and the operator allowed it.

Per category, operators enable auto-apply (routing.AutoApplySetting). Every automatic
disposition is recorded (routing.RoutingDecision) and an operator can revert it: the
case goes back to verification and the decision is marked reverted.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal.directory.models import Unit
from kanal.routing import actions as routing_actions
from kanal.routing.models import RoutingDecision
from kanal.routing.queries import may_auto_apply, suggest

from ..models import Complaint, State
from ..queries import require
from ..rules import Action, TransitionRefused
from .common import locked, notify_staff, transition


def apply_routing(case_id: int) -> RoutingDecision | None:
    """Dispose a new case to the suggested unit when auto-apply allows it; else nothing.

    Only cases still in ``diterima`` are touched, never misconduct cases, never bodies
    outside the city's authority, never the PPID flow. Safe to run twice.

    Where the case's category has no auto-apply switch on (the default), nothing can be
    applied whatever the router says: one unlocked read tells, and neither the router
    nor a transaction runs.
    """
    row = (
        Complaint.objects.filter(pk=case_id)
        .values_list("state", "is_oversight", "category__code")
        .first()
    )
    if row is None:
        raise Complaint.DoesNotExist(f"no case {case_id}")
    state, is_oversight, category_code = row
    if state != State.RECEIVED or is_oversight or not may_auto_apply(category_code):
        return None
    return _apply_routing(case_id)


@transaction.atomic
def _apply_routing(case_id: int) -> RoutingDecision | None:
    """``apply_routing`` for a case whose category may auto-apply, under the case's lock
    (checked again under it)."""
    case = Complaint.objects.select_for_update().get(pk=case_id)
    if case.state != State.RECEIVED or case.is_oversight:
        return None
    suggestion = suggest(
        f"{case.title}\n{case.description}",
        lat=case.lat,
        lng=case.lng,
        category_code=case.category.code if case.category else None,
    )
    if not suggestion.auto_apply_unit:
        return None
    unit = Unit.objects.filter(code=suggestion.unit.unit_code, is_active=True).first()
    if unit is None or unit.is_outside_authority or unit.kind == "inspektorat":
        return None
    case.unit, case.disposed_at = unit, timezone.now()
    case.verified_at = case.verified_at or timezone.now()
    decision = routing_actions.record_auto_decision(
        case_id=case.pk,
        field="unit",
        suggested_value=unit.code,
        confidence=suggestion.unit.confidence,
        reason=suggestion.unit.reason,
    )
    transition(
        case,
        Action.DISPOSE,
        actor=None,
        actor_label="system:routing",
        data={
            "unit": unit.code,
            "automatic": True,
            "decision": decision.pk,
            "confidence": suggestion.unit.confidence,
        },
    )
    from .lifecycle import officers_of

    notify_staff(
        officers_of(unit),
        case,
        "disposed",
        _("New case %(number)s for your unit") % {"number": case.tracking_number},
    )
    return decision


@transaction.atomic
def revert_auto_disposition(*, actor, case: Complaint) -> Complaint:
    """Undo an automatic disposition: the case returns to verification for the operator.

    Audited as ``complaint.send_back``; raises PermissionDenied without the triage right,
    TransitionRefused when the case holds no automatic disposition.
    """
    case = locked(case)
    require(actor, "triage", case)
    decision = RoutingDecision.objects.filter(
        case_id=case.pk, field="unit", reverted_at__isnull=True
    ).first()
    if decision is None or case.state != State.DISPOSED:
        raise TransitionRefused("there is no automatic disposition to undo")
    routing_actions.revert_auto_decision(actor=actor, decision=decision)
    case.unit = None
    return transition(
        case,
        Action.SEND_BACK,
        actor=actor,
        data={"reverted_decision": decision.pk, "unit": decision.suggested_value},
    )
