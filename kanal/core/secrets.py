"""Encryption at rest for secrets an administrator saves in the console (Fernet).

The keys come from ``KANAL_SECRETS_KEY`` (comma-separated Fernet keys, newest first, so
a key can be rotated: new values use the first, old ones still decrypt). Without it a
key is derived from ``SECRET_KEY``; a deployment that may rotate ``SECRET_KEY`` sets
``KANAL_SECRETS_KEY`` (make one with ``python -c "from cryptography.fernet import
Fernet; print(Fernet.generate_key().decode())"``).
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from cryptography.fernet import MultiFernet


class UnreadableSecret(Exception):
    """A saved secret no configured key decrypts (the key changed): enter it again."""


def _fernet() -> MultiFernet:
    # Imported here: cryptography is ~8 MB that only a process reading or saving a
    # channel's secret needs (not the scheduler; issue 24).
    from cryptography.fernet import Fernet, MultiFernet

    keys = [k.strip() for k in settings.KANAL_SECRETS_KEY.split(",") if k.strip()]
    if not keys:
        digest = hashlib.sha256(f"kanal-secrets:{settings.SECRET_KEY}".encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(text: str) -> str:
    """The Fernet token (ASCII) of ``text``."""
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The text of a token made by :func:`encrypt`; UnreadableSecret if no key fits."""
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise UnreadableSecret from exc
