"""Recording what happened to a notice once a channel tried to deliver it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kanal import audit

from ..models import CitizenNotice, NoticeStatus, StaffNotification


@transaction.atomic
def record_notice_result(
    *, notice_id: int, status: str, error: str = "", provider_reference: str = ""
) -> CitizenNotice:
    """Mark a notice sent, failed or skipped (by the channel adapter that delivered it).

    A notice already sent stays sent: a late failure report does not undo a delivery.
    """
    notice = CitizenNotice.objects.select_for_update().get(pk=notice_id)
    if notice.status == NoticeStatus.SENT and status != NoticeStatus.SENT:
        return notice
    notice.status = NoticeStatus(status)
    notice.error = error[:2000]
    if status == NoticeStatus.SENT and notice.sent_at is None:
        notice.sent_at = timezone.now()
    notice.save(update_fields=["status", "error", "sent_at"])
    audit.record(
        f"complaint.notice_{notice.status}",
        obj=notice.complaint,
        actor_label=f"channel:{notice.channel}",
        data={"notice": notice.pk, "provider_reference": provider_reference, "error": error[:200]},
    )
    return notice


def mark_notifications_read(*, user, case) -> int:
    """The staff member opened the case: their notifications about it are read."""
    return StaffNotification.objects.filter(user=user, complaint=case, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def record_export(*, actor, filters: dict, rows: int, file_format: str) -> None:
    """An export of cases leaves the building: who, which filters, how many rows, which format."""
    audit.record(
        "complaint.exported",
        actor=actor,
        data={"filters": filters, "rows": rows, "format": file_format},
    )
