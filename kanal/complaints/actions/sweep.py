"""The scheduler's sweep: automatic closure, escalation of overdue cases, recomputed clocks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kanal import audit
from kanal.core.queries import working_calendar

from .. import rules
from ..models import Complaint, State
from ..queries import deadlines
from .common import locked, notify_staff


@dataclass
class SweepReport:
    """What one :func:`sweep_deadlines` run did: cases closed, escalated, notifications sent."""

    closed: int = 0
    escalated: int = 0
    notified: int = 0


def _recipients(level: int, case: Complaint):
    from kanal.accounts.models import User

    active = User.objects.filter(is_active=True)
    if level == 1 and case.unit_id:
        return active.filter(memberships__unit=case.unit).distinct()  # the unit and its head
    if level == 2:
        return active.filter(memberships__role="operator").distinct()
    if level >= 3:
        return active.filter(memberships__role="leadership").distinct()
    return active.none()


def sweep_deadlines(today=None) -> SweepReport:
    """Close completed cases whose quiet period ended; escalate overdue open cases.

    Safe to run twice: each case is handled in its own transaction under a row lock,
    and notifications are unique per user, case and level.

    Closing is audited as ``complaint.close`` by the system, each escalation as
    ``complaint.escalated``.
    """
    from .lifecycle import close_complaint

    today = today or timezone.localdate()
    calendar = working_calendar()
    report = SweepReport()
    due_to_close = Complaint.objects.filter(
        state=State.COMPLETED, due_basis="auto_close", due_date__lt=today
    )
    for case in due_to_close:
        close_complaint(actor=None, case=case, automatic=True)
        report.closed += 1
    overdue = Complaint.objects.filter(
        state__in=rules.OPEN_STATES | {State.COMPLETED}, due_date__lt=today
    ).exclude(due_basis="auto_close")
    for case in overdue:
        with transaction.atomic():
            case = locked(case)
            due = case.due_date
            level = rules.escalation_level(calendar, due, today)
            if due is None or level <= case.escalation_level:  # 0 without a due date
                continue
            for new_level in range(case.escalation_level + 1, level + 1):
                report.notified += notify_staff(
                    _recipients(new_level, case),
                    case,
                    "overdue",
                    _("Case %(number)s is overdue since %(due)s")
                    % {
                        "number": case.tracking_number,
                        "due": formats.date_format(due, "j F Y"),
                    },
                    level=new_level,
                )
            audit.record(
                "complaint.escalated",
                obj=case,
                actor_label="system",
                data={"from": case.escalation_level, "to": level, "due_date": case.due_date},
            )
            case.escalation_level = level
            case.save(update_fields=["escalation_level", "updated_at"])
            report.escalated += 1
    return report


def recompute_due_dates() -> int:
    """Recompute running clocks after the holiday calendar changed; returns how many moved.

    Each move is audited as ``complaint.due_date_recomputed``.
    """
    calendar = working_calendar()
    moved = 0
    for case in Complaint.objects.filter(clock_started_on__isnull=False).exclude(
        state__in=rules.FINAL_STATES
    ):
        with transaction.atomic():
            case = locked(case)
            if case.clock_started_on is None:  # cleared since the list was read
                continue
            state = State.FOLLOWED_UP if case.due_basis == "review" else case.state
            due, _basis, _n = rules.due_date_for(
                calendar, state, case.clock_started_on, deadlines()
            )
            if due and due != case.due_date:
                audit.record(
                    "complaint.due_date_recomputed",
                    obj=case,
                    actor_label="system",
                    data={"from": case.due_date, "to": due},
                )
                case.due_date = due
                case.save(update_fields=["due_date", "updated_at"])
                moved += 1
    return moved
