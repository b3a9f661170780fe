"""Files from outside are opened only as the formats rdtr reads: a VRT (or GML, or anything naming other
files or URLs) dressed as a .kml/.geojson is refused on every route and command, and nothing it names is
read or requested. The refused loads record their runs: the module runs on a database of its own."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rdtr.cli import app
from rdtr.safe_open import UnsafeInput, kind_of

SAMPLE_PACKAGE = Path(__file__).resolve().parents[2] / "data" / "zoning" / "bontang"
SECRET_FEATURE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"secret": "s3cr3t"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[117.47, 0.096], [117.471, 0.096], [117.471, 0.097], [117.47, 0.097], [117.47, 0.096]]
                ],
            },
        }
    ],
}


@pytest.fixture()
def listener():
    """A local HTTP server that records every request it gets (nothing may reach it)."""
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            seen.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()


def vrt(source: str) -> str:
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>{source}</SrcDataSource>'
        "</OGRVRTLayer></OGRVRTDataSource>"
    )


@pytest.fixture()
def traps(tmp_path, listener):
    """Files that name a secret file on the server and a URL, in the disguises an attacker would use."""
    url, _ = listener
    secret = tmp_path / "secret.geojson"
    secret.write_text(json.dumps(SECRET_FEATURE))
    return {
        "file.kml": vrt(str(secret)),
        "url.kml": vrt(f"/vsicurl/{url}/leak.geojson"),
        "file.geojson": vrt(str(secret)),
        "gml.kml": f'<?xml version="1.0"?><FeatureCollection xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<member xlink:href="{url}/gml"/></FeatureCollection>',
        "entity.kml": f'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file://{secret}">]><kml>&x;</kml>',
    }


@pytest.mark.parametrize("name", ["file.kml", "url.kml", "file.geojson", "gml.kml", "entity.kml"])
def test_convert_refuses_reference_following_content(client, sample_plan, traps, listener, name):
    r = client.post("/v1/parcels/convert", files={"file": (name, traps[name].encode(), "application/octet-stream")})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "s3cr3t" not in r.text and "/tmp" not in r.json()["detail"]
    assert listener[1] == [], "nothing may be requested"


def test_a_zipped_vrt_is_refused_too(client, sample_plan, traps, tmp_path, listener):
    z = tmp_path / "parcel.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("parcel.geojson", traps["url.kml"])
    r = client.post("/v1/parcels/convert", files={"file": ("parcel.zip", z.read_bytes(), "application/zip")})
    assert r.status_code == 422 and "VRT" in r.json()["detail"]
    assert listener[1] == []


@pytest.mark.parametrize("name", ["file.kml", "url.kml"])
def test_cli_analyze_and_extract_refuse_it(sample_plan, traps, tmp_path, listener, name):
    path = tmp_path / name
    path.write_text(traps[name])
    for args in (
        ["analyze", str(path), "--json"],
        ["extract", str(path), "--activity", "A001", "--out", str(tmp_path / "x.pdf"), "--officer", "t"],
    ):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.output
        assert "VRT" in result.output and "s3cr3t" not in result.output
    assert listener[1] == []


def test_cli_refuses_urls_and_virtual_paths(sample_plan, listener):
    url, seen = listener
    for target in (f"/vsicurl/{url}/x.geojson", f"{url}/x.geojson", "PG:dbname=rdtr"):
        result = CliRunner().invoke(app, ["analyze", target, "--json"])
        assert result.exit_code != 0 and "not a file name" in result.output, target
    assert seen == []


def test_a_plan_package_whose_zone_layer_is_a_vrt_is_refused(fresh_database, traps, tmp_path, listener):
    from rdtr.errors import PackageError
    from rdtr.ingest import ingest_package

    pkg = tmp_path / "pkg"
    shutil.copytree(SAMPLE_PACKAGE, pkg)
    (pkg / "pola_ruang.gpkg").write_text(traps["url.kml"])
    with pytest.raises(PackageError) as caught:
        ingest_package(fresh_database, pkg, dry_run=True)
    messages = json.dumps(caught.value.report)
    assert "VRT" in messages and listener[1] == []


def test_the_sniffer_names_what_it_sees():
    assert kind_of(b"SQLite format 3\x00" + b"\x00" * 52 + b"GPKG", "a.gpkg") == "GPKG"
    assert kind_of(b'\xef\xbb\xbf  {"type": "FeatureCollection"', "a.json") == "GeoJSON"
    assert kind_of(b'<?xml version="1.0"?>\n<!-- hi --><kml xmlns="http://www.opengis.net/kml/2.2">', "a.kml") == "KML"
    assert kind_of(b"\x00\x00\x27\x0a" + b"\x00" * 96, "a.shp") == "ESRI Shapefile"
    for head, name in (
        (b"<OGRVRTDataSource>", "a.kml"),
        (b"SQLite format 3\x00" + b"\x00" * 60, "a.gpkg"),
        (b"PK\x03\x04", "a.kml"),
        (b"\x00\x00\x00\x00", "a.shp"),
    ):
        with pytest.raises(UnsafeInput):
            kind_of(head, name)
