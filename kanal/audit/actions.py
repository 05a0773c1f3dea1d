"""Writing audit events."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import AuditEvent


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    import json

    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def record_event(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Write an audit event for ``action`` (a code such as ``complaint.submitted``).

    Runs in the caller's transaction, so the event exists exactly when the change it
    describes does. ``actor`` is a user or None (then ``actor_label`` says who acted:
    "system", "citizen", a channel). ``data`` must be JSON-serialisable after Django's
    encoder (dates, decimals and UUIDs are converted).
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else "system"),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=_jsonable(data),
    )
