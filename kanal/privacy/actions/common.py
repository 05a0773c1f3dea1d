"""The steps every anonymisation shares: mask or clear a row's fields, delete stored files
with their rows, and record that (and why) a thing was anonymised.

Each runs inside the caller's transaction; the callers hold the row locks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from kanal import audit
from kanal.complaints.rules import redact_personal_data

Row = TypeVar("Row", bound=models.Model)


def mask(text: str, known: Sequence[str]) -> str:
    """``text`` with personal data and the ``known`` values masked; empty stays empty.

    Pure (writes nothing): the actions store its result.
    """
    return redact_personal_data(text, known) if text else text


def scrub(
    row: models.Model,
    known: Sequence[str] = (),
    *,
    masked: Sequence[str] = (),
    cleared: Mapping[str, Any] | None = None,
) -> None:
    """Mask the ``masked`` text fields of ``row`` (personal data and ``known``), set the
    ``cleared`` fields to their given values, and save just those fields."""
    for name in masked:
        setattr(row, name, mask(getattr(row, name), known))
    for name, value in (cleared or {}).items():
        setattr(row, name, value)
    row.save(update_fields=[*masked, *(cleared or {})])


def delete_stored_file(field) -> None:
    """Delete a FileField's file from storage; a file already gone is not an error.

    Called inside the transaction that removes or empties the row, before it commits:
    if the transaction then fails, the row stays pointing at a missing file and the next
    run removes it (the reverse order could leave a file that no row names, never found
    again).
    """
    if field and field.name:
        field.storage.delete(field.name)


def delete_with_files(rows: Iterable[Row], field: str = "file") -> list[Row]:
    """Delete each row's stored file (``field``), then the rows; returns the rows deleted."""
    found = list(rows)
    if not found:
        return found
    for row in found:
        delete_stored_file(getattr(row, field))
    type(found[0])._default_manager.filter(pk__in=[row.pk for row in found]).delete()
    return found


def record_anonymised(
    marker: type[Row],
    *,
    event: str,
    obj: models.Model,
    actor,
    reason: str,
    subject_request=None,
    data: Mapping[str, Any] | None = None,
    **target: models.Model,
) -> Row:
    """Create the ``marker`` row that says ``target`` was anonymised (and why), and audit
    it as ``event`` on ``obj`` with the reason, the subject request and ``data``."""
    row = marker._default_manager.create(
        **target, reason=reason, subject_request=subject_request, anonymised_at=timezone.now()
    )
    record_removal(
        event, obj=obj, actor=actor, reason=reason, subject_request=subject_request, data=data
    )
    return row


def record_removal(
    event: str,
    *,
    obj: models.Model,
    actor,
    reason: str,
    subject_request=None,
    data: Mapping[str, Any] | None = None,
) -> None:
    """Audit a removal of personal data as ``event`` on ``obj``: who (the system when no
    one is signed in), why (``reason``, the data-subject request) and ``data``."""
    audit.record(
        event,
        actor=actor,
        obj=obj,
        actor_label=audit.unless_signed_in(actor, "system"),
        data={
            "reason": reason,
            "request": subject_request.pk if subject_request else None,
            **(data or {}),
        },
    )
