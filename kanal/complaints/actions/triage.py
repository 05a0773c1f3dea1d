"""The console's triage steps beyond the lifecycle: re-routing, changing the topic or kind,
assigning an officer, and the lurah's or camat's forward to the operators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit

from ..console_queries import officers_of_unit
from ..models import CaseMessage, Complaint, Kind, MessageKind
from ..queries import covers_area_of, may_handle, require
from ..rules import OPEN_STATES, Action, TransitionRefused
from .common import locked, notify_staff, transition


@transaction.atomic
def reroute_complaint(*, actor, case: Complaint, unit, note: str = "") -> Complaint:
    """Move a case the unit holds (or has answered) to another unit; its clock restarts.

    The old and the new unit are recorded; an unchecked follow-up of the old unit stays
    in the history. The note, like a disposition's, is shown to the new unit.

    Audited as ``complaint.reroute``; raises PermissionDenied without the triage right,
    TransitionRefused from a state the table forbids, for a unit the case may not go to, or
    for the unit it is with.
    """
    case = locked(case)
    require(actor, "triage", case)
    if unit.is_outside_authority:
        raise TransitionRefused(_("refer cases outside the city's authority, don't route them"))
    if case.is_oversight and unit.kind != "inspektorat":
        raise TransitionRefused(_("misconduct cases go to the Inspektorat only"))
    if case.unit_id == unit.pk:
        raise TransitionRefused(_("the case is already with %(unit)s") % {"unit": unit})
    old = case.unit
    case.unit, case.disposed_at = unit, timezone.now()
    case.disposition_note, case.returned_at, case.assigned_to = note.strip(), None, None
    transition(
        case,
        Action.REROUTE,
        actor=actor,
        data={"old_unit": old.code if old else None, "unit": unit.code, "note": note},
    )
    if note.strip():
        CaseMessage.objects.create(
            complaint=case, kind=MessageKind.INTERNAL_NOTE, author=actor, body=note.strip()
        )
    notify_staff(
        officers_of_unit(unit),
        case,
        "disposed",
        _("New case %(number)s for your unit") % {"number": case.tracking_number},
        level=case.follow_ups.count() + 1,
    )
    return case


@transaction.atomic
def recategorise_complaint(*, actor, case: Complaint, category=None, kind: str = "") -> Complaint:
    """Change the topic and/or kind of an open case; both old and new values are recorded.

    ``category`` None and ``kind`` "" leave that field as it is. Nothing is recorded when
    nothing changes.

    Audited as ``complaint.recategorised``; raises PermissionDenied without the triage
    right, TransitionRefused for a closed case or an unknown kind.
    """
    case = locked(case)
    require(actor, "triage", case)
    if case.state not in OPEN_STATES:
        raise TransitionRefused(_("only open cases can change topic or kind"))
    changes = {}
    if category is not None and category.pk != case.category_id:
        changes["category"] = [case.category.code if case.category else "", category.code]
        case.category = category
    if kind and kind != case.kind:
        if kind not in Kind.values:
            raise TransitionRefused(_("unknown kind"))
        changes["kind"] = [case.kind, kind]
        case.kind = kind
    if changes:
        case.save(update_fields=["category", "kind", "updated_at"])
        audit.record("complaint.recategorised", actor=actor, obj=case, data=changes)
    return case


@transaction.atomic
def assign_complaint(*, actor, case: Complaint, officer) -> Complaint:
    """Give a case to a named officer of its unit (``officer`` None: unassigned).

    Operators assign inside any unit; an officer of the unit assigns inside their own
    (taking a case themselves included). The officer must belong to the case's unit.

    Audited as ``complaint.assigned``; raises PermissionDenied unless the actor handles the
    case or has the triage right, TransitionRefused without a unit or for an officer of
    another unit.
    """
    case = locked(case)
    if not may_handle(actor, case):
        require(actor, "triage", case)
    if case.unit_id is None:
        raise TransitionRefused(_("route the case to a unit before assigning it"))
    if officer is not None and not officers_of_unit(case.unit).filter(pk=officer.pk).exists():
        raise TransitionRefused(
            _("%(officer)s is not an officer of %(unit)s") % {"officer": officer, "unit": case.unit}
        )
    if case.assigned_to_id == (officer.pk if officer else None):
        return case
    case.assigned_to = officer
    case.save(update_fields=["assigned_to", "updated_at"])
    audit.record(
        "complaint.assigned",
        actor=actor,
        obj=case,
        data={
            "officer": officer.pk if officer else None,
            "officer_name": str(officer) if officer else "",
        },
    )
    if officer is not None and officer != actor:
        notify_staff(
            [officer],
            case,
            "assigned",
            _("Case %(number)s was assigned to you") % {"number": case.tracking_number},
            level=case.follow_ups.count() + (case.reopen_count or 0),
        )
    return case


@transaction.atomic
def forward_to_operator(*, actor, case: Complaint, note: str) -> CaseMessage:
    """The lurah or camat (or the unit) asks the operators to look at a case, with a note.

    The note is kept as an internal note and every operator is notified; the case's
    state does not change.

    Audited as ``complaint.forwarded``; raises PermissionDenied unless the actor covers the
    case's area or handles it, TransitionRefused for an empty note.
    """
    if not (covers_area_of(actor, case) or may_handle(actor, case)):
        raise PermissionDenied
    if not note.strip():
        raise TransitionRefused(_("write what the operators should know"))
    message = CaseMessage.objects.create(
        complaint=case, kind=MessageKind.INTERNAL_NOTE, author=actor, body=note.strip()
    )
    audit.record("complaint.forwarded", actor=actor, obj=case, data={"message": message.pk})
    from kanal.accounts.models import User

    operators = User.objects.filter(is_active=True, memberships__role="operator").distinct()
    notify_staff(
        operators,
        case,
        "forwarded",
        _("%(who)s forwarded case %(number)s: %(note)s")
        % {"who": actor, "number": case.tracking_number, "note": note.strip()[:150]},
        level=min(case.messages.count(), 32767),
    )
    return message
