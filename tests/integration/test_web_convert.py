"""Parcel files people upload on the web page — KML and zipped Shapefiles, in any CRS — converted on the
server to GeoJSON in EPSG:4326 (``POST /v1/parcels/convert``), and the typed-place reader
(``GET /v1/coordinates``)."""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import shape

from tests.support.maps import UTM, sample_place


@pytest.fixture(scope="module")
def place(sample_plan):
    return sample_place("R-2")


def _frame(place, crs="EPSG:4326"):
    gdf = gpd.GeoDataFrame({"NIB": ["64.74.01.02.00123"]}, geometry=[shape(place["parcel"])], crs=4326)
    return gdf.to_crs(crs)


def _zip_shapefile(gdf, tmp_path) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf.to_file(folder / "persil.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    return buf.getvalue()


def _same_parcel(fc: dict, place) -> None:
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 1
    got = shape(fc["features"][0]["geometry"])
    want = shape(place["parcel"])
    assert got.symmetric_difference(want).area / want.area < 1e-4
    assert fc["features"][0]["properties"]["area_m2"] == pytest.approx(place["parcel_area_m2"], rel=0.01)


def test_kml_upload_becomes_geojson(client, place, tmp_path):
    path = tmp_path / "persil.kml"
    _frame(place).to_file(path, driver="KML")
    r = client.post(
        "/v1/parcels/convert", files={"file": ("persil.kml", path.read_bytes(), "application/vnd.google-earth.kml+xml")}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/geo+json")
    _same_parcel(r.json(), place)


def test_zipped_shapefile_in_utm_is_reprojected(client, place, tmp_path):
    data = _zip_shapefile(_frame(place, UTM), tmp_path)
    r = client.post("/v1/parcels/convert", files={"file": ("persil.zip", data, "application/zip")})
    assert r.status_code == 200, r.text
    fc = r.json()
    _same_parcel(fc, place)
    assert fc["features"][0]["properties"]["NIB"] == "64.74.01.02.00123"


def test_unusable_uploads_are_4xx_with_a_reason(client, tmp_path, sample_plan):
    r = client.post("/v1/parcels/convert", files={"file": ("persil.docx", b"PK..", "application/octet-stream")})
    assert r.status_code == 415 and "KML" in r.json()["detail"]
    r = client.post("/v1/parcels/convert", files={"file": ("persil.kml", b"<kml>not really", "text/xml")})
    assert r.status_code == 422 and "persil.kml" in r.json()["detail"]
    assert "/tmp" not in r.json()["detail"]
    r = client.post("/v1/parcels/convert", data={"nothing": "here"})
    assert r.status_code == 422


def test_typed_places(client):
    r = client.get("/v1/coordinates", params={"q": "0°08'06.4\"LU 117°28'56.3\"BT"})
    assert r.status_code == 200
    assert r.json()["format"] == "dms" and r.json()["lat"] == pytest.approx(0.135111, abs=1e-5)
    r = client.get("/v1/coordinates", params={"q": "nowhere"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
