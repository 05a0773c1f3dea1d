"""Background work for personal data protection."""

from __future__ import annotations

from django_tasks import task


@task()
def apply_retention() -> dict:
    """Periodic: anonymise finished cases past the retention period (safe to run twice)."""
    from .actions import apply_retention as run

    report = run()
    return {"anonymised": report.anonymised, "retention_days": report.retention_days}
