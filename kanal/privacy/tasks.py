"""Background work for personal data protection."""

from __future__ import annotations

from django_tasks import task


@task()
def apply_retention() -> dict:
    """Periodic: remove or anonymise personal data past its retention period (safe to run
    twice; see :func:`kanal.privacy.actions.apply_retention` for what it covers)."""
    from .actions import apply_retention as run

    report = run()
    return {
        "anonymised": report.anonymised,
        "retention_days": report.retention_days,
        "attachments_removed": report.attachments_removed,
        "conversations": report.conversations,
        "events_emptied": report.events_emptied,
        "information_requests": report.information_requests,
    }
