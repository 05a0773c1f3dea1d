"""Shared steps of case actions: locking, transitions, clocks, notices."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from kanal import audit
from kanal.core.queries import working_calendar
from kanal.core.tasks import enqueue_on_commit

from .. import rules
from ..models import CitizenNotice, Complaint, ContactPreference, StaffNotification
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


def notify_reporter(case: Complaint, subject: str, body: str) -> CitizenNotice | None:
    """Record a notice to the reporter on their chosen channel and queue its sending.

    Nothing is recorded when the reporter chose no contact. Returns the notice.
    """
    reporter = case.reporter
    if reporter is None or reporter.contact_preference == ContactPreference.NONE:
        return None
    preference = reporter.contact_preference
    if preference == ContactPreference.EMAIL and reporter.email:
        channel, address = "email", reporter.email
    elif preference == ContactPreference.WHATSAPP and reporter.phone:
        channel, address = "whatsapp", reporter.phone
    elif preference == ContactPreference.CHANNEL:
        channel, address = case.channel, case.channel_reference or reporter.phone
    else:
        return None
    return queue_citizen_notice(
        case, channel=channel, address=address, subject=subject, body=body, reporter=reporter
    )


def queue_citizen_notice(
    case: Complaint, *, channel: str, address: str, subject: str, body: str, reporter=None
) -> CitizenNotice:
    """The one way a message to a citizen leaves: recorded in the outbox, sent after commit.

    Used for the reporter's updates, followers' updates and one-time codes alike, so
    that a change of delivery (fallback chains) happens here once.
    """
    notice = CitizenNotice.objects.create(
        complaint=case,
        reporter=reporter,
        channel=channel,
        address=address,
        subject=subject,
        body=body,
    )
    enqueue_on_commit("kanal.complaints.tasks.send_citizen_notice", notice.pk)
    return notice


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
