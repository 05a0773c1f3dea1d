"""What the citizen's pages share: the session keys of this browser and the address budget."""

from __future__ import annotations

from kanal.core import ratelimit

SESSION_SUBMITTED = "kanal_submitted_cases"
SESSION_VERIFIED = "kanal_verified_cases"
SESSION_LOOKED_UP = "kanal_looked_up_cases"
SESSION_KEYS = "kanal_followup_keys"
SESSION_CONTACT = "kanal_citizen_contact"  # the phone or e-mail proved for "my reports"
SESSION_PENDING_CONTACT = (
    "kanal_pending_contact"  # shown on the confirmation page of this browser only
)


def limit(request, scope: str, limit: int, window: int) -> int:
    """Count one hit of this address's ``scope`` budget: 0 if allowed, else seconds to wait."""
    result = ratelimit.hit(scope, ratelimit.client_ip(request), limit=limit, window=window)
    return 0 if result.allowed else result.retry_after
