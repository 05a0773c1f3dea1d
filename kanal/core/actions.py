"""Writes to infrastructure tables: calendar overrides; the audit event of a reference-data load."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from kanal import audit

from .loading import LoadReport
from .models import CalendarOverride


@transaction.atomic
def set_calendar_override(
    *, actor, day: date, is_working_day: bool, reason: str, decree: str = ""
) -> CalendarOverride:
    """Make ``day`` a working day or a day off by decree; replaces an earlier override.

    Every process picks the change up on its next calendar read (see
    ``queries.working_calendar``).
    """
    override, created = CalendarOverride.objects.update_or_create(
        date=day,
        defaults={"is_working_day": is_working_day, "reason": reason, "decree": decree},
    )
    audit.record(
        "calendar.override_set",
        actor=actor,
        obj=override,
        data={
            "date": day,
            "is_working_day": is_working_day,
            "reason": reason,
            "decree": decree,
            "created": created,
        },
    )
    return override


@transaction.atomic
def remove_calendar_override(*, actor, override: CalendarOverride) -> None:
    """Delete a decree override; the date falls back to the statutory calendar."""
    audit.record(
        "calendar.override_removed",
        actor=actor,
        obj=override,
        data={"date": override.date, "reason": override.reason},
    )
    override.delete()


def record_load(code: str, file_name: str, report: LoadReport) -> None:
    """Audit a reference-data load as ``code`` (by the system) if it created or changed rows.

    A reload that changed nothing leaves no event, so loading at every deploy is quiet.
    """
    if report.created or report.updated:
        audit.record(
            code,
            actor_label="system",
            data={"file": file_name, "created": report.created, "updated": report.updated},
        )
