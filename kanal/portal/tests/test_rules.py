"""The map projection and chart geometry."""

import pytest

from kanal.portal import rules

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[105, -5], [105.1, -5], [105.1, -5.1], [105, -5.1], [105, -5]]],
}
EAST = {
    "type": "Polygon",
    "coordinates": [[[105.1, -5], [105.2, -5], [105.2, -5.1], [105.1, -5.1], [105.1, -5]]],
}


def test_map_geometry_puts_north_up_and_neighbours_side_by_side():
    geometry = rules.map_geometry(
        [("a", "A", SQUARE), ("b", "B", EAST), ("c", "C", None)], width=200
    )
    assert [s.code for s in geometry.shapes] == ["a", "b"]
    assert geometry.width == 200
    # Two squares side by side, shrunk east-west by cos(5°): half as high as wide, plus 0.4 %.
    assert geometry.height == 100
    a = geometry.shapes[0].path
    assert a.startswith("M0 0L100 0L100 ")
    assert a.endswith("Z")
    assert geometry.shapes[1].path.startswith("M100 0L200 0")


def test_map_geometry_of_nothing_is_empty():
    assert rules.map_geometry([]).shapes == ()


@pytest.mark.parametrize(
    ("value", "maximum", "expected"),
    [(None, 10, 0), (0, 10, 0), (5, 10, 50), (10, 10, 100), (0.01, 10, 1), (3, 0, 0)],
)
def test_bar_width(value, maximum, expected):
    assert rules.bar_width(value, maximum) == expected
