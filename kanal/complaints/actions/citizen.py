"""What the reporter does: prove they are the reporter (code, follow-up key), reply, reopen,
rate; and open "my reports" with a code to their phone or e-mail."""

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
from ..models import (
    AccessCode,
    CaseMessage,
    Complaint,
    ContactCode,
    Follower,
    MessageKind,
    State,
)
from ..queries import deadlines
from .common import (
    locked,
    notify_reporter,
    notify_staff,
    operators,
    queue_citizen_notice,
    transition,
)

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

    Audited as ``complaint.access_code_sent`` (never the code).
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
    """True once for a correct, unexpired code; each code allows five attempts.

    A success is audited as ``complaint.reporter_verified``.
    """
    codes = AccessCode.objects.filter(complaint=case)
    if not _spend_code(codes, _hash(case, code.strip())):
        return False
    audit.record("complaint.reporter_verified", obj=case, actor_label="citizen")
    return True


@transaction.atomic
def add_citizen_reply(*, case: Complaint, body: str, channel: str = "web") -> CaseMessage:
    """The reporter writes on an open or completed case.

    On a completed case the reply stops the automatic closure: the operator must look
    again within the review clock (close it, or return it to the unit).

    Audited as ``complaint.citizen_replied``; raises TransitionRefused on a closed case.
    """
    case = locked(case)
    if case.state in rules.FINAL_STATES:
        raise rules.TransitionRefused("the case is closed; reopen it instead")
    message = CaseMessage.objects.create(complaint=case, kind=MessageKind.CITIZEN_REPLY, body=body)
    if case.state == State.COMPLETED:
        due, _basis, _n = rules.due_date_for(
            working_calendar(), State.FOLLOWED_UP, timezone.localdate(), deadlines()
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

    Audited as ``complaint.reopen``; raises TransitionRefused once reopening is no longer
    allowed (rules.may_reopen).
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
    """The reporter rates the answer (1-5) once the case is completed or closed.

    Audited as ``complaint.rated``; raises ValueError for a rating outside 1-5 and
    TransitionRefused before the case is answered.
    """
    if not 1 <= int(rating) <= 5:
        raise ValueError("rating must be 1-5")
    case = locked(case)
    if case.state not in rules.ANSWERED_STATES:
        raise rules.TransitionRefused("only answered cases can be rated")
    case.rating, case.rating_comment, case.rated_at = int(rating), comment, timezone.now()
    case.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    audit.record("complaint.rated", obj=case, actor_label="citizen", data={"rating": case.rating})
    return case


# --- the anonymous reporter's follow-up key ---------------------------------------------


@transaction.atomic
def issue_followup_key(case: Complaint) -> str:
    """Give a case a private follow-up key and return it (shown once, only its hash kept).

    For a reporter who gave no contact: the key lets them read, reply, rate and reopen
    without one. A new key replaces the old one.
    """
    case = locked(case)
    key = rules.new_followup_key()
    case.followup_key_hash = followup_key_hash(case.tracking_number, key)
    case.save(update_fields=["followup_key_hash", "updated_at"])
    audit.record("complaint.followup_key_issued", obj=case, actor_label="citizen")
    return key


# A key's hash is bound to the case's tracking number, which is known before the case
# is inserted, so the public form stores it with the case (no UPDATE after the INSERT).
# Hashes written before December 2026 were bound to the row id and have no prefix.
_NUMBER_BOUND = "n$"


def followup_key_hash(tracking_number: str, key: str) -> str:
    """What ``followup_key_hash`` holds for ``key`` on the case ``tracking_number``: an
    HMAC under the secret key, so a leaked table reveals no key."""
    secret = settings.SECRET_KEY.encode()
    digest = hmac.new(secret, f"followup:{tracking_number}:{key}".encode(), hashlib.sha256)
    return _NUMBER_BOUND + digest.hexdigest()


def verify_followup_key(case: Complaint, key: str) -> bool:
    """True when ``key`` (as typed: any case, dashes or not) is the case's follow-up key.

    A success is audited as ``complaint.reporter_verified``.
    """
    stored = case.followup_key_hash
    if not stored:
        return False
    typed = rules.normalise_followup_key(key)
    if stored.startswith(_NUMBER_BOUND):
        expected = followup_key_hash(case.tracking_number, typed)
    else:
        expected = _hash(case, typed)
    ok = hmac.compare_digest(stored, expected)
    if ok:
        audit.record("complaint.reporter_verified", obj=case, actor_label="citizen:key")
    return ok


# --- "my reports": a one-time code to a phone or e-mail ---------------------------------


def _contact_hash(contact: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"contact:{contact}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def issue_contact_code(contact: str) -> bool:
    """Send a six-digit code to a phone (WhatsApp) or e-mail that reported at least one case.

    ``contact`` is normalised (rules.normalise_contact). The code goes out as a notice on
    the contact's newest case, through the same outbox as every other message. Returns
    False (and sends nothing) when no case has this contact; the caller must not tell
    the difference to the person asking.

    Audited as ``complaint.contact_code_sent`` when a code goes out.
    """
    from ..queries import cases_for_contact

    case = cases_for_contact(contact).first()
    if case is None:
        return False
    code = f"{secrets.randbelow(1_000_000):06d}"
    ContactCode.objects.filter(contact=contact, used_at__isnull=True).update(used_at=timezone.now())
    ContactCode.objects.create(
        contact=contact,
        code_hash=_contact_hash(contact, code),
        expires_at=timezone.now() + CODE_TTL,
    )
    queue_citizen_notice(
        case,
        channel=Follower.Via.EMAIL if "@" in contact else Follower.Via.WHATSAPP,
        address=contact,
        subject=_("Your code for your reports"),
        body=_(
            "Your code to see your reports is %(code)s. It is valid for 15 minutes. "
            "Do not share it."
        )
        % {"code": code},
        kind="contact_code",
    )
    audit.record("complaint.contact_code_sent", obj=case, actor_label="citizen")
    return True


@transaction.atomic
def verify_contact_code(contact: str, code: str) -> bool:
    """True once for the newest unexpired code of ``contact``; five attempts per code."""
    codes = ContactCode.objects.filter(contact=contact)
    return _spend_code(codes, _contact_hash(contact, code.strip()))


def _spend_code(codes, expected_hash: str) -> bool:
    """Use the newest unexpired code of ``codes`` if it hashes to ``expected_hash``.

    Call inside a transaction (the row is locked). A wrong code counts an attempt; after
    MAX_CODE_ATTEMPTS the code is spent. True once for a correct code.
    """
    access = (
        codes.select_for_update()
        .filter(used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if access is None or access.attempts >= MAX_CODE_ATTEMPTS:
        return False
    if not hmac.compare_digest(access.code_hash, expected_hash):
        access.attempts += 1
        access.save(update_fields=["attempts"])
        return False
    access.used_at = timezone.now()
    access.save(update_fields=["used_at"])
    return True
