"""Reading the audit log, and checking its hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils import timezone

from .models import GENESIS_HASH, AuditChainHead, AuditEvent
from .rules import hash_of


def history_of(obj: Model) -> QuerySet[AuditEvent]:
    """Every event recorded about ``obj``, oldest first. Callers check access to ``obj``."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found: how many events it walked and what is wrong."""

    checked: int  # sealed events walked
    problems: list[str]
    pending: int = 0  # events not sealed yet (normal for a few seconds after they happen)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def seal_grace() -> timedelta:
    """How long an event may wait for the sealer before verification calls it a problem."""
    return timedelta(seconds=int(settings.KANAL_AUDIT_SEAL_GRACE_SECONDS))


def verify_chain(max_problems: int = 20, now=None) -> ChainReport:
    """Walk every sealed event in chain order and check each position, link and hash.

    Reports an event whose content no longer matches its hash (changed), a gap in the
    positions or an event whose ``prev_hash`` is not the previous event's hash (removed
    or inserted rows), a chain head that does not point at the last event (rows cut off
    the end), and events left unsealed for longer than :func:`seal_grace` (the sealer
    has stopped, or someone unsealed an event to rewrite it).
    """
    problems: list[str] = []
    previous_hash, previous_id, previous_seq, checked = GENESIS_HASH, None, 0, 0
    sealed = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for event in sealed.iterator(chunk_size=2000):
        checked += 1
        if event.seq != previous_seq + 1:
            problems.append(
                f"event {event.pk}: chain position {event.seq} follows {previous_seq} "
                "(an event was removed or inserted)"
            )
        elif event.prev_hash != previous_hash:
            problems.append(
                f"event {event.pk}: previous hash does not match event {previous_id or '-'} "
                "(an event was removed or inserted)"
            )
        if hash_of(event) != event.hash:
            problems.append(f"event {event.pk}: content does not match its hash (changed)")
        # seq is never None here: only sealed events are read.
        previous_hash, previous_id, previous_seq = event.hash, event.pk, event.seq or 0
        if len(problems) >= max_problems:
            break
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and len(problems) < max_problems and head.last_hash != previous_hash:
        problems.append(
            f"the chain head points at event {head.last_event_id}, but the last event is "
            f"{previous_id} (events were removed from the end)"
        )
    unsealed = AuditEvent.objects.filter(seq__isnull=True)
    overdue = unsealed.filter(created_at__lt=(now or timezone.now()) - seal_grace()).count()
    if overdue:
        problems.append(
            f"{overdue} events older than {seal_grace()} are not sealed: is the scheduler "
            "running? (run manage.py verify_audit_chain --seal to seal them now)"
        )
    return ChainReport(checked=checked, problems=problems, pending=unsealed.count())
