"""Reading the audit log, and checking its hash chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from .models import GENESIS_HASH, AuditChainHead, AuditEvent
from .rules import hash_of


def history_of(obj: Model) -> QuerySet[AuditEvent]:
    """Every event recorded about ``obj``, oldest first. Callers check access to ``obj``."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(max_problems: int = 20) -> ChainReport:
    """Walk every event in insertion order and check each link and each hash.

    Reports an event whose content no longer matches its hash (changed), an event whose
    ``prev_hash`` is not the previous event's hash (removed or inserted rows), and a
    chain head that does not point at the last event (rows cut off the end).
    """
    problems: list[str] = []
    previous_hash, previous_id, checked = GENESIS_HASH, None, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if event.prev_hash != previous_hash:
            problems.append(
                f"event {event.pk}: previous hash does not match event {previous_id or '-'} "
                "(an event was removed or inserted)"
            )
        if hash_of(event) != event.hash:
            problems.append(f"event {event.pk}: content does not match its hash (changed)")
        previous_hash, previous_id = event.hash, event.pk
        if len(problems) >= max_problems:
            break
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and len(problems) < max_problems and head.last_hash != previous_hash:
        problems.append(
            f"the chain head points at event {head.last_event_id}, but the last event is "
            f"{previous_id} (events were removed from the end)"
        )
    return ChainReport(checked=checked, problems=problems)
