"""Background work for cases: the deadline sweep, routing new cases.

Messages to reporters are sent by the outbox (kanal.outbox.tasks).
"""

from __future__ import annotations

from django_tasks import task


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
