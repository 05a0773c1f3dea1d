"""Every write to a case. Grouped by sub-domain; import from here.

Each action is atomic, checks the transition table and the actor's permission, writes
its audit event, and queues its side effects (notices, notifications) after commit.
"""

from .citizen import (  # noqa: F401
    add_citizen_reply,
    issue_access_code,
    rate_complaint,
    reopen_complaint,
    verify_access_code,
)
from .intake import ReporterDetails, add_attachment, submit_complaint  # noqa: F401
from .lifecycle import (  # noqa: F401
    add_internal_note,
    close_complaint,
    complete_complaint,
    dispose_complaint,
    follow_up_complaint,
    hand_to_ppid,
    merge_complaints,
    postpone_complaint,
    publish_complaint,
    refer_complaint_outside,
    reject_complaint,
    resume_complaint,
    return_to_unit,
    send_back_complaint,
    send_public_reply,
    verify_complaint,
)
from .notices import mark_notifications_read, report_unreachable_reporter  # noqa: F401
from .routing import apply_routing, revert_auto_disposition  # noqa: F401
from .sweep import recompute_due_dates, sweep_deadlines  # noqa: F401
from .templates import delete_response_template, save_response_template  # noqa: F401
