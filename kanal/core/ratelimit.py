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


@dataclass(frozen=True)
class Hit:
    """One attempt to count: ``key`` in ``scope``, allowed up to ``limit`` per ``window``."""

    scope: str
    key: str
    limit: int
    window: int


def hit(scope: str, key: str, *, limit: int, window: int) -> RateLimitResult:
    """Count one attempt for ``key``; allowed while the count stays within ``limit``."""
    return hit_many([Hit(scope, key, limit, window)])[0]


def hit_many(hits: list[Hit]) -> list[RateLimitResult]:
    """Count one attempt on each counter, in order; one result per hit.

    On Redis all counters cost one round trip: per counter ``SET key 0 EX window NX``
    then ``INCR key`` inside one MULTI/EXEC, so a counter never exists without its
    expiry and nobody's count is lost between the two. Other caches (the tests'
    local memory) count with ``add`` and ``incr``.
    """
    keys = [_cache_key(h.scope, h.key, h.window) for h in hits]
    client = _redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=True)
        for (cache_key, _remaining), h in zip(keys, hits, strict=True):
            full_key = cache.make_and_validate_key(cache_key)
            pipe.set(full_key, 0, ex=h.window + 1, nx=True)
            pipe.incr(full_key)
        replies = pipe.execute()
        counts = [int(count) for count in replies[1::2]]
    else:
        counts = [
            _count_one(cache_key, h.window) for (cache_key, _r), h in zip(keys, hits, strict=True)
        ]
    return [
        RateLimitResult(allowed=count <= h.limit, count=count, retry_after=remaining)
        for count, h, (_key, remaining) in zip(counts, hits, keys, strict=True)
    ]


def _redis_client():
    """The default cache's Redis client (a write connection), or None for another cache."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    return backend._cache.get_client(write=True) if isinstance(backend, RedisCache) else None


def _count_one(cache_key: str, window: int) -> int:
    if cache.add(cache_key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        return 1


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
