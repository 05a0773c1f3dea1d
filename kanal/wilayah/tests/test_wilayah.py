"""Bandar Lampung's areas load completely, and points find their kelurahan."""

import json

import pytest
from shapely.geometry import shape
from shapely.ops import unary_union

from kanal.wilayah.actions import load_wilayah
from kanal.wilayah.models import Kecamatan, Kelurahan, Region
from kanal.wilayah.queries import kelurahan_at

pytestmark = pytest.mark.django_db


def test_the_city_has_20_kecamatan_and_126_kelurahan(reference_data):
    assert Region.objects.get().code == "18.71"
    assert Kecamatan.objects.count() == 20
    assert Kelurahan.objects.count() == 126
    assert Kelurahan.objects.filter(boundary__isnull=True).count() == 0
    assert Kelurahan.objects.exclude(postal_code="").count() == 126


def test_loading_twice_changes_nothing(reference_data, region_dir):
    report = load_wilayah(region_dir / "wilayah.csv", region_dir / "kelurahan.geojson")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 147)


@pytest.mark.parametrize(
    ("lat", "lng", "code"),
    [
        (-5.383353811196727, 105.2634916252278, "18.71.01.1003"),  # Kedaton centroid
        (-5.39161408324259, 105.26375112806537, "18.71.01.1004"),  # Surabaya centroid
    ],
)
def test_points_inside_find_their_kelurahan(reference_data, lat, lng, code):
    assert kelurahan_at(lat, lng).code == code


def test_every_kelurahan_contains_a_point_of_its_own(reference_data):
    for kel in Kelurahan.objects.all():
        point = shape(kel.boundary).representative_point()
        assert kelurahan_at(point.y, point.x).code == kel.code, kel.name


@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        (-5.50, 105.30),  # Teluk Lampung, in the sea south of the city
        (-5.30, 105.10),  # Kabupaten Pesawaran, west of the city
        (-6.2, 106.8),  # Jakarta
    ],
)
def test_points_outside_the_city_find_nothing(reference_data, lat, lng):
    assert kelurahan_at(lat, lng) is None


def _city_outline(region_dir):
    with open(region_dir / "kelurahan.geojson") as f:
        features = json.load(f)["features"]
    return unary_union([shape(f["geometry"]) for f in features])


def test_a_point_on_the_city_edge_finds_a_kelurahan(reference_data, region_dir):
    city = _city_outline(region_dir)
    outline = (
        city.exterior
        if city.geom_type == "Polygon"
        else max(city.geoms, key=lambda g: g.area).exterior
    )
    for fraction in (0.0, 0.25, 0.5, 0.75):
        edge = outline.interpolate(fraction, normalized=True)
        found = kelurahan_at(edge.y, edge.x)
        assert found is not None
        assert shape(found.boundary).distance(edge) < 1e-5


def test_a_point_just_beyond_the_edge_finds_nothing(reference_data, region_dir):
    city = _city_outline(region_dir)
    # 500 m west of the westernmost point of the city
    west = min(
        city.exterior.coords
        if city.geom_type == "Polygon"
        else [c for g in city.geoms for c in g.exterior.coords],
        key=lambda c: c[0],
    )
    assert kelurahan_at(west[1], west[0] - 0.005) is None


def test_a_point_on_a_shared_edge_gets_one_stable_answer(reference_data):
    kedaton = Kelurahan.objects.get(code="18.71.01.1003")
    geometry = shape(kedaton.boundary)
    for neighbour in Kelurahan.objects.exclude(pk=kedaton.pk):
        shared = geometry.intersection(shape(neighbour.boundary))
        if shared.length > 0:
            point = (
                shared.interpolate(0.5, normalized=True)
                if hasattr(shared, "interpolate")
                else shared.representative_point()
            )
            first = kelurahan_at(point.y, point.x)
            assert first.code in {kedaton.code, neighbour.code}
            assert kelurahan_at(point.y, point.x).code == first.code
            return
    pytest.fail("Kedaton has no neighbour with a shared edge")
