"""Bulk downloads of a plan version (GeoPackage, GeoJSON, FlatGeobuf, CSV tables) and its QGIS project.

Read-only on the shared database (the sample plan ``bontang``, version 1); the files are built into a
folder of this module's own (``RDTR_DOWNLOADS_DIR``)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import socket
import subprocess
import threading
import time
import xml.etree.ElementTree as ET

import geopandas as gpd
import pyogrio
import pytest

from rdtr import downloads
from rdtr.render import style
from tests.support.paths import SAMPLE_PACKAGE

BASE = "/v1/plans/bontang/versions/1"
SOURCE = SAMPLE_PACKAGE / "pola_ruang.gpkg"
FILES = [
    ("download.gpkg", "application/geopackage+sqlite3", "bontang-v1-zones.gpkg"),
    ("download.geojson", "application/geo+json", "bontang-v1-zones.geojson"),
    ("download.fgb", "application/flatgeobuf", "bontang-v1-zones.fgb"),
    ("download.csv", "text/csv", "bontang-v1-zones.csv"),
    ("itbx.csv", "text/csv", "bontang-v1-itbx.csv"),
    ("intensity.csv", "text/csv", "bontang-v1-intensity.csv"),
    ("project.qgs", "application/x-qgis-project", "bontang-v1.qgs"),
]


@pytest.fixture(scope="module", autouse=True)
def downloads_dir(db_url, tmp_path_factory):
    """This module's own cache folder (the settings are read per build)."""
    from rdtr.config import get_settings

    s = get_settings()
    saved = s.downloads_dir
    s.downloads_dir = tmp_path_factory.mktemp("downloads")
    yield s.downloads_dir
    s.downloads_dir = saved


@pytest.fixture(scope="module")
def source_zones():
    """The sample's zoning layer, read independently of rdtr."""
    return gpd.read_file(SOURCE)


@pytest.fixture(scope="module")
def fetched(client, sample_plan, tmp_path_factory):
    """Every download once, saved to disk: ``{tail: (response, path)}``."""
    folder = tmp_path_factory.mktemp("fetched")
    out = {}
    for tail, _, name in FILES:
        r = client.get(f"{BASE}/{tail}")
        assert r.status_code == 200, (tail, r.text[:300])
        path = folder / name
        path.write_bytes(r.content)
        out[tail] = (r, path)
    return out


def _csv_rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("tail, media_type, name", FILES, ids=[f[0] for f in FILES])
def test_each_file_has_its_media_type_disposition_and_etag(fetched, tail, media_type, name):
    r, path = fetched[tail]
    assert r.headers["content-type"].split(";")[0] == media_type
    assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert re.fullmatch(r'"[0-9a-f]{64}"', r.headers["etag"])
    assert path.stat().st_size > 0


def test_the_geopackage_has_every_layer_and_table(fetched, source_zones):
    path = fetched["download.gpkg"][1]
    layers = dict(pyogrio.list_layers(path))
    assert layers["zones"] == "MultiPolygon" and layers["overlays"] == "MultiPolygon"
    assert {"itbx", "intensity", "conditions", "layer_styles"} <= set(layers)
    assert all(layers[t] is None for t in ("itbx", "intensity", "conditions", "layer_styles"))
    zones = pyogrio.read_dataframe(path, layer="zones")
    assert len(zones) == len(source_zones) > 0
    assert zones.crs.to_epsg() == 4326
    for column in ("zone_id", "subzone_code", "subzone_name", "zone_code", "block", "kelurahan", "area_m2"):
        assert column in zones.columns, column
    assert set(zones.subzone_code) == set(source_zones.KODSZN)
    assert zones.geometry.is_valid.all()
    assert len(pyogrio.read_dataframe(path, layer="overlays")) >= 1


def test_the_geopackage_tables_match_the_csv_downloads(fetched):
    path = fetched["download.gpkg"][1]
    itbx = pyogrio.read_dataframe(path, layer="itbx")
    intensity = pyogrio.read_dataframe(path, layer="intensity")
    itbx_csv = _csv_rows(fetched["itbx.csv"][1])
    intensity_csv = _csv_rows(fetched["intensity.csv"][1])
    assert len(itbx) == len(itbx_csv) > 0
    assert len(intensity) == len(intensity_csv) > 0
    assert list(itbx_csv[0]) == downloads.ITBX_COLUMNS
    assert {r["class"] for r in itbx_csv} <= {"I", "T", "B", "X"}
    first = itbx_csv[0]
    matrix = _csv_rows(SAMPLE_PACKAGE / "itbx.csv")
    source_row = next(r for r in matrix if r["activity_code"] == first["activity_code"])
    assert source_row[first["subzone_code"]].replace(" ", "") in (first["codes"], first["class"])
    assert "kdb_max" in intensity.columns and "subzone_code" in intensity_csv[0]


def test_the_geopackage_carries_a_default_style_for_the_zones(fetched):
    styles = pyogrio.read_dataframe(fetched["download.gpkg"][1], layer="layer_styles")
    for column in ("f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
                   "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"):  # fmt: skip
        assert column in styles.columns, column
    zones = styles[styles.f_table_name == "zones"].iloc[0]
    assert bool(zones.useAsDefault) and zones.f_geometry_column == "geom"
    qml = ET.fromstring(zones.styleQML.split("\n", 1)[1])
    assert qml.find("renderer-v2").get("type") == "categorizedSymbol"
    assert qml.find("renderer-v2").get("attr") == "subzone_code"
    assert qml.find("labeling/settings/text-style").get("fieldName") == "subzone_code"
    sld = ET.fromstring(zones.styleSLD.split("\n", 1)[1])
    assert sld.tag.endswith("StyledLayerDescriptor")


def test_ogrinfo_reads_the_geopackage(fetched, source_zones):
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        pytest.skip("ogrinfo (GDAL's command-line tools) is not installed")
    out = subprocess.run(
        [ogrinfo, "-ro", "-so", str(fetched["download.gpkg"][1]), "zones"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert f"Feature Count: {len(source_zones)}" in out.stdout


def test_flatgeobuf_geojson_and_csv_have_every_zone(fetched, source_zones):
    n = len(source_zones)
    assert len(pyogrio.read_dataframe(fetched["download.fgb"][1])) == n
    geojson = json.loads(fetched["download.geojson"][1].read_bytes())
    assert geojson["type"] == "FeatureCollection" and len(geojson["features"]) == n
    assert {"subzone_code", "zone_id", "area_m2"} <= set(geojson["features"][0]["properties"])
    rows = _csv_rows(fetched["download.csv"][1])
    assert len(rows) == n and {"subzone_code", "lon", "lat"} <= set(rows[0])


def test_the_plan_answer_counts_the_same_zones(client, fetched, source_zones):
    plan = client.get("/v1/plans/bontang").json()
    version = next(v for v in plan["versions"] if v["version"] == 1)
    assert version["zones"] == len(source_zones)


def test_etag_is_stable_and_if_none_match_is_304_without_a_rebuild(client, fetched):
    etag = fetched["download.gpkg"][0].headers["etag"]
    before = dict(downloads.BUILDS)
    started = time.perf_counter()
    again = client.get(f"{BASE}/download.gpkg")
    assert again.status_code == 200 and again.headers["etag"] == etag
    assert again.content == fetched["download.gpkg"][0].content
    not_modified = client.get(f"{BASE}/download.gpkg", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.headers["etag"] == etag and not not_modified.content
    assert client.get(f"{BASE}/download.gpkg", headers={"If-None-Match": '"other"'}).status_code == 200
    assert dict(downloads.BUILDS) == before, "a cached file was built again"
    assert time.perf_counter() - started < 5


def test_concurrent_requests_build_a_file_once(database, sample_plan, tmp_path, settings):
    settings.downloads_dir = tmp_path
    before = downloads.BUILDS["itbx"]
    results, errors = [], []

    def fetch():
        try:
            results.append(downloads.download(database, "bontang", 1, "itbx").sha256)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1 and len(results) == 6
    assert downloads.BUILDS["itbx"] == before + 1
    pv = sample_plan.plan_version_id  # the file is named from the version's database id and the format alone
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        f"pv{pv}-itbx.csv",
        f"pv{pv}-itbx.csv.json",
    ]


def test_a_file_from_another_database_is_rebuilt(database, sample_plan, tmp_path, settings):
    settings.downloads_dir = tmp_path
    first = downloads.download(database, "bontang", 1, "intensity")
    sidecar = first.path.with_name(first.path.name + ".json")
    meta = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**meta, "source_checksum": "another database's version"}))
    before = downloads.BUILDS["intensity"]
    assert downloads.download(database, "bontang", 1, "intensity").sha256 == first.sha256
    assert downloads.BUILDS["intensity"] == before + 1


def test_head_and_ranges_for_vsicurl(client, fetched):
    body = fetched["download.gpkg"][0].content
    head = client.head(f"{BASE}/download.gpkg")
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(body)
    assert head.headers["accept-ranges"] == "bytes"
    part = client.get(f"{BASE}/download.gpkg", headers={"Range": "bytes=0-99", "Accept-Encoding": "identity"})
    assert part.status_code == 206 and part.content == body[:100]


@pytest.mark.parametrize(
    "path, status",
    [
        ("/v1/plans/nowhere/versions/1/download.gpkg", 404),
        ("/v1/plans/bontang/versions/999/download.gpkg", 404),
        ("/v1/plans/bontang/versions/999/project.qgs", 404),
        ("/v1/plans/Bad_Id!/versions/1/itbx.csv", 404),
        ("/v1/plans/bontang/versions/1/download.shp", 422),
        ("/v1/plans/bontang/versions/x/download.gpkg", 422),
        ("/v1/plans/bontang/versions/0/intensity.csv", 422),
    ],
)
def test_unknown_plans_versions_and_formats_are_problems(client, sample_plan, path, status):
    r = client.get(path)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == status


def test_the_qgis_project_styles_and_labels_every_subzone(client, fetched, source_zones):
    r, path = fetched["project.qgs"]
    root = ET.fromstring(path.read_text(encoding="utf-8").split("\n", 1)[1])
    assert root.tag == "qgis"
    layers = {m.findtext("layername"): m for m in root.iter("maplayer")}
    zones = layers["zones"]
    source = zones.findtext("datasource")
    assert source == f"/vsicurl/http://testserver{BASE}/download.gpkg|layername=zones"  # RDTR_PUBLIC_URL
    assert zones.findtext("provider") == "ogr"
    renderer = zones.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "subzone_code"
    categories = {c.get("value"): c.get("symbol") for c in renderer.iter("category")}
    assert set(categories) == set(source_zones.KODSZN)
    assert len(categories) == len(renderer.findall("categories/category"))
    zone_of = dict(zip(source_zones.KODSZN, source_zones.KODZON, strict=True))
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}
    for code, symbol in categories.items():
        fill = symbols[symbol].find("layer/Option/Option[@name='color']").get("value")
        r_, g, b = (int(c) for c in fill.split(",")[:3])
        assert f"#{r_:02X}{g:02X}{b:02X}" == style.fill_color(code, zone_of[code]), code
    assert zones.get("labelsEnabled") == "1"
    assert zones.find("labeling/settings/text-style").get("fieldName") == "subzone_code"
    assert [t.get("name") for t in root.iter("layer-tree-layer")] == ["overlays", "zones"]


def test_the_project_address_comes_from_configuration_not_the_host_header(client, fetched):
    r = client.get(f"{BASE}/project.qgs", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert r.status_code == 200 and b"evil.example" not in r.content
    assert r.headers["etag"] == fetched["project.qgs"][0].headers["etag"]


def test_download_links_are_enclosures_that_answer(client, fetched):
    links = downloads.download_links("bontang", 1)
    assert {link["rel"] for link in links} == {"enclosure"}
    types = {link["type"] for link in links}
    assert {"application/geopackage+sqlite3", "application/geo+json", "application/flatgeobuf", "text/csv",
            "application/x-qgis-project"} <= types  # fmt: skip
    assert all(link["title"] for link in links)
    for link in links:
        assert link["href"].startswith("http://testserver/v1/plans/bontang/versions/1/")
        r = client.get(link["href"].removeprefix("http://testserver"))
        assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == link["type"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gdal_reads_the_geopackage_over_http_as_the_project_does(database, sample_plan, fetched, source_zones):
    """The project's data source, ``/vsicurl/`` on the download URL, read by GDAL from a real server."""
    ogrinfo = shutil.which("ogrinfo")
    uvicorn = pytest.importorskip("uvicorn")
    if ogrinfo is None:
        pytest.skip("ogrinfo (GDAL's command-line tools) is not installed")
    from api.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(database), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        url = f"/vsicurl/http://127.0.0.1:{port}{BASE}/download.gpkg"
        out = subprocess.run(
            [ogrinfo, "-ro", "-so", url, "zones"],
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".gpkg", "GDAL_HTTP_TIMEOUT": "30"},
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert out.returncode == 0, out.stderr
    assert f"Feature Count: {len(source_zones)}" in out.stdout


def test_the_csv_is_plain_utf8(fetched):
    text = fetched["itbx.csv"][1].read_text(encoding="utf-8")
    assert next(csv.reader(io.StringIO(text))) == downloads.ITBX_COLUMNS
