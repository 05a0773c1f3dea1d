"""Pure rules of personal data protection: retention cut-off, breach notice deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kanal.complaints.rules import FINAL_STATES

# A case whose handling is over: no further processing needs the reporter's identity.
FINISHED_STATES = FINAL_STATES

# Retention periods, in days, each counted from the end of the work that needed the data
# (settings in brackets). Two years covers the reporter's reopening, the inspectorate's
# and Ombudsman's look-backs and a PPID objection and dispute with room to spare; the
# privacy notice states the figures in force (privacy_notice template tag).
DEFAULT_RETENTION_DAYS = 730  # reporter's identity on a case (KANAL_PRIVACY_RETENTION_DAYS)
# photos and documents of a case (KANAL_PRIVACY_ATTACHMENT_RETENTION_DAYS)
DEFAULT_ATTACHMENT_RETENTION_DAYS = 730
# channel contacts, messages and raw events (KANAL_PRIVACY_CONVERSATION_RETENTION_DAYS)
DEFAULT_CONVERSATION_RETENTION_DAYS = 730
# identity of a PPID requester or objector (KANAL_PRIVACY_PPID_RETENTION_DAYS)
DEFAULT_PPID_RETENTION_DAYS = 730

# What stands in for a removed name where the register needs a value in the column, and
# the handle given to an anonymised contact or thread: unique, and never a real handle,
# so a later message from the same person starts a new contact and conversation.
ANONYMISED_NAME = "[dianonimkan]"
ANONYMISED_HANDLE_PREFIX = "anonymised:"


@dataclass(frozen=True)
class RetentionPeriods:
    """The periods in force, in days (see the DEFAULT_* constants for what each covers)."""

    cases: int
    attachments: int
    conversations: int
    ppid: int


def anonymised_handle(pk: int) -> str:
    """The stand-in written over an anonymised contact's id or conversation's thread key
    (``pk`` keeps it unique).
    """
    return f"{ANONYMISED_HANDLE_PREFIX}{pk}"


# UU 27/2022 Pasal 46(1): written notice to the data subjects and the authority
# "paling lambat 3 x 24 (tiga kali dua puluh empat) jam".
BREACH_NOTICE_HOURS = 72


def retention_cutoff(now: datetime, retention_days: int) -> datetime:
    """Cases finished before this moment are past retention."""
    if retention_days < 30:
        # The reporter may reopen within 10 working days of closing, and appeals and
        # audits need the file for a while: a shorter period is a configuration mistake.
        raise ValueError("the retention period must be at least 30 days")
    return now - timedelta(days=retention_days)


def breach_notice_due(discovered_at: datetime) -> datetime:
    """When the written notices of a breach are due (Pasal 46(1): 3 x 24 hours)."""
    return discovered_at + timedelta(hours=BREACH_NOTICE_HOURS)


def breach_notice_overdue(
    discovered_at: datetime,
    subjects_notified_at: datetime | None,
    authority_notified_at: datetime | None,
    now: datetime,
) -> bool:
    """True when a notice is still missing after the deadline."""
    missing = subjects_notified_at is None or authority_notified_at is None
    return missing and now > breach_notice_due(discovered_at)
