"""Writes for personal data protection: retention, data-subject requests, breach records.

``case_data``, ``channel_data`` and ``ppid_data`` remove one kind of personal data each;
``retention`` is the scheduled job over all three; ``requests`` handles the requests of
data subjects and the breach register.
"""

from .case_data import anonymise_complaint, remove_case_attachments
from .channel_data import anonymise_conversation, empty_old_events
from .ppid_data import anonymise_information_request
from .requests import (
    BREACH_FIELDS,
    RequestClosed,
    check_subject_identity,
    complete_access_request,
    erase_subject_data,
    open_subject_request,
    record_breach,
    refuse_subject_request,
    update_breach,
)
from .retention import RetentionReport, apply_retention

__all__ = [
    "BREACH_FIELDS",
    "RequestClosed",
    "RetentionReport",
    "anonymise_complaint",
    "anonymise_conversation",
    "anonymise_information_request",
    "apply_retention",
    "check_subject_identity",
    "complete_access_request",
    "empty_old_events",
    "erase_subject_data",
    "open_subject_request",
    "record_breach",
    "refuse_subject_request",
    "remove_case_attachments",
    "update_breach",
]
