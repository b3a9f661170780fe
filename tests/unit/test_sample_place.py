"""The shared test helper that picks a place in the sample FILE (tests/support/maps.py) — no database."""

from __future__ import annotations

from tests.support.maps import UTM, _zones_file, sample_place


def test_sample_place_is_inside_its_zone():
    """The helper's point and parcel lie in the zone they claim (checked on the file, in metres)."""
    import geopandas as gpd
    from shapely.geometry import Point, shape

    place = sample_place("R-2")
    zones = _zones_file()
    pt = gpd.GeoSeries([Point(place["lon"], place["lat"])], crs=4326).to_crs(UTM).iloc[0]
    hits = zones[zones.contains(pt)]
    assert list(hits["KODSZN"]) == ["R-2"]
    parcel = gpd.GeoSeries([shape(place["parcel"])], crs=4326).to_crs(UTM).iloc[0]
    assert abs(parcel.area - 900.0) < 5.0
