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

from django.utils import formats
from django.utils.translation import gettext

from kanal.core.calendar import WorkingDayCalendar

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
    {"diterima", "diverifikasi", "didisposisikan", "ditindaklanjuti", "ditunda"}
)
FINAL_STATES = frozenset({"ditutup", "bukan_wewenang", "ditolak", "digabung"})

# (state, action) -> next state. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, Action], str] = {
    ("diterima", Action.VERIFY): "diverifikasi",
    ("diterima", Action.DISPOSE): "didisposisikan",
    ("diverifikasi", Action.DISPOSE): "didisposisikan",
    ("diterima", Action.POSTPONE): "ditunda",
    ("diverifikasi", Action.POSTPONE): "ditunda",
    ("ditunda", Action.RESUME): "diverifikasi",
    ("diterima", Action.REFER_OUTSIDE): "bukan_wewenang",
    ("diverifikasi", Action.REFER_OUTSIDE): "bukan_wewenang",
    ("ditunda", Action.REFER_OUTSIDE): "bukan_wewenang",
    ("diterima", Action.REJECT): "ditolak",
    ("diverifikasi", Action.REJECT): "ditolak",
    ("ditunda", Action.REJECT): "ditolak",
    ("diterima", Action.MERGE): "digabung",
    ("diverifikasi", Action.MERGE): "digabung",
    ("didisposisikan", Action.MERGE): "digabung",
    ("ditunda", Action.MERGE): "digabung",
    ("didisposisikan", Action.SEND_BACK): "diverifikasi",
    ("didisposisikan", Action.FOLLOW_UP): "ditindaklanjuti",
    ("ditindaklanjuti", Action.RETURN_TO_UNIT): "didisposisikan",
    ("ditindaklanjuti", Action.COMPLETE): "selesai",
    ("selesai", Action.CLOSE): "ditutup",
    ("selesai", Action.REOPEN): "didisposisikan",
    ("ditutup", Action.REOPEN): "didisposisikan",
    ("diterima", Action.HAND_TO_PPID): "ditutup",
    ("diverifikasi", Action.HAND_TO_PPID): "ditutup",
    # Re-routing a case the unit holds (or has answered) restarts the new unit's clock.
    ("didisposisikan", Action.REROUTE): "didisposisikan",
    ("ditindaklanjuti", Action.REROUTE): "didisposisikan",
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
    return [action for (s, action) in TRANSITIONS if s == state]


# --- deadlines -------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """Which deadline a state runs on: the basis date, working days and its name."""

    basis: str  # "verify", "follow_up", "auto_close" or "" (no clock)
    working_days: int


def clock_for(state: str, deadlines: dict) -> Clock:
    """The clock that runs in ``state`` (none in postponed and final states)."""
    if state in ("diterima", "diverifikasi"):
        return Clock("verify", deadlines["verify_working_days"])
    if state == "didisposisikan":
        return Clock("follow_up", deadlines["follow_up_working_days"])
    if state == "ditindaklanjuti":
        return Clock("review", deadlines["review_working_days"])
    if state == "selesai":
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
    if state == "selesai":
        return True
    if state != "ditutup" or closed_on is None:
        return False
    return calendar.working_days_between(closed_on, today) <= deadlines["reopen_working_days"]


# --- tracking numbers --------------------------------------------------------------------

# Crockford base32 without I, L, O, U: no letters that read as digits or as rude words,
# easy to read aloud and to type on a phone keypad.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


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
    body = body.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))  # not the prefix
    return f"{prefix}-{body[:4]}-{body[4:]}"


# --- personal data -----------------------------------------------------------------------

_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<!\d)\d{16}(?!\d)"), "[NIK]"),
    (re.compile(r"(?:\+62|62|0)[\s.-]?8[\d\s.-]{7,14}\d"), "[telepon]"),
    (
        re.compile(
            r"(?i)\b(nama saya|saya bernama|nama|a\.n\.|atas nama)\s*:?\s+"
            r"([A-Z][\w'.]*(?:\s+[A-Z][\w'.]*){0,3})"
        ),
        r"\1 [nama]",
    ),
    (re.compile(r"(?i)\b(NIK|KTP)\s*:?\s*[\d\s]{6,}"), r"\1 [NIK]"),
]


def redact_personal_data(text: str, known: list[str] = ()) -> str:
    """A first public draft of ``text`` with names, phones, NIK and e-mails masked.

    ``known`` are the reporter's own name, phone and e-mail, masked wherever they
    appear. The operator still reads and edits the public summary before a case goes
    public; this only makes the safe choice the default.
    """
    result = text
    for value in sorted((k for k in known if k and len(k) >= 3), key=len, reverse=True):
        result = re.sub(re.escape(value), "[disamarkan]", result, flags=re.IGNORECASE)
    for pattern, replacement in _PATTERNS:
        result = pattern.sub(replacement, result)
    return result


def fill_template(body: str, values: dict[str, str]) -> str:
    """Replace {placeholders} in a response template; unknown ones are left as written."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), body)


# --- history in sentences ------------------------------------------------------------------


def _channel_label(code: str) -> str:
    from .models import Channel

    try:
        return str(Channel(code).label)
    except ValueError:
        return code


def _state_label(code: str) -> str:
    from .models import State

    try:
        return str(State(code).label)
    except ValueError:
        return code


def describe_actor(actor_name: str, actor_label: str) -> str:
    """Who acted, in words: a staff member's name, or the reporter, a channel, the system."""
    if actor_name:
        return actor_name
    if actor_label == "citizen":
        return gettext("The reporter")
    if actor_label.startswith("channel:"):
        return gettext("%(channel)s channel") % {"channel": _channel_label(actor_label[8:])}
    if actor_label == "system:routing":
        return gettext("Kanal's router")
    if actor_label.startswith("system"):
        return gettext("Kanal (automatic)")
    return actor_label or gettext("Kanal (automatic)")


def _route(data: dict) -> str:
    from kanal.outbox.rules import route_name

    return route_name(data.get("route", ""))


def describe_event(action: str, data: dict, unit_names: dict[str, str]) -> str:
    """One audit event of a case as a sentence for staff (never an event code).

    ``unit_names`` maps unit codes found in ``data`` to their names. Unknown events fall
    back to a generic sentence rather than showing the code.
    """
    data = data or {}

    def unit(key: str = "unit") -> str:
        code = data.get(key) or ""
        return unit_names.get(code, code) or gettext("no unit")

    def fmt_date(value) -> str:
        if not value:
            return "—"
        try:
            return formats.date_format(date.fromisoformat(str(value)[:10]), "j F Y")
        except ValueError:
            return str(value)

    name = action.removeprefix("complaint.")
    sentences = {
        "submitted": lambda: (
            gettext("Received through %(channel)s.")
            % {"channel": _channel_label(data.get("channel", ""))}
        ),
        "verify": lambda: gettext("Verified as a proper report."),
        "dispose": lambda: (
            (
                gettext("Routed automatically to %(unit)s.")
                if data.get("automatic")
                else gettext("Disposed to %(unit)s.")
            )
            % {"unit": unit()}
        ),
        "reroute": lambda: (
            gettext("Re-routed from %(old)s to %(new)s.") % {"old": unit("old_unit"), "new": unit()}
        ),
        "recategorised": lambda: (
            gettext("Topic or kind changed: %(changes)s.")
            % {"changes": ", ".join(f"{k}: {v[0] or '—'} → {v[1] or '—'}" for k, v in data.items())}
        ),
        "assigned": lambda: (
            gettext("Assigned to %(officer)s.")
            % {"officer": data.get("officer_name") or gettext("nobody")}
        ),
        "forwarded": lambda: gettext("Forwarded to the operators with a note."),
        "postpone": lambda: gettext("Waiting for the reporter: more information was asked."),
        "resume": lambda: gettext("The reporter answered; verification resumed."),
        "refer_outside": lambda: (
            gettext("Referred outside the city's authority to %(body)s.")
            % {"body": data.get("referred_to", "")}
        ),
        "reject": lambda: gettext("Rejected."),
        "merge": lambda: gettext("Merged into %(number)s.") % {"number": data.get("into", "")},
        "merged_in": lambda: (
            gettext("Case %(number)s was merged into this one.")
            % {"number": data.get("duplicate", "")}
        ),
        "send_back": lambda: (
            (
                gettext("Automatic disposition to %(unit)s undone; back to verification.")
                if data.get("reverted_decision")
                else gettext("Sent back to the operators by %(unit)s: %(reason)s")
            )
            % {"unit": unit(), "reason": data.get("reason", "")}
        ),
        "follow_up": lambda: gettext("The unit sent its follow-up."),
        "return_to_unit": lambda: (
            gettext("Quality check: returned to the unit (%(note)s).")
            % {"note": data.get("note", "")}
        ),
        "complete": lambda: gettext("Quality check passed; the answer was sent to the reporter."),
        "close": lambda: (
            gettext("Closed automatically after the quiet period.")
            if data.get("automatic")
            else gettext("Closed.")
        ),
        "reopen": lambda: gettext("Reopened by the reporter."),
        "hand_to_ppid": lambda: (
            gettext("Handed to the PPID as request %(number)s.")
            % {"number": data.get("ppid_request", "")}
        ),
        "replied": lambda: gettext("A reply was sent to the reporter."),
        "noted": lambda: gettext("An internal note was added."),
        "published": lambda: gettext("Shown on the public site."),
        "unpublished": lambda: gettext("Hidden from the public site."),
        "notice_sent": lambda: gettext("The reporter was notified."),
        "notice_failed": lambda: (
            gettext("Notifying the reporter failed: %(error)s")
            % {"error": data.get("error") or gettext("no reason given")}
        ),
        "notice_skipped": lambda: gettext(
            "The reporter was not notified (no way to reach them on this channel)."
        ),
        "notice_pending": lambda: gettext("A notice to the reporter is waiting to be sent."),
        # The one outbox (kanal.outbox); the delivery panel has the details.
        "outbox.sent": lambda: (
            gettext("A message was sent by %(route)s.") % {"route": _route(data)}
        ),
        "outbox.attempt_failed": lambda: (
            gettext("Sending by %(route)s failed: %(error)s")
            % {"route": _route(data), "error": data.get("error") or gettext("no reason given")}
        ),
        "outbox.unreachable": lambda: gettext(
            "A message reached no one: every way to contact the person failed."
        ),
        "escalated": lambda: (
            gettext("Overdue since %(due)s: escalated to level %(level)s.")
            % {"due": fmt_date(data.get("due_date")), "level": data.get("to", "")}
        ),
        "due_date_recomputed": lambda: (
            gettext("Due date moved from %(old)s to %(new)s after a calendar change.")
            % {"old": fmt_date(data.get("from")), "new": fmt_date(data.get("to"))}
        ),
        "attachment_added": lambda: gettext("A file was attached."),
        "citizen_replied": lambda: gettext("The reporter replied."),
        "access_code_sent": lambda: gettext("A one-time code was sent to the reporter."),
        "reporter_verified": lambda: gettext("The reporter confirmed their code."),
        "rated": lambda: (
            gettext("The reporter rated the answer %(rating)s of 5.")
            % {"rating": data.get("rating", "")}
        ),
    }
    sentence = sentences.get(name)
    return (
        sentence()
        if sentence
        else gettext("Recorded: %(what)s.") % {"what": name.replace("_", " ")}
    )


# --- staff entry: the channel a case heard in person most likely came through ---------

# Channels a staff member may choose when recording a case by hand.
STAFF_CHANNELS = (
    "lurah",
    "camat",
    "field_visit",
    "walk_in",
    "phone",
    "ppid_desk",
    "email",
    "sms",
    "lapor",
)


def default_staff_channel(
    roles: frozenset[str], area_office_kinds: frozenset[str], *, on_field_visit: bool = False
) -> str:
    """The channel preset on a staff member's entry form, from who they are and where.

    ``area_office_kinds`` are the unit kinds ("kelurahan", "kecamatan") of the area
    offices the person belongs to. A visit in progress wins (the complaint was heard on
    the mayor's field visit); a lurah hears complaints as lurah, a camat as camat; a PPID
    officer at the PPID desk; everyone else most often by phone.
    """
    if on_field_visit:
        return "field_visit"
    if "area_officer" in roles:
        if "kelurahan" in area_office_kinds:
            return "lurah"
        if "kecamatan" in area_office_kinds:
            return "camat"
    if "ppid_officer" in roles:
        return "ppid_desk"
    return "phone"


# --- the citizen's side: contacts, follow-up keys, distances, form limits ----------------


def normalise_phone(text: str) -> str:
    """An Indonesian mobile number as digits with the country code: 0812… and +62 812… → 62812….

    Returns "" for anything with fewer than 9 digits (not a phone number).
    """
    digits = re.sub(r"\D", "", text or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits if len(digits) >= 9 else ""


def normalise_contact(text: str) -> str:
    """A phone number or e-mail address, made comparable ("" when it is neither)."""
    text = (text or "").strip()
    if "@" in text:
        return text.lower() if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) else ""
    return normalise_phone(text)


def new_followup_key(randbelow=secrets.randbelow) -> str:
    """``XXXX-XXXX-XXXX-XXXX``: 80 random bits in the tracking alphabet, to write down."""
    chars = "".join(TRACKING_ALPHABET[randbelow(32)] for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def normalise_followup_key(text: str) -> str:
    """What the reporter typed, made comparable (as for tracking numbers)."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def distance_metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance between two points (haversine, Earth radius 6,371 km)."""
    from math import asin, cos, radians, sin, sqrt

    p1, p2 = radians(lat1), radians(lat2)
    dp, dl = p2 - p1, radians(lng2 - lng1)
    a = sin(dp / 2) ** 2 + cos(p1) * cos(p2) * sin(dl / 2) ** 2
    return 2 * 6_371_000 * asin(sqrt(a))


@dataclass(frozen=True)
class ReportLimit:
    scope: str
    key: str
    limit: int


def report_limits(
    *, address: str, device: str, form_age: float | None, limits: dict
) -> tuple[str, list[ReportLimit]]:
    """Which counters one report from the public form counts against, fair to CGNAT.

    A browser that loaded the form (a device cookie and the form's signed time stamp)
    counts against its own device and a high ceiling for its address, so twenty
    strangers behind one carrier address can all report. A client without them counts
    against the address's strict limit. A form sent faster than ``min_seconds`` after it
    was shown is a bot ("too_fast"). Returns (verdict, counters): verdict "" or "too_fast".
    """
    if form_age is not None and form_age < limits["min_seconds"]:
        return "too_fast", []
    if device and form_age is not None:
        return "", [
            ReportLimit("report-device", device, limits["per_device"]),
            ReportLimit("report-address", address, limits["per_address"]),
        ]
    return "", [ReportLimit("report", address, limits["per_address_without_device"])]
