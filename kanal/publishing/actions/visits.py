"""The mayor's field visits: plan with talking points, then a short report."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kanal import audit

from ..models import FieldVisit

VISIT_FIELDS = ("date", "title", "kelurahan", "place", "participants", "notes")


@transaction.atomic
def plan_field_visit(actor, *, talking_points=(), **fields) -> FieldVisit:
    """Create a planned visit with its talking points (announcements and programs)."""
    visit = FieldVisit.objects.create(
        created_by=actor, **{k: v for k, v in fields.items() if k in VISIT_FIELDS}
    )
    visit.talking_points.set(talking_points)
    audit.record("field_visit.planned", actor=actor, obj=visit, data={"date": visit.date})
    return visit


@transaction.atomic
def update_field_visit(actor, visit: FieldVisit, *, talking_points=None, **fields) -> FieldVisit:
    """Change a planned visit's fields (names outside ``VISIT_FIELDS`` are ignored) and, when
    given, its talking points; audited with the names passed."""
    visit = FieldVisit.objects.select_for_update().get(pk=visit.pk)
    for name, value in fields.items():
        if name in VISIT_FIELDS:
            setattr(visit, name, value)
    visit.save()
    if talking_points is not None:
        visit.talking_points.set(talking_points)
    audit.record("field_visit.updated", actor=actor, obj=visit, data={"fields": sorted(fields)})
    return visit


@transaction.atomic
def report_field_visit(actor, visit: FieldVisit, report: str) -> FieldVisit:
    """Write (or correct) the short report after the visit."""
    visit = FieldVisit.objects.select_for_update().get(pk=visit.pk)
    visit.report = report.strip()
    visit.reported_at = timezone.now()
    visit.save()
    audit.record("field_visit.reported", actor=actor, obj=visit, data={})
    return visit


@transaction.atomic
def link_complaint_to_visit(actor, visit: FieldVisit, complaint) -> None:
    """Record that ``complaint`` was heard during ``visit`` (idempotent: linking twice is once).

    Called by the field app in the same transaction that records the case.
    """
    if visit.complaints.filter(pk=complaint.pk).exists():
        return
    visit.complaints.add(complaint)
    audit.record(
        "field_visit.complaint_linked",
        actor=actor,
        obj=visit,
        data={"complaint": complaint.tracking_number},
    )
