"""The staff console shell: the home page with what the staff member can reach."""

from django.shortcuts import render
from django.utils import timezone

from kanal.accounts.decorators import staff_required
from kanal.accounts.queries import scope_for
from kanal.accounts.rules import Capability
from kanal.core.queries import last_heartbeat


@staff_required
def home(request):
    scope = scope_for(request.user)
    heartbeat = last_heartbeat("worker")
    worker_age = (timezone.now() - heartbeat.seen_at).total_seconds() if heartbeat else None
    memberships = request.user.memberships.select_related("unit").order_by("unit__name")
    return render(
        request,
        "console/home.html",
        {
            "scope": scope,
            "can_ppid": scope.has(Capability.PPID),
            "can_publish": scope.has(Capability.PUBLISH),
            "can_dashboards": scope.has(Capability.DASHBOARDS),
            "can_channels": scope.has(Capability.TRIAGE) or scope.has(Capability.MANAGE_ACCOUNTS),
            "memberships": memberships,
            "worker_age": worker_age,
            "worker_ok": worker_age is not None and worker_age < 180,
        },
    )
