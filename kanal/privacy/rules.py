"""Pure rules of personal data protection: retention cut-off, breach notice deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

# A case whose handling is over: no further processing needs the reporter's identity.
FINISHED_STATES = frozenset({"ditutup", "ditolak", "bukan_wewenang", "digabung"})

DEFAULT_RETENTION_DAYS = 730

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


def normalise_phone(text: str) -> str:
    """Digits of an Indonesian number in the 08… form, for matching (+62 812… → 0812…)."""
    digits = "".join(c for c in text if c.isdigit())
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits
