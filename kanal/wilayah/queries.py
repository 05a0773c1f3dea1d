"""Reads of administrative areas, including "which kelurahan contains this point"."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet

from .models import Kecamatan, Kelurahan

# A point this close to a boundary (in degrees, about 1 m) counts as on it, so a pin
# dropped on the edge of the city still finds a kelurahan.
EDGE_TOLERANCE_DEG = 1e-5


@lru_cache(maxsize=4096)
def _prepared(kelurahan_id: int, boundary_json: str):
    import json

    # Imported here: shapely (and numpy) only in a process that locates a point.
    from shapely.geometry import shape
    from shapely.prepared import prep

    geometry = shape(json.loads(boundary_json))
    return geometry, prep(geometry.buffer(EDGE_TOLERANCE_DEG))


def kelurahan_at(lat: float, lng: float) -> Kelurahan | None:
    """The kelurahan whose boundary contains the point (lat, lng), or None outside the region.

    Points on a boundary count as inside. On a line shared by two kelurahan the one
    whose polygon is nearest (then the lowest code) wins, so the answer is stable.
    """
    import json

    candidates = (
        Kelurahan.objects.filter(
            min_lat__lte=lat + EDGE_TOLERANCE_DEG,
            max_lat__gte=lat - EDGE_TOLERANCE_DEG,
            min_lng__lte=lng + EDGE_TOLERANCE_DEG,
            max_lng__gte=lng - EDGE_TOLERANCE_DEG,
        )
        .select_related("kecamatan")
        .order_by("code")
    )
    from shapely.geometry import Point

    point = Point(lng, lat)
    hits = []
    for kel in candidates:
        geometry, buffered = _prepared(kel.pk, json.dumps(kel.boundary, sort_keys=True))
        if buffered.covers(point):
            hits.append((geometry.distance(point), kel.code, kel))
    if not hits:
        return None
    return min(hits, key=lambda h: (h[0], h[1]))[2]


def all_kecamatan():
    """Every kecamatan, by name."""
    return Kecamatan.objects.order_by("name")


def kelurahan_without_boundary() -> QuerySet[Kelurahan]:
    """Kelurahan with their kecamatan, without the boundary polygon.

    For taking cases in: the boundary is only needed to place a map point, and loading
    it (and the kecamatan in a second query) on every submission is measurable.
    """
    return Kelurahan.objects.select_related("kecamatan").defer("boundary")


def kelurahan_names() -> list[tuple[str, str, str]]:
    """(code, name, kecamatan name) of every kelurahan, by kecamatan then name: for lists."""
    return list(
        Kelurahan.objects.order_by("kecamatan__name", "name").values_list(
            "code", "name", "kecamatan__name"
        )
    )


def kelurahan_by_code(code: str) -> Kelurahan | None:
    """The kelurahan with this code (see :func:`kelurahan_without_boundary`), or None."""
    return kelurahan_without_boundary().filter(code=code).first() if code else None


def kelurahan_of(kecamatan_code: str):
    """The kelurahan of the kecamatan with Kemendagri code ``kecamatan_code``, by name."""
    return Kelurahan.objects.filter(kecamatan__code=kecamatan_code).order_by("name")
