"""Reads of the unit registry and categories."""

from django.db.models import QuerySet

from .models import Category, Unit, UnitKind


def city_units() -> QuerySet[Unit]:
    """Active units of the city government itself (no area offices, no outside bodies)."""
    return Unit.objects.filter(is_active=True).exclude(
        kind__in=[UnitKind.OUTSIDE, UnitKind.KECAMATAN, UnitKind.KELURAHAN, UnitKind.AREA_GROUP]
    )


def outside_bodies() -> QuerySet[Unit]:
    """Active bodies outside the city government (cases are forwarded to them, not assigned)."""
    return Unit.objects.filter(is_active=True, kind=UnitKind.OUTSIDE)


def area_office_for(area_code: str) -> Unit | None:
    """The office of the kecamatan or kelurahan with Kemendagri code ``area_code``."""
    from .rules import area_office_code

    return Unit.objects.filter(code=area_office_code(area_code)).first()


def active_categories() -> QuerySet[Category]:
    """Active complaint categories, with their parent and default unit loaded."""
    return Category.objects.filter(is_active=True).select_related("parent", "default_unit")
