"""Parcel inputs (issue #4 items 8 and 9), read without a database: GeoJSON documents, vector files in any
CRS as the command line reads them, and every kind of bad input refused with the reason (the HTTP side:
tests/integration/test_parcels_input_http.py)."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box, mapping

from rdtr.errors import InvalidInput
from rdtr.parcel_input import geodesic_area, local_area, parse_geojson, read_parcel_file
from tests.support.ingest import to_lonlat

# A 30 m × 20 m block in Bontang, in UTM 50N (the sample's CRS) and in lon/lat.
UTM_BOX = box(551_000, 9_000, 551_030, 9_020)


def test_a_polygon_feature_and_collection_are_read():
    g = mapping(to_lonlat(UTM_BOX))
    single = parse_geojson(g)
    assert not single.collection and single.parcels[0].ok
    assert single.parcels[0].area_m2 == pytest.approx(600, rel=0.001)
    feat = parse_geojson({"type": "Feature", "id": "A-1", "properties": {"nib": "123"}, "geometry": g})
    assert feat.parcels[0].id == "A-1" and feat.parcels[0].properties == {"nib": "123"}
    fc = parse_geojson(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "id": i, "properties": {"n": i}, "geometry": g} for i in range(3)],
        }
    )
    assert fc.collection and [p.id for p in fc.parcels] == [0, 1, 2]


@pytest.mark.parametrize(
    "doc, needle",
    [
        ([1, 2], "JSON array"),
        ({"type": "Point", "coordinates": [117.5, 0.1]}, "not a parcel"),
        ({"type": "LineString", "coordinates": [[117.5, 0.1], [117.6, 0.1]]}, "not a parcel"),
        ({"type": "Polygon", "coordinates": [[[117.5, 0.1], [117.6, 0.1], [117.6, 0.2], [117.5, 0.2]]]}, "not closed"),
        ({"type": "Polygon", "coordinates": [[[117.5, 0.1], [117.6, 0.1], [117.5, 0.1]]]}, "at least 4"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[0.10, 117.50], [0.10, 117.5001], [0.1001, 117.5001], [0.10, 117.50]]],
            },
            "swapped",
        ),
        (
            {"type": "Polygon", "coordinates": [[[551000, 9000], [551030, 9000], [551030, 9020], [551000, 9000]]]},
            "projected",
        ),
        (
            {"type": "Polygon", "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]]},
            "far outside Indonesia",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[117.4, 0.1], [117.5, 0.1], [117.5, 0.2], [117.4, 0.2], [117.4, 0.1]]],
            },
            "larger than the maximum",
        ),
        ({"type": "Polygon", "coordinates": [[["a", 0.1], [117.6, 0.1], [117.6, 0.2], ["a", 0.1]]]}, "numbers"),
        ({"type": "Polygon", "coordinates": []}, "at least one ring"),
        ({"type": "Polygon", "coordinates": [[[117.5, 0.1], [117.5, 0.1], [117.5, 0.1], [117.5, 0.1]]]}, "area"),
        ({"type": "Feature", "geometry": None}, "no geometry"),
        ({"type": "FeatureCollection", "features": []}, "no features"),
        ({"type": "Topology"}, "unknown GeoJSON type"),
    ],
)
def test_bad_geojson_says_why(doc, needle):
    with pytest.raises(InvalidInput) as exc:
        parse_geojson(doc)
    assert needle in exc.value.detail


def test_a_self_intersecting_parcel_is_repaired():
    x0, y0 = 551_000, 9_000
    bowtie_utm = Polygon([(x0, y0), (x0 + 30, y0 + 30), (x0 + 30, y0), (x0, y0 + 30), (x0, y0)])
    g = to_lonlat(bowtie_utm)
    assert not g.is_valid
    p = parse_geojson(mapping(g)).parcels[0]
    assert p.repaired and not p.valid and p.geom.is_valid
    assert p.area_m2 == pytest.approx(450, rel=0.002)  # the two triangles


def test_a_batch_flags_bad_features_without_failing_the_rest():
    good = mapping(to_lonlat(UTM_BOX))
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": "ok", "geometry": good},
            {"type": "Feature", "id": "point", "geometry": {"type": "Point", "coordinates": [117.5, 0.1]}},
            {
                "type": "Feature",
                "id": "open",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[117.5, 0.1], [117.6, 0.1], [117.6, 0.2], [117.5, 0.2]]],
                },
            },
        ],
    }
    batch = parse_geojson(fc)
    assert [p.ok for p in batch.parcels] == [True, False, False]
    assert [p.id for p in batch.parcels] == ["ok", "point", "open"]
    assert "not closed" in batch.parcels[2].error


def test_the_geometry_is_what_was_sent_holes_and_parts_included():
    """The parcel's geometry (and the WKB the overlay query gets) is built from the checked rings: the same
    polygon as shapely builds, holes and MultiPolygon parts included, and 2-D whatever the input."""
    import shapely

    outer = to_lonlat(box(551_000, 9_000, 551_060, 9_040))
    hole = to_lonlat(box(551_010, 9_010, 551_020, 9_020))
    with_hole = Polygon(outer.exterior.coords, [hole.exterior.coords])
    other = to_lonlat(box(551_100, 9_000, 551_130, 9_020))
    for geom in (with_hole, shapely.MultiPolygon([with_hole, other])):
        doc = mapping(geom)
        doc["coordinates"] = shapely.geometry.mapping(shapely.force_3d(geom, 7.0))["coordinates"]  # x, y, z
        parcel = parse_geojson(doc).parcels[0]
        assert parcel.geom.geom_type == geom.geom_type and parcel.geom.equals_exact(geom, 1e-12)
        assert not parcel.geom.has_z and shapely.from_wkb(bytes.fromhex(parcel.wkb_hex())).equals_exact(geom, 1e-12)
        assert parcel.vertices == shapely.get_num_coordinates(geom)
        assert parcel.area_m2 == pytest.approx(geodesic_area(geom), rel=1e-12)
        assert local_area(geom) == pytest.approx(parcel.area_m2, rel=0.001)


def test_the_area_limit_is_the_geodesic_area(monkeypatch):
    """The quick local-metric estimate only decides when the geodesic measure is needed: a parcel just under
    the limit passes, one just over is refused with its geodesic area."""
    from rdtr.config import get_settings

    g = mapping(to_lonlat(UTM_BOX))
    area = geodesic_area(to_lonlat(UTM_BOX))
    monkeypatch.setenv("RDTR_MAX_PARCEL_AREA_M2", str(area * 1.0001))
    get_settings.cache_clear()
    try:
        assert parse_geojson(g).parcels[0].ok
        monkeypatch.setenv("RDTR_MAX_PARCEL_AREA_M2", str(area * 0.9999))
        get_settings.cache_clear()
        with pytest.raises(InvalidInput, match=f"{round(area)}"):
            parse_geojson(g)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_a_batch_above_the_limit_is_refused(monkeypatch):
    g = mapping(to_lonlat(UTM_BOX))
    with pytest.raises(InvalidInput, match="at most 3 parcels"):
        parse_geojson(
            {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": g}] * 4}, max_parcels=3
        )


@pytest.mark.parametrize(
    "driver, suffix", [("GPKG", ".gpkg"), ("GeoJSON", ".geojson"), ("KML", ".kml"), ("ESRI Shapefile", ".zip")]
)
def test_vector_files_in_any_crs_are_read_in_lonlat(tmp_path, driver, suffix):
    utm = [UTM_BOX, box(551_100, 9_000, 551_140, 9_025)]
    gdf = gpd.GeoDataFrame({"nib": ["A", "B"]}, geometry=utm, crs="EPSG:9480")
    if driver == "KML":
        gdf = gdf.to_crs(4326)  # KML is lon/lat by definition
    elif driver == "GeoJSON":
        gdf = gdf.to_crs(32650)  # a legacy "crs" member: reprojected on reading
    path = tmp_path / f"parcels{suffix}"
    if suffix == ".zip":
        shp = tmp_path / "shp"
        shp.mkdir()
        gdf.to_file(shp / "parcels.shp")
        with zipfile.ZipFile(path, "w") as zf:
            for f in shp.iterdir():
                zf.write(f, f.name)
    else:
        gdf.to_file(path, driver=driver)
    batch = read_parcel_file(path)
    assert batch.collection and len(batch.parcels) == 2
    expected = gpd.GeoSeries(utm, crs="EPSG:9480").to_crs(4326)
    for parcel, exp, area in zip(batch.parcels, expected, (600, 1000)):
        assert parcel.ok, parcel.error
        assert parcel.geom.centroid.distance(exp.centroid) < 1e-6
        assert parcel.area_m2 == pytest.approx(area, rel=0.002)
    if driver != "KML":
        assert [p.properties["nib"] for p in batch.parcels] == ["A", "B"]
