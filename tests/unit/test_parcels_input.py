"""Parcel inputs (issue #4 items 8 and 9), read without a database: GeoJSON documents, vector files in any
CRS as the command line reads them, and every kind of bad input refused with the reason (the HTTP side:
tests/integration/test_parcels_input_http.py)."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box, mapping

from rdtr.errors import InvalidInput
from rdtr.parcel_input import parse_geojson, read_parcel_file
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
