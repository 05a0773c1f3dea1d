"""Values the server hands a browser to keep but not to read: encrypted and authenticated.

A sealed value is a Fernet token (AES-CBC with HMAC-SHA256, time-stamped) of the value's
JSON. The browser holding it can neither read nor change it; the server reads it back
with :func:`unseal` while it is younger than ``max_age``. Keys are derived from
``SECRET_KEY`` and each ``purpose`` (one purpose's tokens never open as another's);
``SECRET_KEY_FALLBACKS`` still open tokens sealed before a key rotation.

Why not ``django.core.signing``: a signed value is readable by whoever holds it (and by
anything that logs cookies); a sealed one is not, so it may carry a secret meant for
this browser's owner only, such as a follow-up key shown once after a report.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@functools.lru_cache(maxsize=16)
def _fernet(purpose: str, secrets: tuple[str, ...]) -> MultiFernet:
    keys = [
        base64.urlsafe_b64encode(hashlib.sha256(f"kanal-sealed:{purpose}:{s}".encode()).digest())
        for s in secrets
    ]
    return MultiFernet([Fernet(key) for key in keys])


def _keys(purpose: str) -> MultiFernet:
    return _fernet(purpose, (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS))


def seal(value, *, purpose: str) -> str:
    """The token (URL-safe ASCII, fit for a cookie) of ``value`` (JSON-serialisable)."""
    return _keys(purpose).encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()


def unseal(token: str, *, purpose: str, max_age: int):
    """The value sealed in ``token`` for ``purpose``; None when it is missing, altered,
    sealed for another purpose or under an unknown key, or older than ``max_age`` s."""
    if not token:
        return None
    try:
        return json.loads(_keys(purpose).decrypt(token.encode(), ttl=max_age))
    except (InvalidToken, ValueError):
        return None
