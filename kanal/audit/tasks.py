"""The audit sealer as a periodic task (registered in AuditConfig.ready)."""

from django_tasks import task

from .actions import seal_pending


@task()
def seal_audit_events() -> int:
    """Chain the audit events committed since the last run; returns how many."""
    return seal_pending()
