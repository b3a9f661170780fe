"""The map extract's scale and frame, chosen without a database: a standard scale that fits the parcel,
the UTM zone of the place."""

from __future__ import annotations

from rdtr.render.extract import choose_scale, map_view, utm_epsg


def test_the_scale_is_a_standard_one_that_fits():
    # The map frame is 186 × 138 mm.
    assert choose_scale(100, 80, 186, 138) == 1000
    assert choose_scale(300, 200, 186, 138) == 2500
    assert choose_scale(800, 600, 186, 138) == 5000
    assert choose_scale(1500, 1000, 186, 138) == 10000
    assert utm_epsg(117.46, 0.09) == 9480 and utm_epsg(106.8, -6.2) == 9488
    from shapely.geometry import box

    big = map_view(box(117.455, 0.085, 117.461, 0.090))  # ~670 × 550 m
    assert big.scale == 5000
