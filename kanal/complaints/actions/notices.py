"""Staff notifications about a case: reading them, and a reporter nothing reaches."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kanal import audit
from kanal.outbox.rules import NOT_TO_REPORTER

from ..models import Complaint, StaffNotification
from .common import notify_staff, operators


@transaction.atomic
def report_unreachable_reporter(*, case: Complaint) -> int:
    """Nothing the outbox tried reached the reporter: tell the operators, once per message.

    Safe to call twice (one notification per operator, case and count of unreachable
    messages). Returns how many notifications were created.
    """
    unreachable = case.outbox.filter(status="unreachable").exclude(kind__in=NOT_TO_REPORTER).count()
    if not unreachable:
        return 0
    return notify_staff(
        operators(),
        case,
        "reporter_unreachable",
        _(
            "No message reaches the reporter of %(number)s: check the delivery panel and "
            "contact them another way."
        )
        % {"number": case.tracking_number},
        level=unreachable,
    )


def mark_notifications_read(*, user, case) -> int:
    """The staff member opened the case: their notifications about it are read."""
    return StaffNotification.objects.filter(user=user, complaint=case, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def record_export(*, actor, filters: dict, rows: int, file_format: str) -> None:
    """An export of cases leaves the building: who, which filters, how many rows, which format.

    Audited as ``complaint.exported``: the export's only record.
    """
    audit.record(
        "complaint.exported",
        actor=actor,
        data={"filters": filters, "rows": rows, "format": file_format},
    )
