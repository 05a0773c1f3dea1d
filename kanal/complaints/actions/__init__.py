"""Every write to a case. Grouped by sub-domain; import from here.

Each action is atomic, checks the transition table and the actor's permission, writes
its audit event, and queues its side effects (notices, notifications) after commit.
"""

from .citizen import (  # noqa: F401
    add_citizen_reply,
    issue_access_code,
    issue_contact_code,
    issue_followup_key,
    rate_complaint,
    reopen_complaint,
    verify_access_code,
    verify_contact_code,
    verify_followup_key,
)
from .following import (  # noqa: F401
    approve_message_for_public,
    approve_photo_for_public,
    follow_complaint,
    notify_followers,
    unfollow_complaint,
)
from .intake import (  # noqa: F401
    ReporterDetails,
    add_attachment,
    publish_attachment,
    submit_complaint,
    submit_complaint_once,
    submit_web_report,
)
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
from .notices import (  # noqa: F401
    mark_notifications_read,
    record_export,
    report_unreachable_reporter,
)
from .routing import apply_routing, revert_auto_disposition  # noqa: F401
from .sweep import recompute_due_dates, sweep_deadlines  # noqa: F401
from .templates import (  # noqa: F401
    add_starter_templates,
    delete_response_template,
    save_response_template,
)
from .triage import (  # noqa: F401
    assign_complaint,
    forward_to_operator,
    recategorise_complaint,
    reroute_complaint,
)
