"""The operator's and the unit's steps: verify, dispose, follow up, check, close, and the side
states (postponed, referred outside, rejected, merged)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit

from ..models import CaseMessage, Complaint, FollowUp, Kind, MessageKind, State
from ..queries import may_handle, may_note, require
from ..rules import Action, TransitionRefused
from .common import locked, notify_reporter, notify_staff, transition


def _unit_officers(unit):
    from kanal.accounts.models import User

    return User.objects.filter(
        is_active=True,
        memberships__unit=unit,
        memberships__role__in=["unit_officer", "area_officer", "inspector"],
    ).distinct()


@transaction.atomic
def verify_complaint(
    *, actor, case: Complaint, category=None, kind=None, is_oversight=None
) -> Complaint:
    """Accept a case as a proper report; the receipt clock keeps running (3 working days).

    Audited as ``complaint.verify``; raises PermissionDenied without the triage right,
    TransitionRefused from a state the table forbids.
    """
    case = locked(case)
    require(actor, "triage", case)
    changes = {}
    if category is not None and category != case.category:
        case.category, changes["category"] = category, category.code
    if kind and kind != case.kind:
        case.kind, changes["kind"] = kind, kind
    if is_oversight is not None and is_oversight != case.is_oversight:
        case.is_oversight, changes["is_oversight"] = is_oversight, is_oversight
    case.verified_at = timezone.now()
    return transition(case, Action.VERIFY, actor=actor, data=changes, keep_clock=True)


@transaction.atomic
def dispose_complaint(*, actor, case: Complaint, unit, note: str = "") -> Complaint:
    """Route a case to ``unit`` (disposisi); the unit's 5-working-day clock starts.

    Misconduct cases may only go to the Inspektorat; bodies outside the city's
    authority are referred with refer_complaint_outside, not disposed to.

    Audited as ``complaint.dispose``; raises PermissionDenied without the triage right,
    TransitionRefused from a state the table forbids or for a unit the case may not go to.
    """
    case = locked(case)
    require(actor, "triage", case)
    if unit.is_outside_authority:
        raise TransitionRefused("refer cases outside the city's authority, don't dispose them")
    if case.is_oversight and unit.kind != "inspektorat":
        raise TransitionRefused("misconduct cases go to the Inspektorat only")
    if case.verified_at is None:
        case.verified_at = timezone.now()
    case.unit, case.disposed_at = unit, timezone.now()
    # The unit reads the operator's note on its case page; a sent-back mark is cleared.
    case.disposition_note, case.returned_at, case.assigned_to = note.strip(), None, None
    transition(case, Action.DISPOSE, actor=actor, data={"unit": unit.code, "note": note})
    if note.strip():
        CaseMessage.objects.create(
            complaint=case, kind=MessageKind.INTERNAL_NOTE, author=actor, body=note.strip()
        )
    notify_staff(
        _unit_officers(unit),
        case,
        "disposed",
        _("New case %(number)s for your unit") % {"number": case.tracking_number},
    )
    return case


@transaction.atomic
def send_back_complaint(*, actor, case: Complaint, reason: str) -> Complaint:
    """The unit says "bukan wewenang kami": back to the operator, with the reason.

    Audited as ``complaint.send_back``; raises PermissionDenied unless the actor handles the
    case, TransitionRefused from a state the table forbids.
    """
    case = locked(case)
    require(actor, "handle", case)
    previous_unit = case.unit
    case.unit, case.state_reason = None, reason
    # Marked *returned* in the operators' inbox until someone routes it again.
    case.returned_at, case.assigned_to = timezone.now(), None
    transition(
        case,
        Action.SEND_BACK,
        actor=actor,
        data={"unit": previous_unit.code if previous_unit else None, "reason": reason},
    )
    from kanal.accounts.models import User

    operators = User.objects.filter(is_active=True, memberships__role="operator").distinct()
    notify_staff(
        operators,
        case,
        "sent_back",
        _("Case %(number)s was sent back by %(unit)s: %(reason)s")
        % {"number": case.tracking_number, "unit": previous_unit, "reason": reason[:150]},
        level=case.follow_ups.count() + (case.reopen_count or 0),
    )
    return case


@transaction.atomic
def follow_up_complaint(*, actor, case: Complaint, body: str) -> FollowUp:
    """The unit's answer (tindak lanjut); the operator's quality check clock starts.

    Audited as ``complaint.follow_up``; raises PermissionDenied unless the actor handles the
    case, TransitionRefused from a state the table forbids or without a unit.
    """
    case = locked(case)
    require(actor, "handle", case)
    if case.unit is None:  # a follow-up is the unit's; a disposed case always has one
        raise TransitionRefused(f"{Action.FOLLOW_UP} is not allowed without a unit")
    follow_up = FollowUp.objects.create(complaint=case, unit=case.unit, author=actor, body=body)
    case.followed_up_at = timezone.now()
    transition(case, Action.FOLLOW_UP, actor=actor, data={"follow_up": follow_up.pk})
    return follow_up


@transaction.atomic
def return_to_unit(*, actor, case: Complaint, note: str) -> Complaint:
    """Quality check failed: the follow-up does not answer the complaint; back to the unit.

    Audited as ``complaint.return_to_unit``; raises PermissionDenied without the triage
    right, TransitionRefused from a state the table forbids or when no follow-up waits for
    its check.
    """
    case = locked(case)
    require(actor, "triage", case)
    _review_latest(case, actor, accepted=False, note=note)
    transition(case, Action.RETURN_TO_UNIT, actor=actor, data={"note": note})
    notify_staff(
        _unit_officers(case.unit),
        case,
        "returned",
        _("Case %(number)s returned: %(note)s")
        % {"number": case.tracking_number, "note": note[:150]},
        level=case.follow_ups.count(),
    )
    return case


@transaction.atomic
def complete_complaint(*, actor, case: Complaint, note: str = "") -> Complaint:
    """Quality check passed: the reporter receives the answer; auto-closure clock starts.

    Audited as ``complaint.complete``; raises PermissionDenied without the triage right,
    TransitionRefused from a state the table forbids or when no follow-up waits for its
    check.
    """
    case = locked(case)
    require(actor, "triage", case)
    follow_up = _review_latest(case, actor, accepted=True, note=note)
    case.completed_at = timezone.now()
    transition(case, Action.COMPLETE, actor=actor)
    _answer_reporter(
        case,
        actor,
        _("Answer to your report %(number)s") % {"number": case.tracking_number},
        follow_up.body,
        notice=_(
            "%(unit)s answered your report %(number)s:\n\n%(answer)s\n\nHow was this "
            "answer? Reply with a number from 1 (very poor) to 5 (very good). If it does "
            'not solve the problem, reply "buka lagi" within 10 working days, or reopen '
            "the report on the tracking page."
        )
        % {"unit": case.unit, "number": case.tracking_number, "answer": follow_up.body},
        kind="answer",
    )
    return case


def _answer_reporter(
    case: Complaint, actor, subject: str, body: str, *, notice: str = "", kind: str = "update"
) -> CaseMessage:
    """Keep ``body`` on the case as a reply to the reporter (their tracking page shows it)
    and send it, or ``notice`` (a longer text around it), to them after commit."""
    message = CaseMessage.objects.create(
        complaint=case, kind=MessageKind.PUBLIC_REPLY, author=actor, body=body
    )
    notify_reporter(case, subject, notice or body, kind=kind)
    return message


def _review_latest(case: Complaint, actor, *, accepted: bool, note: str) -> FollowUp:
    follow_up = case.follow_ups.filter(accepted__isnull=True).order_by("-created_at").first()
    if follow_up is None:
        raise TransitionRefused("there is no follow-up to check")
    follow_up.accepted, follow_up.review_note = accepted, note
    follow_up.reviewed_by, follow_up.reviewed_at = actor, timezone.now()
    follow_up.save()
    return follow_up


@transaction.atomic
def close_complaint(*, actor, case: Complaint, automatic: bool = False) -> Complaint:
    """Close a completed case (by the operator, or automatically after the quiet period).

    Audited as ``complaint.close`` (``actor`` None: by the system); raises PermissionDenied
    without the triage right, TransitionRefused from a state the table forbids.
    """
    case = locked(case)
    if not automatic:
        require(actor, "triage", case)
    case.closed_at = timezone.now()
    return transition(
        case,
        Action.CLOSE,
        actor=actor,
        data={"automatic": automatic},
        actor_label="system" if automatic else "",
    )


@transaction.atomic
def postpone_complaint(*, actor, case: Complaint, question: str) -> Complaint:
    """Ask the reporter for more (ditunda); no clock runs until they answer.

    Audited as ``complaint.postpone``; raises PermissionDenied without the triage right,
    TransitionRefused from a state the table forbids.
    """
    case = locked(case)
    require(actor, "triage", case)
    case.state_reason = question
    transition(case, Action.POSTPONE, actor=actor, data={"question": question})
    _answer_reporter(
        case,
        actor,
        _("We need more information on %(number)s") % {"number": case.tracking_number},
        question,
    )
    return case


@transaction.atomic
def resume_complaint(*, actor, case: Complaint) -> Complaint:
    """The reporter answered: verification resumes with a fresh 3-working-day clock.

    Audited as ``complaint.resume``; raises PermissionDenied without the triage right,
    TransitionRefused from a state the table forbids.
    """
    case = locked(case)
    require(actor, "triage", case)
    return transition(case, Action.RESUME, actor=actor)


@transaction.atomic
def refer_complaint_outside(*, actor, case: Complaint, body, explanation: str) -> Complaint:
    """Outside the city's authority (bukan wewenang): tell the reporter where to go.

    Audited as ``complaint.refer_outside``; raises PermissionDenied without the triage
    right, TransitionRefused from a state the table forbids.
    """
    case = locked(case)
    require(actor, "triage", case)
    case.referred_to = str(body)
    case.state_reason = explanation
    case.closed_at = timezone.now()
    transition(
        case,
        Action.REFER_OUTSIDE,
        actor=actor,
        data={"referred_to": case.referred_to, "explanation": explanation},
    )
    message = _("This matter is handled by %(body)s. %(explanation)s") % {
        "body": case.referred_to,
        "explanation": explanation,
    }
    _answer_reporter(
        case,
        actor,
        _("Your report %(number)s was referred") % {"number": case.tracking_number},
        message,
    )
    return case


@transaction.atomic
def reject_complaint(*, actor, case: Complaint, reason: str) -> Complaint:
    """Reject with a reason the reporter sees.

    Audited as ``complaint.reject``; raises PermissionDenied without the triage right,
    TransitionRefused from a state the table forbids.
    """
    case = locked(case)
    require(actor, "triage", case)
    case.state_reason = reason
    case.closed_at = timezone.now()
    transition(case, Action.REJECT, actor=actor, data={"reason": reason})
    _answer_reporter(
        case,
        actor,
        _("Your report %(number)s cannot be processed") % {"number": case.tracking_number},
        reason,
    )
    return case


@transaction.atomic
def merge_complaints(*, actor, duplicate: Complaint, into: Complaint) -> Complaint:
    """Merge ``duplicate`` into ``into``; its reporter receives the main case's updates.

    Audited as ``complaint.merge`` on the duplicate and ``complaint.merged_in`` on ``into``;
    raises PermissionDenied without the triage right, TransitionRefused from a state the
    table forbids or when ``into`` is the same case or merged itself.
    """
    duplicate = locked(duplicate)
    require(actor, "triage", duplicate)
    if duplicate.pk == into.pk or into.merged_into_id:
        raise TransitionRefused("merge into a different case that is not itself merged")
    duplicate.merged_into = into
    transition(duplicate, Action.MERGE, actor=actor, data={"into": into.tracking_number})
    audit.record(
        "complaint.merged_in", actor=actor, obj=into, data={"duplicate": duplicate.tracking_number}
    )
    notify_reporter(
        duplicate,
        _("Your report %(number)s was merged") % {"number": duplicate.tracking_number},
        _("Your report is handled together with %(main)s; you will receive its updates.")
        % {"main": into.tracking_number},
    )
    return duplicate


@transaction.atomic
def send_public_reply(*, actor, case: Complaint, body: str) -> CaseMessage:
    """A message to the reporter (and to reporters of merged cases) through their channels.

    Audited as ``complaint.replied``; raises PermissionDenied unless the actor handles the
    case or has the triage right.
    """
    if not may_handle(actor, case):
        require(actor, "triage", case)
    subject = _("Update on your report %(number)s") % {"number": case.tracking_number}
    message = _answer_reporter(case, actor, subject, body)
    audit.record("complaint.replied", actor=actor, obj=case, data={"message": message.pk})
    for merged in case.merged_cases.all():
        notify_reporter(merged, subject, body)
    return message


@transaction.atomic
def add_internal_note(*, actor, case: Complaint, body: str) -> CaseMessage:
    """A note for staff only; never sent or shown to the reporter or the public.

    The unit handling the case, the operators, and the lurah or camat of the case's area
    (who read their area's cases) may add one.

    Audited as ``complaint.noted``; raises PermissionDenied for anyone else.
    """
    if not may_note(actor, case):
        raise PermissionDenied
    message = CaseMessage.objects.create(
        complaint=case, kind=MessageKind.INTERNAL_NOTE, author=actor, body=body
    )
    audit.record("complaint.noted", actor=actor, obj=case, data={"message": message.pk})
    return message


@transaction.atomic
def publish_complaint(
    *,
    actor,
    case: Complaint,
    public: bool,
    public_title: str = "",
    public_summary: str = "",
    is_anonymous: bool | None = None,
) -> Complaint:
    """Make a case public (or private again) with the operator's own public text.

    Misconduct cases are never public. The reporter's description is never shown; only
    ``public_title`` and ``public_summary``, which the operator has read.

    Audited as ``complaint.published`` or ``complaint.unpublished``; raises PermissionDenied
    without the triage right, TransitionRefused for a misconduct case, without a public
    summary, or before verification.
    """
    case = locked(case)
    require(actor, "triage", case)
    if public and case.is_oversight:
        raise TransitionRefused("misconduct cases are never public")
    if public and not public_summary.strip():
        raise TransitionRefused("a public case needs a public summary")
    if public and case.state in (State.RECEIVED, State.REJECTED, State.MERGED):
        raise TransitionRefused("verify the case before making it public")
    case.is_confidential = not public
    case.public_title = public_title.strip()[:200] or case.public_title
    case.public_summary = public_summary.strip()
    if is_anonymous is not None:
        case.is_anonymous = is_anonymous or case.reporter_id is None
    case.save()
    audit.record(
        "complaint.published" if public else "complaint.unpublished",
        actor=actor,
        obj=case,
        data={"is_anonymous": case.is_anonymous},
    )
    return case


def officers_of(unit):
    """Unit officers to notify (used by the sweep)."""
    return _unit_officers(unit)


@transaction.atomic
def hand_to_ppid(*, actor, case: Complaint) -> Complaint:
    """A request for public information: the PPID flow (UU 14/2008) takes it over.

    The PPID request keeps this case's number and receipt time (its 10-working-day
    clock runs from the original receipt); the case closes, pointing at the request,
    and the reporter is told the registration number.

    Audited as ``complaint.hand_to_ppid`` (and the request's own event); raises
    PermissionDenied without the triage right, TransitionRefused from a state the table
    forbids.
    """
    from kanal.ppid.actions import receive_request_from_case

    case = locked(case)
    require(actor, "triage", case)
    reporter = case.reporter
    request = receive_request_from_case(
        actor=actor,
        requester_name=reporter.name if reporter else "",
        contact_email=reporter.email if reporter else "",
        contact_phone=reporter.phone if reporter else "",
        text=f"{case.title}\n\n{case.description}",
        channel=case.channel,
        received_at=case.received_at,
        case_reference=case.tracking_number,
    )
    case.kind = Kind.INFORMATION_REQUEST
    case.referred_to = f"PPID {request.registration_number}"
    case.closed_at = timezone.now()
    transition(
        case, Action.HAND_TO_PPID, actor=actor, data={"ppid_request": request.registration_number}
    )
    message = _(
        "Your message is a request for public information. The PPID handles it as request "
        "%(number)s and answers within 10 working days (UU 14/2008)."
    ) % {"number": request.registration_number}
    _answer_reporter(
        case, actor, _("Your request %(number)s") % {"number": request.registration_number}, message
    )
    return case
