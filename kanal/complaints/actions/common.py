"""Shared steps of case actions: locking, transitions, clocks, notices."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from kanal import audit
from kanal.core.queries import working_calendar
from kanal.outbox import actions as outbox
from kanal.outbox import rules as rules_outbox
from kanal.outbox.models import Route

from .. import rules
from ..models import Complaint, ContactPreference, Follower, StaffNotification
from ..queries import deadlines


def locked(case: Complaint) -> Complaint:
    """The case row, locked for the rest of the transaction (two operators, one change)."""
    return Complaint.objects.select_for_update().get(pk=case.pk)


def start_clock(case: Complaint, state: str, on) -> None:
    """Set the due date of the clock that runs in ``state``, counted from ``on``."""
    due, basis, _ = rules.due_date_for(working_calendar(), state, on, deadlines())
    case.due_date, case.due_basis = due, basis
    case.clock_started_on = on if due else None
    case.escalation_level = 0


def transition(
    case: Complaint,
    action: rules.Action,
    *,
    actor,
    data=None,
    keep_clock: bool = False,
    actor_label: str = "",
) -> Complaint:
    """Move a locked case by ``action`` (TransitionRefused if the table forbids it).

    Starts the new state's clock from today unless ``keep_clock`` (verification keeps the
    receipt clock). Saves and writes the audit event ``complaint.<action>``.
    """
    before = case.state
    case.state = rules.next_state(case.state, action)
    if not keep_clock:
        start_clock(case, case.state, timezone.localdate())
    case.save()
    audit.record(
        f"complaint.{action}",
        actor=actor,
        obj=case,
        actor_label=actor_label,
        data={"from": before, "to": case.state, **(data or {})},
    )
    return case


def notify_reporter(case: Complaint, subject: str, body: str, *, kind: str = "update"):
    """Record a message to the reporter in the outbox, sent after the caller commits.

    It goes first to the reporter's chosen channel, then (kanal.outbox.rules.
    FALLBACK_ORDER) to their other contacts: WhatsApp template, SMS, e-mail. Nothing
    is recorded when the reporter chose no contact. Returns the outbox message.
    """
    reporter = case.reporter
    if reporter is None or reporter.contact_preference == ContactPreference.NONE:
        return None
    preference = reporter.contact_preference
    address = ""
    if preference == ContactPreference.EMAIL:
        first = "email"
    elif preference == ContactPreference.WHATSAPP:
        first = "whatsapp"
    elif case.channel in Route.values:
        first, address = case.channel, case.channel_reference
    else:  # a walk-in, a phone call: reach them on the contacts they left
        first = rules_outbox.FALLBACK_ORDER[0]
    if not (address or reporter.phone or reporter.email):
        return None
    return outbox.record_message(
        kind=kind,
        subject=subject,
        body=body,
        first_route=first,
        complaint=case,
        channel_address=address,
        phone=reporter.phone,
        email=reporter.email,
        reference_number=case.tracking_number,
    )


def queue_citizen_notice(
    case: Complaint,
    *,
    channel: str,
    address: str,
    subject: str,
    body: str,
    kind: str = "follower_update",
):
    """Record a message to someone who is not the case's reporter (a follower, a contact
    asking for a code) in the one outbox, sent after the caller commits.

    ``channel`` is how they asked to hear from us: ``email`` (``address`` is their
    e-mail, nothing else to fall back on) or ``whatsapp`` (``address`` is their phone:
    a WhatsApp message in an open conversation, else the template, else SMS).
    ``kind`` is one of kanal.outbox.rules.NOT_TO_REPORTER. Returns the outbox message.
    """
    by_email = channel == Follower.Via.EMAIL
    return outbox.record_message(
        kind=kind,
        subject=subject,
        body=body,
        first_route=Route.EMAIL if by_email else Route.WHATSAPP,
        complaint=case,
        phone="" if by_email else address,
        email=address if by_email else "",
        reference_number=case.tracking_number,
        fallback=not by_email,
    )


def operators():
    """Active staff with the operator role anywhere (they watch every reporter's case)."""
    from kanal.accounts.models import User

    return User.objects.filter(is_active=True, memberships__role="operator").distinct()


def case_link(case: Complaint) -> str:
    """The case's tracking page on the public host (KANAL_PUBLIC_BASE_URL), for messages."""
    return f"{settings.KANAL_PUBLIC_BASE_URL.rstrip('/')}/lacak/{case.tracking_number}/"


def notify_staff(users, case: Complaint, kind: str, message: str, level: int = 0) -> int:
    """One notification per user, case, kind and level (safe to call twice)."""
    created = 0
    for user in users:
        _, new = StaffNotification.objects.get_or_create(
            user=user, complaint=case, kind=kind, level=level, defaults={"message": message}
        )
        created += new
    return created
