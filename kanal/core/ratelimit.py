"""Fixed-window rate limits on the shared cache (Redis in production).

Used for staff logins, second-factor codes and public forms. A limit is a key, a
number of hits and a window; the caller decides what to do when it is exceeded.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateLimitResult:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window resets


def _cache_key(scope: str, key: str, window: int) -> tuple[str, int]:
    bucket = int(time.time()) // window
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{bucket}", window - int(time.time()) % window


def hit(scope: str, key: str, *, limit: int, window: int) -> RateLimitResult:
    """Count one attempt for ``key``; allowed while the count stays within ``limit``."""
    cache_key, remaining = _cache_key(scope, key, window)
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 1)
            count = 1
    return RateLimitResult(allowed=count <= limit, count=count, retry_after=remaining)


def peek(scope: str, key: str, *, limit: int, window: int) -> RateLimitResult:
    """The state of ``key`` without counting an attempt."""
    cache_key, remaining = _cache_key(scope, key, window)
    count = cache.get(cache_key, 0)
    return RateLimitResult(allowed=count < limit, count=count, retry_after=remaining)


def reset(scope: str, key: str, *, window: int) -> None:
    cache_key, _ = _cache_key(scope, key, window)
    cache.delete(cache_key)


def client_ip(request) -> str:
    """The client address; behind a proxy, the deployment sets KANAL_TRUSTED_PROXY_HEADER.

    For a list header (X-Forwarded-For) the rightmost entry is taken: it is the one our
    own proxy appended; entries to its left come from the client and can be forged.
    """
    from django.conf import settings

    header = settings.KANAL_TRUSTED_PROXY_HEADER
    if header and (value := request.META.get(header)):
        return value.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
