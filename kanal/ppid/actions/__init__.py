"""Every PPID write goes through these functions (requests, objections, lists)."""

from .lists import (
    add_public_document,
    delete_exempted_item,
    delete_public_information_item,
    mark_information_published,
    save_exempted_item,
    save_public_information_item,
    send_ppid_reminders,
)
from .objections import answer_objection, file_objection, record_dispute, record_objector_response
from .requests import (
    Upload,
    add_request_attachment,
    complete_information_request,
    extend_information_request,
    issue_written_notice,
    next_number,
    receive_request_from_case,
    submit_information_request,
)

__all__ = [
    "Upload",
    "add_public_document",
    "add_request_attachment",
    "answer_objection",
    "complete_information_request",
    "delete_exempted_item",
    "delete_public_information_item",
    "extend_information_request",
    "file_objection",
    "issue_written_notice",
    "mark_information_published",
    "next_number",
    "receive_request_from_case",
    "record_dispute",
    "record_objector_response",
    "save_exempted_item",
    "save_public_information_item",
    "send_ppid_reminders",
    "submit_information_request",
]
