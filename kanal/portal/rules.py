"""Pure helpers of the public website: the kelurahan map as SVG paths, chart geometry."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

MAP_WIDTH = 600
# ~30 m at the equator: invisible at map size, and keeps the page within its budget.
SIMPLIFY_DEGREES = 0.0003


@dataclass(frozen=True)
class MapShape:
    """One kelurahan on the map: its code, name and SVG path."""

    code: str
    name: str
    path: str  # SVG path data in the map's coordinates


@dataclass(frozen=True)
class MapGeometry:
    """The whole map: canvas size and the kelurahan shapes (empty when no boundaries are known)."""

    width: int
    height: int
    shapes: tuple[MapShape, ...]


def _rings(geometry) -> list:
    polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    rings = []
    for polygon in polygons:
        rings.append(polygon.exterior.coords)
        rings.extend(interior.coords for interior in polygon.interiors)
    return rings


def map_geometry(
    areas: Iterable[tuple[str, str, dict | None]], width: int = MAP_WIDTH
) -> MapGeometry:
    """Project (code, name, GeoJSON) areas onto an SVG canvas ``width`` wide.

    Equirectangular projection scaled by cos(latitude) at the map's centre: exact enough
    for one city, and north stays up. Areas without a boundary are left out.
    """
    from shapely.geometry import shape  # here: shapely only where a map is drawn

    geometries = [
        (code, name, shape(geojson).simplify(SIMPLIFY_DEGREES, preserve_topology=True))
        for code, name, geojson in areas
        if geojson
    ]
    if not geometries:
        return MapGeometry(width, 0, ())
    min_x = min(g.bounds[0] for _, _, g in geometries)
    min_y = min(g.bounds[1] for _, _, g in geometries)
    max_x = max(g.bounds[2] for _, _, g in geometries)
    max_y = max(g.bounds[3] for _, _, g in geometries)
    x_scale = math.cos(math.radians((min_y + max_y) / 2))
    scale = width / ((max_x - min_x) * x_scale or 1)
    height = round((max_y - min_y) * scale)

    def point(x: float, y: float) -> str:
        return f"{round((x - min_x) * x_scale * scale)} {round((max_y - y) * scale)}"

    shapes = []
    for code, name, geometry in geometries:
        parts = []
        for ring in _rings(geometry):
            points = [point(x, y) for x, y in ring]
            # Consecutive duplicates appear after rounding; they only cost bytes.
            points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            parts.append("M" + "L".join(points) + "Z")
        shapes.append(MapShape(code, name, "".join(parts)))
    return MapGeometry(width, height, tuple(shapes))


def bar_width(value: float | None, maximum: float, full: int = 100) -> int:
    """Length of a bar for ``value`` on a scale to ``maximum`` (0 for no value)."""
    if not value or not maximum:
        return 0
    return max(1, round(full * value / maximum))
