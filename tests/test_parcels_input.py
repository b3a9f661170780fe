"""Parcel inputs (issue #4 items 8 and 9): GeoJSON over HTTP, vector files in any CRS on the command line,
and every kind of bad input answered with a 4xx that says why."""

from __future__ import annotations

from conftest import session_db

import json
import zipfile

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, box, mapping

from rdtr.errors import InvalidInput
from rdtr.parcel_input import geodesic_area, parse_geojson, read_parcel_file

# A 30 m × 20 m block in Bontang, in UTM 50N (the sample's CRS) and in lon/lat.
UTM_BOX = box(551_000, 9_000, 551_030, 9_020)


def lonlat(geom_utm):
    return gpd.GeoSeries([geom_utm], crs="EPSG:9480").to_crs(4326).iloc[0]


def test_a_polygon_feature_and_collection_are_read():
    g = mapping(lonlat(UTM_BOX))
    single = parse_geojson(g)
    assert not single.collection and single.parcels[0].ok
    assert single.parcels[0].area_m2 == pytest.approx(600, rel=0.001)
    feat = parse_geojson({"type": "Feature", "id": "A-1", "properties": {"nib": "123"}, "geometry": g})
    assert feat.parcels[0].id == "A-1" and feat.parcels[0].properties == {"nib": "123"}
    fc = parse_geojson({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": i, "properties": {"n": i}, "geometry": g} for i in range(3)]})
    assert fc.collection and [p.id for p in fc.parcels] == [0, 1, 2]


@pytest.mark.parametrize("doc, needle", [
    ([1, 2], "JSON array"),
    ({"type": "Point", "coordinates": [117.5, 0.1]}, "not a parcel"),
    ({"type": "LineString", "coordinates": [[117.5, 0.1], [117.6, 0.1]]}, "not a parcel"),
    ({"type": "Polygon", "coordinates": [[[117.5, 0.1], [117.6, 0.1], [117.6, 0.2], [117.5, 0.2]]]}, "not closed"),
    ({"type": "Polygon", "coordinates": [[[117.5, 0.1], [117.6, 0.1], [117.5, 0.1]]]}, "at least 4"),
    ({"type": "Polygon", "coordinates": [[[0.10, 117.50], [0.10, 117.5001], [0.1001, 117.5001], [0.10, 117.50]]]},
     "swapped"),
    ({"type": "Polygon", "coordinates": [[[551000, 9000], [551030, 9000], [551030, 9020], [551000, 9000]]]},
     "projected"),
    ({"type": "Polygon", "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]]},
     "far outside Indonesia"),
    ({"type": "Polygon", "coordinates": [[[117.4, 0.1], [117.5, 0.1], [117.5, 0.2], [117.4, 0.2], [117.4, 0.1]]]},
     "larger than the maximum"),
    ({"type": "Polygon", "coordinates": [[["a", 0.1], [117.6, 0.1], [117.6, 0.2], ["a", 0.1]]]}, "numbers"),
    ({"type": "Polygon", "coordinates": []}, "at least one ring"),
    ({"type": "Polygon", "coordinates": [[[117.5, 0.1], [117.5, 0.1], [117.5, 0.1], [117.5, 0.1]]]}, "area"),
    ({"type": "Feature", "geometry": None}, "no geometry"),
    ({"type": "FeatureCollection", "features": []}, "no features"),
    ({"type": "Topology"}, "unknown GeoJSON type"),
])
def test_bad_geojson_says_why(doc, needle):
    with pytest.raises(InvalidInput) as exc:
        parse_geojson(doc)
    assert needle in exc.value.detail


def test_a_self_intersecting_parcel_is_repaired():
    x0, y0 = 551_000, 9_000
    bowtie_utm = Polygon([(x0, y0), (x0 + 30, y0 + 30), (x0 + 30, y0), (x0, y0 + 30), (x0, y0)])
    g = lonlat(bowtie_utm)
    assert not g.is_valid
    p = parse_geojson(mapping(g)).parcels[0]
    assert p.repaired and not p.valid and p.geom.is_valid
    assert p.area_m2 == pytest.approx(450, rel=0.002)  # the two triangles


def test_a_batch_flags_bad_features_without_failing_the_rest():
    good = mapping(lonlat(UTM_BOX))
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "ok", "geometry": good},
        {"type": "Feature", "id": "point", "geometry": {"type": "Point", "coordinates": [117.5, 0.1]}},
        {"type": "Feature", "id": "open", "geometry": {"type": "Polygon", "coordinates": [
            [[117.5, 0.1], [117.6, 0.1], [117.6, 0.2], [117.5, 0.2]]]}}]}
    batch = parse_geojson(fc)
    assert [p.ok for p in batch.parcels] == [True, False, False]
    assert [p.id for p in batch.parcels] == ["ok", "point", "open"]
    assert "not closed" in batch.parcels[2].error


def test_a_batch_above_the_limit_is_refused(monkeypatch):
    g = mapping(lonlat(UTM_BOX))
    with pytest.raises(InvalidInput, match="at most 3 parcels"):
        parse_geojson({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": g}] * 4},
                      max_parcels=3)


@pytest.mark.parametrize("driver, suffix", [("GPKG", ".gpkg"), ("GeoJSON", ".geojson"), ("KML", ".kml"),
                                             ("ESRI Shapefile", ".zip")])
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


BAD_BODIES = [
    (b"{not json", 400, "not valid JSON"),
    (b"", 422, "empty"),
    (json.dumps({"type": "Point", "coordinates": [117.5, 0.1]}).encode(), 422, "not a parcel"),
    (json.dumps({"type": "Polygon", "coordinates": [[[117.5, 0.1], [117.51, 0.1], [117.51, 0.11], [117.5, 0.11]]]}).encode(),
     422, "not closed"),
    (json.dumps({"type": "Polygon", "coordinates": [[[0.1, 117.5], [0.1, 117.5001], [0.1001, 117.5001], [0.1, 117.5]]]}).encode(),
     422, "swapped"),
    (json.dumps({"type": "Polygon", "coordinates": [[[117.4, 0.1], [117.5, 0.1], [117.5, 0.2], [117.4, 0.2], [117.4, 0.1]]]}).encode(),
     422, "larger than the maximum"),
]


@pytest.mark.parametrize("body, status, needle", BAD_BODIES)
def test_bad_bodies_get_a_4xx_with_the_reason(client, db_url, body, status, needle):
    for path in ("/v1/parcels/analyze", "/v1/parcels/compare?from=2024-06-01&to=2025-01-01"):
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        assert r.status_code == status, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert needle in r.json()["detail"]


def test_bad_query_parameters_get_a_4xx(client, db_url):
    g = mapping(lonlat(UTM_BOX))
    for qs, needle in [("sliver_share=2", "sliver_share"), ("at=2024-02-30", "at"), ("plan=BAD!", "plan")]:
        r = client.post(f"/v1/parcels/analyze?{qs}", json=g)
        assert r.status_code == 422 and needle in r.json()["detail"]
    r = client.post("/v1/parcels/compare?from=2024-01-01", json=g)
    assert r.status_code == 422 and "to" in r.json()["detail"]


def test_the_repaired_parcel_says_so_over_http(client, sample_plan):
    x0, y0 = 551_000, 9_000
    bowtie = lonlat(Polygon([(x0, y0), (x0 + 30, y0 + 30), (x0 + 30, y0), (x0, y0 + 30), (x0, y0)]))
    r = client.post("/v1/parcels/analyze", json=mapping(bowtie))
    assert r.status_code == 200, r.text
    parcel = r.json()["parcel"]
    assert parcel == {"area_m2": pytest.approx(450, rel=0.002), "valid": False, "repaired": True}
    assert geodesic_area(shapely.make_valid(bowtie)) == pytest.approx(parcel["area_m2"], rel=0.001)


def test_analyze_parameters_and_bodies_get_the_documented_statuses(client, sample_plan):
    """One route parses every parameter and body: each case gets its documented status and media type."""
    g = mapping(lonlat(UTM_BOX))
    cases = [("plan=bontang", json.dumps(g).encode(), 200),
             ("plan=bontang&activity=A001&sliver_share=0.05&at=2025-01-01", json.dumps(g).encode(), 200),
             ("plan=bontang&activity=Rumah%20Tungal", json.dumps(g).encode(), 404),
             ("", json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": g}]}).encode(),
              200),
             ("sliver_share=2", json.dumps(g).encode(), 422), ("unknown=1", json.dumps(g).encode(), 200),
             ("", b"{not json", 400), ("", b"", 422), ("", b"[1,2]", 422),
             ("at=2024-02-30", json.dumps(g).encode(), 422)]
    for qs, body, status in cases:
        r = client.post(f"/v1/parcels/analyze?{qs}", content=body, headers={"content-type": "application/json"})
        assert r.status_code == status, (qs, body[:40], r.text)
        expected = "application/json" if status == 200 else "application/problem+json"
        assert r.headers["content-type"] == expected, qs
