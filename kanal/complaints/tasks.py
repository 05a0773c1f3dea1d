"""Background work for cases: sending notices to reporters, the deadline sweep."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from kanal.channels.tasks import deliver_notice
from kanal.core.tasks import enqueue_on_commit

from .models import CitizenNotice, NoticeStatus


@task(queue_name="notices")
def send_citizen_notice(notice_id: int) -> str:
    """Send one notice; safe to run twice (a sent notice is never sent again).

    E-mail goes out through Django's mail API. Other channels wait (pending) for the
    channel adapters, which deliver pending notices of their channel.
    """
    with transaction.atomic():
        notice = CitizenNotice.objects.select_for_update().get(pk=notice_id)
        if notice.status != NoticeStatus.PENDING:
            return notice.status
        if notice.channel != "email":
            # Delivered by the channel's adapter (reply windows, templates, fallbacks).
            enqueue_on_commit(deliver_notice, notice.pk)
            return notice.status
        try:
            send_mail(notice.subject, notice.body, None, [notice.address])
        except Exception as exc:
            notice.status, notice.error = NoticeStatus.FAILED, str(exc)[:2000]
        else:
            notice.status, notice.sent_at = NoticeStatus.SENT, timezone.now()
        notice.save(update_fields=["status", "error", "sent_at"])
        return notice.status


@task()
def sweep_complaint_deadlines() -> dict:
    """Periodic: automatic closure and escalation (see actions.sweep_deadlines)."""
    from .actions import sweep_deadlines

    report = sweep_deadlines()
    return {"closed": report.closed, "escalated": report.escalated}


@task(queue_name="intake")
def route_new_case(case_id: int) -> str:
    """Apply the router's unit where auto-apply is enabled (see actions.apply_routing)."""
    from .actions import apply_routing

    decision = apply_routing(case_id)
    return decision.suggested_value if decision else ""
