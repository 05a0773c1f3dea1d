"""Pure rules of complaints, one module per sub-domain, re-exported here.

``from kanal.complaints import rules; rules.next_state(...)`` and
``from kanal.complaints.rules import X`` keep working for every name:

* ``lifecycle``: states, transitions, deadlines, SLA status, escalation, tracking numbers;
* ``redaction``: personal data masked in case text, response templates;
* ``history``: a case's audit events as sentences for staff;
* ``intake``: the staff entry channel, the citizen's contacts and follow-up keys,
  distances, the public form's rate limits.

Phone numbers are normalised by ``kanal.core.phones`` (E.164), not here.
"""

from .history import describe_actor, describe_event
from .intake import (
    STAFF_CHANNELS,
    ReportLimit,
    default_staff_channel,
    distance_metres,
    new_followup_key,
    normalise_contact,
    normalise_followup_key,
    report_limits,
)
from .lifecycle import (
    ACTION_CAPABILITY,
    ANSWERED_STATES,
    DEFAULT_DEADLINES,
    DEFAULT_ESCALATION,
    FINAL_STATES,
    HEARD_IN_PERSON_CHANNELS,
    OPEN_STATES,
    TRACKING_ALPHABET,
    TRANSITIONS,
    Action,
    Clock,
    SlaStatus,
    TransitionRefused,
    allowed_actions,
    ceiling_date,
    clock_for,
    due_date_for,
    escalation_level,
    is_heard_in_person,
    may_reopen,
    new_tracking_number,
    next_state,
    normalise_tracking_number,
    sla_status,
)
from .redaction import fill_template, redact_personal_data

__all__ = [
    "ACTION_CAPABILITY",
    "ANSWERED_STATES",
    "DEFAULT_DEADLINES",
    "DEFAULT_ESCALATION",
    "FINAL_STATES",
    "HEARD_IN_PERSON_CHANNELS",
    "OPEN_STATES",
    "STAFF_CHANNELS",
    "TRACKING_ALPHABET",
    "TRANSITIONS",
    "Action",
    "Clock",
    "ReportLimit",
    "SlaStatus",
    "TransitionRefused",
    "allowed_actions",
    "ceiling_date",
    "clock_for",
    "default_staff_channel",
    "describe_actor",
    "describe_event",
    "distance_metres",
    "due_date_for",
    "escalation_level",
    "fill_template",
    "is_heard_in_person",
    "may_reopen",
    "new_followup_key",
    "new_tracking_number",
    "next_state",
    "normalise_contact",
    "normalise_followup_key",
    "normalise_tracking_number",
    "redact_personal_data",
    "report_limits",
    "sla_status",
]
