"""Idempotency keys: a retried POST with the same ``Idempotency-Key`` gets the first result."""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from ninja import Status
from ninja.errors import HttpError

from .. import actions, queries


def _fingerprint(request) -> str:
    return hashlib.sha256(
        request.method.encode() + b" " + request.path.encode() + b"\n" + request.body
    ).hexdigest()


def idempotent(request, compute):
    """Run ``compute() -> (status, json-ready body)`` once per key and owner; a ninja Status.

    The first result is stored in the same transaction as the work, so a crash stores
    neither; a concurrent duplicate rolls back and replays the winner's result. Reusing a
    key for a different request is a 409.
    """
    key = request.headers.get("Idempotency-Key", "").strip()[:200]
    if not key:
        return Status(*compute())
    fingerprint = _fingerprint(request)
    for _attempt in range(2):
        stored = queries.stored_response(request.user, key)
        if stored is not None:
            if stored.fingerprint != fingerprint:
                raise HttpError(409, "This Idempotency-Key was used for a different request.")
            return Status(stored.status_code, stored.body)
        try:
            with transaction.atomic():
                status, body = compute()
                actions.remember_response(
                    user=request.user,
                    key=key,
                    fingerprint=fingerprint,
                    status_code=status,
                    body=body,
                )
                return Status(status, body)
        except IntegrityError:
            continue  # another request with this key won; replay its result
    raise HttpError(409, "This Idempotency-Key is in use by another request.")
