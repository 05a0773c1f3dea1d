"""The retention job: everything past its period, in batches that each commit."""

from __future__ import annotations

from dataclasses import dataclass

from .. import queries, rules
from ..models import AnonymisationReason
from .case_data import anonymise_complaint, remove_case_attachments
from .channel_data import anonymise_conversation, empty_old_events
from .ppid_data import anonymise_information_request


@dataclass(frozen=True)
class RetentionReport:
    """What one retention run anonymised, emptied and removed, and under which periods."""

    anonymised: int  # cases whose reporter was anonymised
    retention_days: int  # the case period, as before
    attachments_removed: int = 0  # files
    conversations: int = 0
    events_emptied: int = 0
    information_requests: int = 0
    periods: rules.RetentionPeriods | None = None


def apply_retention(now=None, batch: int = 500) -> RetentionReport:
    """Remove or anonymise personal data whose retention period has ended.

    Covers, each with its own period (``queries.retention_periods``):

    - cases finished longer ago than KANAL_PRIVACY_RETENTION_DAYS: reporter anonymised;
    - files of cases finished longer ago than KANAL_PRIVACY_ATTACHMENT_RETENTION_DAYS:
      deleted from storage with their rows;
    - channel conversations silent for KANAL_PRIVACY_CONVERSATION_RETENTION_DAYS whose
      cases all ended before that, or that never became a case: anonymised, and raw
      provider events of that age that no kept message points to: emptied;
    - PPID requests finished (notice issued, no objection or dispute pending) longer ago
      than KANAL_PRIVACY_PPID_RETENTION_DAYS: requester and objectors anonymised.

    Every item (every batch of raw events) is its own transaction with its audit event,
    so a worker stopped mid-run leaves finished items done and the rest for the next run;
    a second run finds nothing more to do. At most ``batch`` items of each kind per run
    (events: until none is left, ``batch`` per transaction).
    """
    cases = 0
    for case in queries.cases_due_for_anonymisation(now)[:batch]:
        anonymise_complaint(actor=None, case=case, reason=AnonymisationReason.RETENTION)
        cases += 1
    files = 0
    for case in queries.cases_with_attachments_due(now)[:batch]:
        files += remove_case_attachments(
            actor=None, case=case, reason=AnonymisationReason.RETENTION
        )
    conversations = 0
    for conversation in queries.conversations_due(now)[:batch]:
        done = anonymise_conversation(
            actor=None,
            conversation=conversation,
            reason=AnonymisationReason.RETENTION,
            now=now,
        )
        conversations += done is not None
    events = empty_old_events(now, batch)
    requests = 0
    for request in queries.information_requests_due(now)[:batch]:
        anonymised = anonymise_information_request(
            actor=None, request=request, reason=AnonymisationReason.RETENTION, now=now
        )
        requests += anonymised is not None
    return RetentionReport(
        anonymised=cases,
        retention_days=queries.retention_days(),
        attachments_removed=files,
        conversations=conversations,
        events_emptied=events,
        information_requests=requests,
        periods=queries.retention_periods(),
    )
