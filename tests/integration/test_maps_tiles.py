"""The web map's zone layer: TileJSON, vector tiles (ST_AsMVT) and simplified GeoJSON per bbox, with
caching headers per plan version."""

from __future__ import annotations

import math

import pytest

from rdtr.render import style
from tests.support.maps import sample_place


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    lat_r = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)
    return x, y


@pytest.fixture(scope="module")
def place(sample_plan):
    return sample_place("R-2")


@pytest.fixture(scope="module")
def tj(client, sample_plan):
    r = client.get("/v1/tiles/bontang.json")
    assert r.status_code == 200, r.text
    return r.json()


def test_tilejson_names_the_version_its_legal_basis_and_the_standard_legend(tj):
    assert tj["tilejson"] == "3.0.0"
    assert tj["plan"]["id"] == "bontang" and tj["plan"]["version"] >= 1
    assert "Perwali Kota Bontang" in tj["plan"]["legal_basis"]
    assert f"v={tj['plan']['version']}" in tj["tiles"][0] and tj["tiles"][0].endswith("&s=1")
    legend = {e["subzone_code"]: e for e in tj["legend"]}
    assert legend["R-2"]["color"] == "#FFDC00" and legend["BJ"]["color"] == "#EB1E1E"
    assert all(e["standard"] for e in tj["legend"])
    lon0, lat0, lon1, lat1 = tj["bounds"]
    assert 117.3 < lon0 < lon1 < 117.7 and 0.0 < lat0 < lat1 < 0.25


def test_a_vector_tile_holds_the_zone_at_a_place_and_is_immutable(client, tj, place):
    v = tj["plan"]["version"]
    x, y = _tile(place["lon"], place["lat"], 16)
    url = f"/v1/tiles/bontang/16/{x}/{y}.mvt?v={v}&s=1"
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert "immutable" in r.headers["cache-control"]
    body = r.content
    assert 100 < len(body) < 500_000
    # MVT stores attribute values as plain strings: the sub-zone code and its standard colour are there.
    assert place["subzone_code"].encode() in body
    assert style.fill_color(place["subzone_code"]).encode() in body
    assert b"zones" in body
    # Revalidation: the same version answers 304.
    again = client.get(url, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_tiles_chosen_by_date_are_cached_briefly(client, place):
    x, y = _tile(place["lon"], place["lat"], 15)
    r = client.get(f"/v1/tiles/bontang/15/{x}/{y}.mvt")
    assert r.status_code == 200
    assert "max-age=300" in r.headers["cache-control"] and "immutable" not in r.headers["cache-control"]
    before = client.get(f"/v1/tiles/bontang/15/{x}/{y}.mvt", params={"at": "2020-01-01"})
    assert before.status_code == 404 and "in force" in before.json()["detail"]


def test_tiles_outside_the_plan_or_below_the_minimum_zoom_are_empty(client):
    assert client.get("/v1/tiles/bontang/16/0/0.mvt").status_code == 204
    assert client.get("/v1/tiles/bontang/5/26/15.mvt").status_code == 204


def test_bad_tile_requests_are_4xx(client, sample_plan):
    assert client.get("/v1/tiles/bontang/3/9/0.mvt").status_code == 422
    assert client.get("/v1/tiles/nowhere/16/0/0.mvt").status_code == 404
    assert client.get("/v1/tiles/bontang/16/0/0.mvt", params={"v": 99}).status_code == 404


def test_geojson_per_bbox_is_clipped_simplified_and_coloured(client, place):
    d = 0.002
    bbox = f"{place['lon'] - d},{place['lat'] - d},{place['lon'] + d},{place['lat'] + d}"
    r = client.get("/v1/zones.geojson", params={"plan": "bontang", "bbox": bbox, "zoom": 17})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == int(r.headers["x-feature-count"]) > 0
    from shapely.geometry import Point, box, shape

    here = Point(place["lon"], place["lat"])
    hits = [f for f in fc["features"] if shape(f["geometry"]).buffer(1e-7).contains(here)]
    assert [f["properties"]["subzone_code"] for f in hits] == [place["subzone_code"]]
    assert hits[0]["properties"]["color"] == style.fill_color(place["subzone_code"])
    frame = box(place["lon"] - d, place["lat"] - d, place["lon"] + d, place["lat"] + d).buffer(
        1e-6
    )  # coordinates are rounded
    assert all(frame.contains(shape(f["geometry"])) for f in fc["features"])
    # A whole-city view at a low zoom leaves out zones smaller than a pixel and stays small.
    city = client.get("/v1/zones.geojson", params={"plan": "bontang", "bbox": "117.42,0.05,117.50,0.13", "zoom": 12})
    assert city.status_code == 200
    assert int(city.headers["x-feature-count"]) < 2974
    assert client.get("/v1/zones.geojson", params={"plan": "bontang", "bbox": "1,2,3"}).status_code == 422


def test_geojson_without_a_plan_draws_every_plan_in_force(client, place):
    d = 0.001
    bbox = f"{place['lon'] - d},{place['lat'] - d},{place['lon'] + d},{place['lat'] + d}"
    r = client.get("/v1/zones.geojson", params={"bbox": bbox, "zoom": 17})
    assert r.status_code == 200
    codes = {f["properties"]["subzone_code"] for f in r.json()["features"]}
    assert place["subzone_code"] in codes
    assert client.get("/v1/zones.geojson", params={"bbox": bbox, "v": 1}).status_code == 422
    before = client.get("/v1/zones.geojson", params={"bbox": bbox, "at": "2000-01-01"})
    assert before.status_code == 200 and before.json()["features"] == []
