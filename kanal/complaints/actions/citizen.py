"""What the reporter does: prove they are the reporter, reply, reopen, rate."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit
from kanal.core.queries import working_calendar

from .. import rules
from ..models import AccessCode, CaseMessage, Complaint, MessageKind, State
from ..queries import deadlines
from .common import locked, notify_reporter, notify_staff, operators, transition

CODE_TTL = timedelta(minutes=15)
MAX_CODE_ATTEMPTS = 5


def _hash(case: Complaint, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{case.pk}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def issue_access_code(case: Complaint) -> bool:
    """Send a six-digit code to the reporter's recorded contact; False if there is none.

    The code proves the person on the tracking page is the reporter before anything
    that came from them (their replies, their details) is shown or accepted.
    """
    code = f"{secrets.randbelow(1_000_000):06d}"
    notice = notify_reporter(
        case,
        _("Your code for %(number)s") % {"number": case.tracking_number},
        _(
            "Your code to open report %(number)s is %(code)s. It is valid for 15 minutes. "
            "Do not share it."
        )
        % {"number": case.tracking_number, "code": code},
        kind="code",
    )
    if notice is None:
        return False
    AccessCode.objects.filter(complaint=case, used_at__isnull=True).update(
        used_at=timezone.now()
    )  # only the newest code works
    AccessCode.objects.create(
        complaint=case, code_hash=_hash(case, code), expires_at=timezone.now() + CODE_TTL
    )
    audit.record(
        "complaint.access_code_sent",
        obj=case,
        actor_label="citizen",
        data={"channel": notice.first_route},
    )
    return True


@transaction.atomic
def verify_access_code(case: Complaint, code: str) -> bool:
    """True once for a correct, unexpired code; each code allows five attempts."""
    access = (
        AccessCode.objects.select_for_update()
        .filter(complaint=case, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if access is None or access.attempts >= MAX_CODE_ATTEMPTS:
        return False
    if not hmac.compare_digest(access.code_hash, _hash(case, code.strip())):
        access.attempts += 1
        access.save(update_fields=["attempts"])
        return False
    access.used_at = timezone.now()
    access.save(update_fields=["used_at"])
    audit.record("complaint.reporter_verified", obj=case, actor_label="citizen")
    return True


@transaction.atomic
def add_citizen_reply(*, case: Complaint, body: str, channel: str = "web") -> CaseMessage:
    """The reporter writes on an open or completed case.

    On a completed case the reply stops the automatic closure: the operator must look
    again within the review clock (close it, or return it to the unit).
    """
    case = locked(case)
    if case.state in rules.FINAL_STATES:
        raise rules.TransitionRefused("the case is closed; reopen it instead")
    message = CaseMessage.objects.create(complaint=case, kind=MessageKind.CITIZEN_REPLY, body=body)
    if case.state == State.COMPLETED:
        due, _basis, _n = rules.due_date_for(
            working_calendar(), "ditindaklanjuti", timezone.localdate(), deadlines()
        )
        case.due_date, case.due_basis = due, "review"
        case.clock_started_on = timezone.localdate()
        case.save(update_fields=["due_date", "due_basis", "clock_started_on", "updated_at"])
    audit.record(
        "complaint.citizen_replied",
        obj=case,
        actor_label=f"citizen:{channel}",
        data={"message": message.pk},
    )
    notify_staff(
        operators(),
        case,
        "citizen_reply",
        _("The reporter replied on %(number)s") % {"number": case.tracking_number},
        level=case.messages.filter(kind=MessageKind.CITIZEN_REPLY).count(),
    )
    return message


@transaction.atomic
def reopen_complaint(*, case: Complaint, reason: str) -> Complaint:
    """The reporter reopens a completed case, or a closed one within 10 working days.

    The case goes back to the same unit with a fresh follow-up clock.
    """
    case = locked(case)
    closed_on = timezone.localdate(case.closed_at) if case.closed_at else None
    if not rules.may_reopen(
        working_calendar(), case.state, closed_on, timezone.localdate(), deadlines()
    ):
        raise rules.TransitionRefused("this case can no longer be reopened")
    case.reopen_count += 1
    case.closed_at = None
    CaseMessage.objects.create(complaint=case, kind=MessageKind.CITIZEN_REPLY, body=reason)
    transition(
        case,
        rules.Action.REOPEN,
        actor=None,
        actor_label="citizen",
        data={"reason": reason, "reopen_count": case.reopen_count},
    )
    from .lifecycle import officers_of

    notify_staff(
        officers_of(case.unit),
        case,
        "reopened",
        _("Case %(number)s was reopened by the reporter") % {"number": case.tracking_number},
        level=case.reopen_count,
    )
    return case


@transaction.atomic
def rate_complaint(*, case: Complaint, rating: int, comment: str = "") -> Complaint:
    """The reporter rates the answer (1-5) once the case is completed or closed."""
    if not 1 <= int(rating) <= 5:
        raise ValueError("rating must be 1-5")
    case = locked(case)
    if case.state not in (State.COMPLETED, State.CLOSED):
        raise rules.TransitionRefused("only answered cases can be rated")
    case.rating, case.rating_comment, case.rated_at = int(rating), comment, timezone.now()
    case.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    audit.record("complaint.rated", obj=case, actor_label="citizen", data={"rating": case.rating})
    return case
