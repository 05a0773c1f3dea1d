"""Who has a case open right now: a short-lived mark in the shared cache, not a record.

Used to warn two officers who are about to reply to the same case at once. It changes no
case and is deliberately not audited (it is an ephemeral hint, like a typing indicator).
"""

from __future__ import annotations

import time

from django.core.cache import cache

PRESENCE_SECONDS = 300


def _key(case_id: int) -> str:
    return f"complaints:presence:{case_id}"


def mark_present(*, user, case_id: int, now: float | None = None) -> dict[int, tuple[str, float]]:
    """Note that ``user`` has the case open; returns the others seen in the last 5 minutes
    as {user id: (name, seconds ago)}."""
    now = time.time() if now is None else now
    seen = {
        uid: (name, at)
        for uid, (name, at) in (cache.get(_key(case_id)) or {}).items()
        if now - at < PRESENCE_SECONDS
    }
    others = {uid: (name, now - at) for uid, (name, at) in seen.items() if uid != user.pk}
    seen[user.pk] = (str(user), now)
    cache.set(_key(case_id), seen, PRESENCE_SECONDS)
    return others
