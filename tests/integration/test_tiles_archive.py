"""Per-version PMTiles archives: the tiles written once, served from the archive, offered for download.

Read-only on the shared database (the sample plan ``bontang``, version 1); archives are built into a folder of
this module's own (``RDTR_DOWNLOADS_DIR``)."""

from __future__ import annotations

import math
import threading
import time

import pyogrio
import pytest
from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import TileType

from rdtr import downloads
from rdtr.render import tile_archive, tiles
from tests.support.maps import sample_place

BASE = "/v1/plans/bontang/versions/1"
IMMUTABLE = "public, max-age=31536000, immutable"


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


@pytest.fixture(scope="module", autouse=True)
def downloads_dir(db_url, tmp_path_factory):
    """This module's own cache folder; archives are built only when a test asks (no background build)."""
    from rdtr.config import get_settings

    s = get_settings()
    saved = s.downloads_dir, s.tile_archive_on_first_use
    s.downloads_dir = tmp_path_factory.mktemp("downloads")
    s.tile_archive_on_first_use = False
    yield s.downloads_dir
    s.downloads_dir, s.tile_archive_on_first_use = saved
    tile_archive.READERS.clear()


@pytest.fixture(scope="module")
def place(sample_plan):
    return sample_place("R-2")


@pytest.fixture(scope="module")
def archive(client, sample_plan, tmp_path_factory):
    """The archive downloaded once: ``(response, saved path, builds before, seconds the build took)``."""
    before = downloads.BUILDS["pmtiles"]
    started = time.perf_counter()
    r = client.get(f"{BASE}/tiles.pmtiles")
    took = time.perf_counter() - started
    assert r.status_code == 200, r.text[:300]
    path = tmp_path_factory.mktemp("fetched") / "bontang-v1-tiles.pmtiles"
    path.write_bytes(r.content)
    return r, path, before, took


def _zones_in(tile: bytes, z: int, x: int, y: int, folder) -> list[tuple[int, str]]:
    """``(id, subzone_code)`` of the features of an MVT tile, decoded by GDAL's MVT driver."""
    path = folder / f"{z}-{x}-{y}.mvt"
    path.write_bytes(tile)
    frame = pyogrio.read_dataframe(path, layer="zones", X=str(x), Y=str(y), Z=str(z))
    return sorted(zip(frame["mvt_id"].astype(int), frame["subzone_code"], strict=True))


def test_the_download_is_a_pmtiles_archive_of_the_version(archive, database, sample_plan):
    r, path, before, took = archive
    assert r.headers["content-type"] == "application/vnd.pmtiles"
    assert r.headers["cache-control"] == IMMUTABLE and r.headers["etag"].startswith('"')
    assert 'filename="bontang-v1-tiles.pmtiles"' in r.headers["content-disposition"]
    assert downloads.BUILDS["pmtiles"] == before + 1
    with open(path, "rb") as f:
        reader = Reader(MmapSource(f))
        header, meta = reader.header(), reader.metadata()
    assert header["tile_type"] == TileType.MVT
    assert (header["min_zoom"], header["max_zoom"]) == (tiles.MIN_ZOOM, tile_archive.archive_max_zoom()) == (10, 18)
    box = downloads.find_version(database, "bontang", 1)["bbox"]
    got = [header[k] / 1e7 for k in ("min_lon_e7", "min_lat_e7", "max_lon_e7", "max_lat_e7")]
    assert got == pytest.approx(list(box), abs=1e-6)
    assert meta["vector_layers"][0]["id"] == "zones" and meta["plan"] == {"id": "bontang", "version": 1}
    assert header["addressed_tiles_count"] > 2_000  # every non-empty tile z10–18 of the city


def test_the_archive_tile_holds_the_same_zones_as_st_asmvt(archive, database, sample_plan, place, tmp_path):
    _, path, _, _ = archive
    pv = sample_plan.plan_version_id
    with open(path, "rb") as f:
        reader = Reader(MmapSource(f))
        for z in (12, 14, 16, 18):
            x, y = _tile(place["lon"], place["lat"], z)
            stored = reader.get(z, x, y)
            rendered = tiles.render_mvt(database, pv, z, x, y)
            assert stored and rendered
            zones = _zones_in(stored, z, x, y, tmp_path)
            assert zones == _zones_in(rendered, z, x, y, tmp_path)
            assert place["subzone_code"] in {code for _, code in zones}
            assert stored == rendered  # byte for byte: the archive holds what ST_AsMVT gave


def test_the_archive_is_built_once(client, database, archive):
    r, _, before, _ = archive
    target = downloads.cached_path(downloads.find_version(database, "bontang", 1), "pmtiles")
    assert target is not None and target.parent == downloads.cache_dir()
    mtime = target.stat().st_mtime_ns
    again = client.get(f"{BASE}/tiles.pmtiles")
    assert again.status_code == 200 and again.headers["etag"] == r.headers["etag"]
    assert client.get(f"{BASE}/tiles.pmtiles", headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    assert target.stat().st_mtime_ns == mtime and downloads.BUILDS["pmtiles"] == before + 1


def test_ranges_read_the_header_as_the_pmtiles_client_does(client, archive):
    r, _, _, _ = archive
    part = client.get(f"{BASE}/tiles.pmtiles", headers={"Range": "bytes=0-126", "Accept-Encoding": "identity"})
    assert part.status_code == 206 and len(part.content) == 127
    assert part.content[:7] == b"PMTiles" and part.content[7] == 3  # PMTiles v3
    assert part.content == r.content[:127]
    assert part.headers["content-range"] == f"bytes 0-126/{len(r.content)}"
    head = client.head(f"{BASE}/tiles.pmtiles")
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(r.content)


def test_tiles_are_served_from_the_archive_with_immutable_headers(client, archive, place, sample_plan):
    z = 16
    x, y = _tile(place["lon"], place["lat"], z)
    url = f"/v1/tiles/bontang/{z}/{x}/{y}.mvt?v=1&s=1"
    reads = tile_archive.READS
    r = client.get(url, headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and tile_archive.READS == reads + 1, "the tile was not read from the archive"
    assert r.headers["cache-control"] == IMMUTABLE
    assert r.headers["etag"] == f'"pv{sample_plan.plan_version_id}-s{tiles.STYLE_VERSION}-{z}-{x}-{y}"'
    assert place["subzone_code"].encode() in r.content
    assert client.get(url, headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    # A tile of the archive's extent without zones is empty (204), as when rendered.
    assert client.get("/v1/tiles/bontang/16/0/0.mvt?v=1").status_code == 204


def test_tiles_above_the_archive_zoom_are_rendered(client, database, archive, place, sample_plan):
    z = tile_archive.archive_max_zoom() + 2
    x, y = _tile(place["lon"], place["lat"], z)
    reads = tile_archive.READS
    r = client.get(f"/v1/tiles/bontang/{z}/{x}/{y}.mvt?v=1", headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and tile_archive.READS == reads
    assert r.content == tiles.render_mvt(database, sample_plan.plan_version_id, z, x, y)


def test_the_first_tile_request_builds_the_archive_in_the_background(
    client, database, sample_plan, place, settings, tmp_path
):
    settings.downloads_dir = tmp_path
    settings.tile_archive_on_first_use = True
    settings.tile_archive_max_zoom = 16  # a smaller archive: this test is about when it is built
    x, y = _tile(place["lon"], place["lat"], 15)
    url = f"/v1/tiles/bontang/15/{x}/{y}.mvt?v=1"
    reads = tile_archive.READS
    first = client.get(url, headers={"Accept-Encoding": "identity"})
    assert first.status_code == 200 and tile_archive.READS == reads  # rendered while the archive is built
    key = (str(tmp_path.resolve()), sample_plan.plan_version_id)
    assert key in tile_archive.STARTED
    assert not tile_archive.start_build(database, sample_plan.plan_version_id)  # never a second build
    ver = downloads.find_version(database, "bontang", 1)
    deadline = time.monotonic() + 240
    while downloads.cached_path(ver, "pmtiles") is None:
        assert time.monotonic() < deadline, "the background build did not finish"
        time.sleep(0.5)
    time.sleep(tile_archive.MISSING_RECHECK_S)
    again = client.get(url, headers={"Accept-Encoding": "identity"})
    assert again.status_code == 200 and tile_archive.READS == reads + 1
    assert again.content == first.content


def test_concurrent_builds_write_the_archive_once(database, sample_plan, settings, tmp_path):
    settings.downloads_dir = tmp_path
    settings.tile_archive_max_zoom = 14
    before = downloads.BUILDS["pmtiles"]
    results, errors = [], []

    def fetch():
        try:
            results.append(downloads.download(database, "bontang", 1, "pmtiles").sha256)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 3 and len(set(results)) == 1
    assert downloads.BUILDS["pmtiles"] == before + 1


def test_tilejson_and_the_plan_link_the_archive(client, archive):
    tj = client.get("/v1/tiles/bontang.json", params={"v": 1}).json()
    assert tj["pmtiles"] == f"http://testserver{BASE}/tiles.pmtiles"
    plan = client.get("/v1/plans/bontang").json()
    links = next(v for v in plan["versions"] if v["version"] == 1)["links"]
    pm = [link for link in links if link["type"] == "application/vnd.pmtiles"]
    assert [link["href"] for link in pm] == [f"http://testserver{BASE}/tiles.pmtiles"] and pm[0]["rel"] == "enclosure"


@pytest.mark.parametrize(
    "tail, cache_control",
    [("download.csv", IMMUTABLE), ("itbx.csv", IMMUTABLE), ("project.qgs", "public, max-age=86400")],
)
def test_bulk_downloads_are_immutable_except_the_project(client, sample_plan, tail, cache_control):
    r = client.get(f"{BASE}/{tail}")
    assert r.status_code == 200 and r.headers["cache-control"] == cache_control


def test_an_unknown_version_has_no_archive(client, sample_plan):
    r = client.get("/v1/plans/bontang/versions/99/tiles.pmtiles")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
