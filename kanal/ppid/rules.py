"""Pure PPID rules: the statutory clocks, completeness, states and the annual figures.

Every function takes plain data (and a ``WorkingDayCalendar`` where days are counted),
so each rule has table tests. Counting follows the core calendar: the day of the event
is not counted; "N working days after D" is the N-th working day after D.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from kanal.core import phones
from kanal.core.calendar import WorkingDayCalendar

from .models import RequestState

# UU 14/2008 Pasal 22(7): written notice no later than 10 working days after receipt.
NOTICE_WORKING_DAYS = 10
# UU 14/2008 Pasal 22(8): one extension of at most 7 working days, with written reasons.
EXTENSION_WORKING_DAYS = 7
# UU 14/2008 Pasal 36(1): an objection is filed within 30 working days after the ground.
OBJECTION_FILING_WORKING_DAYS = 30
# UU 14/2008 Pasal 36(2): the atasan PPID answers within 30 working days of receipt.
OBJECTION_ANSWER_WORKING_DAYS = 30
# UU 14/2008 Pasal 37(2): to the Komisi Informasi within 14 working days of the answer.
DISPUTE_FILING_WORKING_DAYS = 14
# UU 14/2008 Pasal 9(3): periodic information is published at least every 6 months.
BERKALA_MAX_MONTHS = 6
# Perki 1/2021 Pasal 56 (secondary source): the annual report is due by 31 March.
ANNUAL_REPORT_DUE_MONTH_DAY = (3, 31)
# Not law: how many working days before a deadline PPID officers are reminded.
DEFAULT_REMINDER_LEAD_WORKING_DAYS = 2

# Which date starts the notice clock. UU 22(7) says "after receipt"; some PPIDs count
# from the day the request is complete [GUESS], so it is a setting.
CLOCK_FROM_RECEIPT = "receipt"
CLOCK_FROM_COMPLETE = "complete"


class RuleViolation(ValueError):
    """A step the law or the workflow does not allow; the message is for the user."""


def format_registration_number(prefix: str, year: int, sequence: int) -> str:
    """``PPID-2026-000123``: readable, sortable, unique per register and year."""
    return f"{prefix}-{year}-{sequence:06d}"


def notice_due(cal: WorkingDayCalendar, clock_start: date) -> date:
    """The last day for the written notice (UU 14/2008 Pasal 22(7))."""
    return cal.add_working_days(clock_start, NOTICE_WORKING_DAYS)


def extended_due(cal: WorkingDayCalendar, current_due: date) -> date:
    """The last day after the one extension (UU 14/2008 Pasal 22(8))."""
    return cal.add_working_days(current_due, EXTENSION_WORKING_DAYS)


def objection_filing_deadline(cal: WorkingDayCalendar, ground_arose_on: date) -> date:
    """The last day to file an objection (UU 14/2008 Pasal 36(1))."""
    return cal.add_working_days(ground_arose_on, OBJECTION_FILING_WORKING_DAYS)


def objection_answer_due(cal: WorkingDayCalendar, filed_on: date) -> date:
    """The last day for the atasan PPID's answer (UU 14/2008 Pasal 36(2))."""
    return cal.add_working_days(filed_on, OBJECTION_ANSWER_WORKING_DAYS)


def dispute_filing_deadline(cal: WorkingDayCalendar, answered_on: date) -> date:
    """The last day to take the dispute to the Komisi Informasi (UU 14/2008 Pasal 37(2))."""
    return cal.add_working_days(answered_on, DISPUTE_FILING_WORKING_DAYS)


def clock_start(received_on: date, completed_on: date | None, mode: str) -> date:
    """The date the notice clock counts from: receipt (default) or completeness."""
    if mode == CLOCK_FROM_COMPLETE and completed_on is not None:
        return completed_on
    return received_on


IDENTITY_FIELDS = ("requester_name", "identity_number", "address", "information_requested")


def missing_details(details: dict) -> list[str]:
    """Names of the details a request still lacks before it is complete (UU 22(2)).

    A request needs the requester's name, identity number and address, what is
    asked, and at least one contact (e-mail or telephone).
    """
    missing = [name for name in IDENTITY_FIELDS if not str(details.get(name) or "").strip()]
    if not (details.get("email") or details.get("phone")):
        missing.append("contact")
    return missing


def check_can_extend(*, state: str, already_extended: bool, today: date, due_on: date) -> None:
    """Raise RuleViolation unless the request may be extended now (UU 22(8)).

    Only once, only while no notice has been sent, and only before the deadline.
    """
    if state == RequestState.ANSWERED:
        raise RuleViolation(_("A request that has been answered cannot be extended."))
    if already_extended:
        raise RuleViolation(_("The deadline can be extended only once (UU 14/2008 Pasal 22(8))."))
    if today > due_on:
        raise RuleViolation(_("The deadline has passed; it can no longer be extended."))


def check_notice_fields(
    *, outcome: str, material: str, blacked_out: str, exemption_ground: str, consequence: str
) -> None:
    """Raise RuleViolation when a notice lacks what UU 22(7) requires for its outcome."""
    if outcome in ("granted", "partly_granted") and not material.strip():
        raise RuleViolation(_("Say which information will be provided."))
    if outcome == "partly_granted" and not blacked_out.strip():
        raise RuleViolation(_("Say which parts are blacked out and why."))
    if outcome == "rejected" and not (exemption_ground and consequence.strip()):
        raise RuleViolation(_("A rejection needs its Pasal 17 ground and the consequence test."))


def is_overdue(due_on: date, today: date, *, answered: bool) -> bool:
    """Whether an unanswered request has passed ``due_on`` (an answered one never is)."""
    return not answered and today > due_on


def reminder_kind(cal: WorkingDayCalendar, due_on: date, today: date, lead: int) -> str | None:
    """ "overdue" after the deadline, "due_soon" within ``lead`` working days, else None."""
    if today > due_on:
        return "overdue"
    if cal.working_days_between(today, due_on) <= lead:
        return "due_soon"
    return None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def berkala_is_stale(last_published_on: date | None, today: date) -> bool:
    """Periodic information older than six months (UU 14/2008 Pasal 9(3)) needs publishing."""
    if last_published_on is None:
        return True
    return today > add_months(last_published_on, BERKALA_MAX_MONTHS)


def exemption_has_ended(exempt_until: date | None, today: date) -> bool:
    """An exemption period that has run out (UU 14/2008 Pasal 20(1)): re-list as open."""
    return exempt_until is not None and today > exempt_until


def annual_report_due(year: int) -> date:
    """The annual report on the year ``year`` is due by 31 March of the next year."""
    month, day = ANNUAL_REPORT_DUE_MONTH_DAY
    return date(year + 1, month, day)


# --- annual report (UU 14/2008 Pasal 12) ------------------------------------------------


@dataclass(frozen=True)
class RequestFacts:
    """What the annual report needs of one request (UU 14/2008 Pasal 12)."""

    received_on: date
    outcome: str  # "" while unanswered
    answered_on: date | None
    working_days_to_answer: int | None
    exemption_ground: str = ""
    allowed_working_days: int = NOTICE_WORKING_DAYS  # 17 after an extension


@dataclass(frozen=True)
class ObjectionFacts:
    """What the annual report needs of one objection: its ground and decision."""

    ground: str
    decision: str  # "" while unanswered


@dataclass(frozen=True)
class DisputeFacts:
    """What the annual report needs of one dispute: its outcome."""

    outcome: str


@dataclass
class AnnualFigures:
    """The Pasal 12 figures of one year, as :func:`annual_figures` counts them."""

    year: int
    requests_received: int = 0
    answered: int = 0
    unanswered: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)
    rejection_grounds: dict[str, int] = field(default_factory=dict)
    average_working_days: float | None = None
    max_working_days: int | None = None
    answered_late: int = 0
    objections: int = 0
    objections_by_ground: dict[str, int] = field(default_factory=dict)
    objections_by_decision: dict[str, int] = field(default_factory=dict)
    disputes: int = 0
    disputes_by_outcome: dict[str, int] = field(default_factory=dict)


def _count(values: Iterable[str]) -> dict[str, int]:
    result: dict[str, int] = {}
    for v in values:
        result[v] = result.get(v, 0) + 1
    return dict(sorted(result.items()))


def annual_figures(
    year: int,
    requests: list[RequestFacts],
    objections: list[ObjectionFacts],
    disputes: list[DisputeFacts],
) -> AnnualFigures:
    """The Pasal 12 figures for requests received in ``year`` and their objections/disputes.

    ``answered_late`` counts notices sent after the request's own limit (10 working
    days, 17 after an extension).
    """
    answered = [r for r in requests if r.outcome]
    timed = [
        (r, r.working_days_to_answer) for r in answered if r.working_days_to_answer is not None
    ]
    times = [days for _r, days in timed]
    return AnnualFigures(
        year=year,
        requests_received=len(requests),
        answered=len(answered),
        unanswered=len(requests) - len(answered),
        by_outcome=_count(r.outcome for r in answered),
        rejection_grounds=_count(
            r.exemption_ground for r in answered if r.outcome == "rejected" and r.exemption_ground
        ),
        average_working_days=round(sum(times) / len(times), 1) if times else None,
        max_working_days=max(times) if times else None,
        answered_late=sum(1 for r, days in timed if days > r.allowed_working_days),
        objections=len(objections),
        objections_by_ground=_count(o.ground for o in objections),
        objections_by_decision=_count(o.decision or "pending" for o in objections),
        disputes=len(disputes),
        disputes_by_outcome=_count(d.outcome for d in disputes),
    )


def contact_matches(given: str, *, email: str, phone: str) -> bool:
    """True when ``given`` is the request's e-mail (any case) or its phone (any format).

    Phones are compared in E.164 (kanal.core.phones), so "0812…" matches "+62 812…".
    """
    given = given.strip()
    if not given:
        return False
    if "@" in given:
        return bool(email) and given.lower() == email.strip().lower()
    return phones.same_number(given, phone)
