"""Reference data for integrations: units, categories, kecamatan and kelurahan."""

from __future__ import annotations

from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import Field

from kanal.directory.models import Category, Unit
from kanal.wilayah import queries as wilayah
from kanal.wilayah.models import Kecamatan, Kelurahan

from .schemas import ERRORS, CategoryOut, ErrorOut, KecamatanOut, KelurahanOut, UnitOut

router = Router()


def unit_out(unit: Unit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent_id else None,
    }


def kelurahan_out(k: Kelurahan) -> dict:
    return {
        "code": k.code,
        "name": k.name,
        "kecamatan": k.kecamatan.code,
        "postal_code": k.postal_code,
    }


@router.get("/units", response={200: list[UnitOut], ERRORS: ErrorOut}, tags=["units"])
def list_units(request):
    """Every active unit: city offices, area offices and bodies outside the city."""
    return [unit_out(u) for u in Unit.objects.filter(is_active=True).select_related("parent")]


@router.get("/units/{code}", response={200: UnitOut, ERRORS: ErrorOut}, tags=["units"])
def get_unit(request, code: str):
    unit = Unit.objects.filter(code=code[:40], is_active=True).select_related("parent").first()
    if unit is None:
        raise Http404
    return unit_out(unit)


@router.get("/categories", response={200: list[CategoryOut], ERRORS: ErrorOut}, tags=["categories"])
def list_categories(request):
    return [
        {
            "code": c.code,
            "name": c.name,
            "name_en": c.name_en,
            "parent": c.parent.code if c.parent_id else None,
            "default_unit": c.default_unit.code if c.default_unit_id else None,
            "is_active": c.is_active,
        }
        for c in Category.objects.select_related("parent", "default_unit")
    ]


@router.get(
    "/wilayah/kecamatan",
    response={200: list[KecamatanOut], ERRORS: ErrorOut},
    tags=["wilayah"],
)
def list_kecamatan(request):
    return [{"code": k.code, "name": k.name} for k in wilayah.all_kecamatan()]


@router.get(
    "/wilayah/kecamatan/{code}/kelurahan",
    response={200: list[KelurahanOut], ERRORS: ErrorOut},
    tags=["wilayah"],
)
def list_kelurahan(request, code: str):
    if not Kecamatan.objects.filter(code=code[:20]).exists():
        raise Http404
    return [kelurahan_out(k) for k in wilayah.kelurahan_of(code).select_related("kecamatan")]


class Point(Schema):
    lat: float = Field(..., ge=-90, le=90)
    lng: float = Field(..., ge=-180, le=180)


@router.get("/wilayah/locate", response={200: KelurahanOut, ERRORS: ErrorOut}, tags=["wilayah"])
def locate_kelurahan(request, point: Query[Point]):
    """The kelurahan containing a point (404 outside the city)."""
    found = wilayah.kelurahan_at(point.lat, point.lng)
    if found is None:
        raise Http404
    return kelurahan_out(found)
