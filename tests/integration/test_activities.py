"""Activity search and "where is it allowed" (issue #4 items 3 and 4), checked against the sample's itbx.csv
read independently."""

from __future__ import annotations

import csv

import geopandas as gpd
import pytest
import shapely

from tests.support.paths import SAMPLE_PACKAGE

RANK = {"I": 0, "T": 1, "B": 2, "X": 3}


@pytest.fixture(scope="module")
def itbx_rows():
    with open(SAMPLE_PACKAGE / "itbx.csv", newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def cells(row) -> dict[str, tuple[str, list[str]]]:
    out = {}
    for sz, cell in row.items():
        if sz in ("activity_code", "activity", "kbli", "group") or not cell or not cell.strip():
            continue
        codes = [c.strip() for c in cell.split(",") if c.strip()]
        out[sz] = (max((c[0] for c in codes), key=RANK.get), codes)
    return out


def test_search_by_name_code_and_kbli(client, sample_plan, itbx_rows):
    body = client.get("/v1/activities", params={"q": "rumah", "plan": "bontang"}).json()
    expected = {r["activity_code"] for r in itbx_rows if "rumah" in r["activity"].lower()}
    assert {a["code"] for a in body["activities"]} == expected and body["count"] == len(expected)
    assert all(a["plan"]["id"] == "bontang" for a in body["activities"])
    body = client.get(
        "/v1/activities", params={"q": "RÚMAH tunggal", "plan": "bontang"}
    ).json()  # accent- and case-insensitive
    assert body["activities"][0]["name"] == "Rumah Tunggal"
    body = client.get("/v1/activities", params={"q": "B003", "plan": "bontang"}).json()
    assert body["activities"][0]["code"] == "B003"
    with_kbli = next(r for r in itbx_rows if r["kbli"])
    body = client.get("/v1/activities", params={"q": with_kbli["kbli"], "plan": "bontang"}).json()
    assert body["activities"][0]["code"] == with_kbli["activity_code"]
    assert with_kbli["kbli"] in body["activities"][0]["kbli"]
    assert client.get("/v1/activities", params={"q": "zzzz-nothing"}).json()["activities"] == []
    everything = client.get("/v1/activities", params={"limit": 2000, "plan": "bontang"}).json()
    assert everything["count"] == len(itbx_rows)


@pytest.mark.parametrize("klass", ["I", "T", "B", "X"])
def test_where_allowed_lists_exactly_the_subzones_of_that_class(client, sample_plan, itbx_rows, klass):
    for row in itbx_rows[::9]:
        body = client.get(
            f"/v1/activities/{row['activity_code']}/zones", params={"class": klass, "plan": "bontang"}
        ).json()
        expected = {sz: c for sz, c in cells(row).items() if c[0] == klass}
        assert {z["subzone_code"] for z in body["zones"]} == set(expected), row["activity_code"]
        for z in body["zones"]:
            assert z["class"] == klass and z["codes"] == expected[z["subzone_code"]][1]
            assert z["plan"]["id"] == "bontang"
        assert body["activity"]["code"] == row["activity_code"] and body["activity"]["name"] == row["activity"]


def test_where_allowed_without_a_class_lists_every_subzone(client, sample_plan, itbx_rows):
    row = itbx_rows[0]
    body = client.get(f"/v1/activities/{row['activity']}/zones", params={"plan": "bontang"}).json()  # by name
    assert {z["subzone_code"]: z["class"] for z in body["zones"]} == {sz: c[0] for sz, c in cells(row).items()}
    body = client.get(f"/v1/activities/{row['activity_code']}/zones", params={"class": "I,T", "plan": "bontang"}).json()
    assert {z["class"] for z in body["zones"]} <= {"I", "T"}
    names = {z["subzone_code"]: z["subzone_name"] for z in body["zones"]}
    if "R-2" in names:
        assert names["R-2"] == "Perumahan Kepadatan Tinggi"


def test_where_allowed_as_geojson_in_a_bbox(client, sample_plan, itbx_rows):
    row = next(r for r in itbx_rows if r["activity_code"] == "A001")
    allowed = {sz for sz, c in cells(row).items() if c[0] == "I"}
    zones = gpd.read_file(SAMPLE_PACKAGE / "pola_ruang.gpkg").to_crs(4326)
    minx, miny, maxx, maxy = zones.total_bounds
    bbox = (minx, miny, (minx + maxx) / 2, (miny + maxy) / 2)
    r = client.get(
        "/v1/activities/A001/zones",
        params={"class": "I", "f": "geojson", "plan": "bontang", "bbox": ",".join(f"{v:.6f}" for v in bbox)},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    doc = r.json()
    assert doc["type"] == "FeatureCollection"
    box = shapely.box(*[round(v, 6) for v in bbox])
    expected = zones[zones.KODSZN.isin(allowed) & zones.intersects(box)]
    assert len(doc["features"]) == len(expected)
    assert {f["properties"]["subzone_code"] for f in doc["features"]} == set(expected.KODSZN)
    assert all(f["properties"]["class"] == "I" for f in doc["features"])
    assert all(shapely.geometry.shape(f["geometry"]).intersects(box) for f in doc["features"])


def test_unknown_activity_and_bad_parameters(client, sample_plan):
    r = client.get("/v1/activities/Rumah%20Tungal/zones")
    assert r.status_code == 404 and "Rumah Tunggal" in r.json()["detail"]
    r = client.get("/v1/activities/A001/zones", params={"class": "Q"})
    assert r.status_code == 422 and "class" in r.json()["detail"]
    r = client.get("/v1/activities/A001/zones", params={"f": "geojson", "bbox": "1,2,3"})
    assert r.status_code == 422 and "bbox" in r.json()["detail"]
    r = client.get("/v1/activities/A001/zones", params={"f": "geojson", "bbox": "117.5,0.2,117.4,0.1"})
    assert r.status_code == 422 and "min" in r.json()["detail"]
    r = client.get("/v1/activities", params={"plan": "no-such-plan"})
    assert r.status_code == 404


def test_parcel_verdict_by_kbli_and_unknown_activity(client, sample_plan, itbx_rows):
    zones = gpd.read_file(SAMPLE_PACKAGE / "pola_ruang.gpkg")
    g = zones[zones.KODSZN == "K-1"].geometry.iloc[0].representative_point()
    parcel = gpd.GeoSeries([g.buffer(5, cap_style="square")], crs="EPSG:9480").to_crs(4326).iloc[0]
    unique = [r for r in itbx_rows if r["kbli"] and sum(x["kbli"] == r["kbli"] for x in itbx_rows) == 1]
    row = unique[0]
    body = client.post(
        "/v1/parcels/analyze",
        params={"activity": row["kbli"], "plan": "bontang"},
        json=shapely.geometry.mapping(parcel),
    ).json()
    assert body["activity"]["code"] == row["activity_code"]
    assert body["activity"]["class"] == cells(row)["K-1"][0]
    r = client.post(
        "/v1/parcels/analyze", params={"activity": "Toko Bahan Banguna"}, json=shapely.geometry.mapping(parcel)
    )
    assert r.status_code == 404 and "Toko Bahan Bangunan" in r.json()["detail"]
