"""Pure rules of the case lifecycle: transitions, deadlines, SLA status, escalation, redaction.

Deadlines follow SP4N-LAPOR! practice (App Store listing and FAQ of SP4N-LAPOR!,
KemenPANRB; see the shared reference complaint-systems.md §3.1): verify and forward
within 3 working days of receipt; the unit follows up within 5 working days of
disposition; a case with a follow-up the reporter did not answer closes 10 working days
later. Perpres 76/2013 sets the outer ceiling: settled within 60 days after the file is
complete (the article number is still to be pinned from the official text). All
numbers are settings (KANAL_COMPLAINT_DEADLINES) so a decree can change them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kanal.core.calendar import WorkingDayCalendar

from ..models import State

DEFAULT_DEADLINES = {
    "verify_working_days": 3,  # SP4N-LAPOR!: verification and forwarding
    "follow_up_working_days": 5,  # SP4N-LAPOR!: the unit's follow-up
    "review_working_days": 3,  # Kanal: the operator's quality check of a follow-up
    "auto_close_working_days": 10,  # SP4N-LAPOR!: closure without the reporter's reply
    "reopen_working_days": 10,  # the reporter may reopen within this after closure
    "ceiling_days": 60,  # Perpres 76/2013: settled within 60 days
    "at_risk_working_days": 1,  # due within this many working days: "at risk"
}
# Escalation: working days overdue that reach each level (1 unit head, 2 the operators'
# supervisor, 3 the leadership dashboard).
DEFAULT_ESCALATION = (1, 3, 5)


class Action(StrEnum):
    """What a person may do to a case; TRANSITIONS says from which state to which."""

    VERIFY = "verify"
    DISPOSE = "dispose"
    POSTPONE = "postpone"
    RESUME = "resume"
    REFER_OUTSIDE = "refer_outside"
    REJECT = "reject"
    MERGE = "merge"
    SEND_BACK = "send_back"  # the unit: "not our authority", back to the operator
    FOLLOW_UP = "follow_up"
    RETURN_TO_UNIT = "return_to_unit"  # quality check failed
    COMPLETE = "complete"  # quality check passed
    CLOSE = "close"
    REOPEN = "reopen"
    HAND_TO_PPID = "hand_to_ppid"  # a request for information: the PPID flow takes over
    REROUTE = "reroute"  # the operator moves a routed case to another unit


OPEN_STATES = frozenset(
    {State.RECEIVED, State.VERIFIED, State.DISPOSED, State.FOLLOWED_UP, State.POSTPONED}
)
FINAL_STATES = frozenset({State.CLOSED, State.NOT_OUR_AUTHORITY, State.REJECTED, State.MERGED})
# Cases with the city's answer: the reporter may rate them and (rules.may_reopen) reopen.
ANSWERED_STATES = frozenset({State.COMPLETED, State.CLOSED})

# (state, action) -> next state. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, Action], str] = {
    (State.RECEIVED, Action.VERIFY): State.VERIFIED,
    (State.RECEIVED, Action.DISPOSE): State.DISPOSED,
    (State.VERIFIED, Action.DISPOSE): State.DISPOSED,
    (State.RECEIVED, Action.POSTPONE): State.POSTPONED,
    (State.VERIFIED, Action.POSTPONE): State.POSTPONED,
    (State.POSTPONED, Action.RESUME): State.VERIFIED,
    (State.RECEIVED, Action.REFER_OUTSIDE): State.NOT_OUR_AUTHORITY,
    (State.VERIFIED, Action.REFER_OUTSIDE): State.NOT_OUR_AUTHORITY,
    (State.POSTPONED, Action.REFER_OUTSIDE): State.NOT_OUR_AUTHORITY,
    (State.RECEIVED, Action.REJECT): State.REJECTED,
    (State.VERIFIED, Action.REJECT): State.REJECTED,
    (State.POSTPONED, Action.REJECT): State.REJECTED,
    (State.RECEIVED, Action.MERGE): State.MERGED,
    (State.VERIFIED, Action.MERGE): State.MERGED,
    (State.DISPOSED, Action.MERGE): State.MERGED,
    (State.POSTPONED, Action.MERGE): State.MERGED,
    (State.DISPOSED, Action.SEND_BACK): State.VERIFIED,
    (State.DISPOSED, Action.FOLLOW_UP): State.FOLLOWED_UP,
    (State.FOLLOWED_UP, Action.RETURN_TO_UNIT): State.DISPOSED,
    (State.FOLLOWED_UP, Action.COMPLETE): State.COMPLETED,
    (State.COMPLETED, Action.CLOSE): State.CLOSED,
    (State.COMPLETED, Action.REOPEN): State.DISPOSED,
    (State.CLOSED, Action.REOPEN): State.DISPOSED,
    (State.RECEIVED, Action.HAND_TO_PPID): State.CLOSED,
    (State.VERIFIED, Action.HAND_TO_PPID): State.CLOSED,
    # Re-routing a case the unit holds (or has answered) restarts the new unit's clock.
    (State.DISPOSED, Action.REROUTE): State.DISPOSED,
    (State.FOLLOWED_UP, Action.REROUTE): State.DISPOSED,
}

# Which staff capability an action needs ("citizen" for the reporter's own actions).
ACTION_CAPABILITY: dict[Action, str] = {
    Action.VERIFY: "triage",
    Action.DISPOSE: "triage",
    Action.POSTPONE: "triage",
    Action.RESUME: "triage",
    Action.REFER_OUTSIDE: "triage",
    Action.REJECT: "triage",
    Action.MERGE: "triage",
    Action.RETURN_TO_UNIT: "triage",
    Action.COMPLETE: "triage",
    Action.CLOSE: "triage",
    Action.SEND_BACK: "handle",
    Action.FOLLOW_UP: "handle",
    Action.REOPEN: "citizen",
    Action.HAND_TO_PPID: "triage",
    Action.REROUTE: "triage",
}

# Channels through which a person told an officer in person or by voice, not in writing
# online: the "heard in person" figure of the leadership dashboard. Names of
# ``models.Channel`` members; when a channel is split or added, update this set only.
HEARD_IN_PERSON_CHANNELS = frozenset(
    {"walk_in", "phone", "ppid_desk", "lurah", "camat", "field_visit"}
)


def is_heard_in_person(channel: str) -> bool:
    """Whether a case's channel counts as "heard in person" (see HEARD_IN_PERSON_CHANNELS)."""
    return channel in HEARD_IN_PERSON_CHANNELS


class TransitionRefused(Exception):
    """The action is not allowed from the case's current state."""


def next_state(state: str, action: Action) -> str:
    """The state after ``action``; raises TransitionRefused when the table does not allow it."""
    try:
        return TRANSITIONS[(state, Action(action))]
    except KeyError:
        raise TransitionRefused(f"{action} is not allowed in state {state}") from None


def allowed_actions(state: str) -> list[Action]:
    """The actions TRANSITIONS allows from ``state`` (empty for a final state)."""
    return [action for (s, action) in TRANSITIONS if s == state]


# --- deadlines -------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """Which deadline a state runs on: the basis date, working days and its name."""

    basis: str  # "verify", "follow_up", "auto_close" or "" (no clock)
    working_days: int


def clock_for(state: str, deadlines: dict) -> Clock:
    """The clock that runs in ``state`` (none in postponed and final states)."""
    if state in (State.RECEIVED, State.VERIFIED):
        return Clock("verify", deadlines["verify_working_days"])
    if state == State.DISPOSED:
        return Clock("follow_up", deadlines["follow_up_working_days"])
    if state == State.FOLLOWED_UP:
        return Clock("review", deadlines["review_working_days"])
    if state == State.COMPLETED:
        return Clock("auto_close", deadlines["auto_close_working_days"])
    return Clock("", 0)


def due_date_for(
    calendar: WorkingDayCalendar, state: str, since: date, deadlines: dict
) -> tuple[date | None, str, int]:
    """Due date of the clock running in ``state``, started on ``since``.

    Returns (due date or None, basis, working days).
    """
    clock = clock_for(state, deadlines)
    if not clock.basis:
        return None, "", 0
    return calendar.add_working_days(since, clock.working_days), clock.basis, clock.working_days


def ceiling_date(received: date, deadlines: dict) -> date:
    """Perpres 76/2013: the outer limit, in calendar days from receipt."""
    return received + timedelta(days=deadlines["ceiling_days"])


class SlaStatus(StrEnum):
    """Where a case stands against its due date (see :func:`sla_status`)."""

    NONE = "none"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"


def sla_status(
    calendar: WorkingDayCalendar, due: date | None, today: date, deadlines: dict
) -> SlaStatus:
    """On track, at risk (due within the at-risk window) or overdue (past the due date)."""
    if due is None:
        return SlaStatus.NONE
    if today > due:
        return SlaStatus.OVERDUE
    if calendar.working_days_between(today, due) <= deadlines["at_risk_working_days"]:
        return SlaStatus.AT_RISK
    return SlaStatus.ON_TRACK


def escalation_level(
    calendar: WorkingDayCalendar, due: date | None, today: date, thresholds=DEFAULT_ESCALATION
) -> int:
    """0 when not overdue; else the highest level whose working-day threshold is reached."""
    if due is None or today <= due:
        return 0
    overdue = calendar.working_days_between(due, today)
    return sum(1 for t in thresholds if overdue >= t)


def may_reopen(
    calendar: WorkingDayCalendar, state: str, closed_on: date | None, today: date, deadlines: dict
) -> bool:
    """The reporter may reopen a completed case, or a closed one within the window."""
    if state == State.COMPLETED:
        return True
    if state != State.CLOSED or closed_on is None:
        return False
    return calendar.working_days_between(closed_on, today) <= deadlines["reopen_working_days"]


# --- tracking numbers --------------------------------------------------------------------

# Crockford base32 without I, L, O, U: no letters that read as digits or as rude words,
# easy to read aloud and to type on a phone keypad.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Letters a person misreads for digits, mapped to the digit (the alphabet has neither).
LOOKALIKE_DIGITS = str.maketrans("OIL", "011")


def new_tracking_number(prefix: str, randbelow=secrets.randbelow) -> str:
    """``PREFIX-XXXX-XXXX``: 40 random bits, unguessable; uniqueness is the database's job."""
    chars = "".join(TRACKING_ALPHABET[randbelow(32)] for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def normalise_tracking_number(text: str) -> str:
    """What a citizen typed, made comparable: upper case, O→0, I/L→1, dashes restored."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if len(cleaned) < 9:
        return cleaned
    prefix, body = cleaned[:-8], cleaned[-8:]
    body = body.translate(LOOKALIKE_DIGITS)  # not the prefix
    return f"{prefix}-{body[:4]}-{body[4:]}"
