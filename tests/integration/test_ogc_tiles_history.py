"""OGC API – Tiles over the zones' vector tiles, and the history collections (plan versions, changes between
versions) of OGC API – Features — in-process and under ``rdtr serve`` with GDAL (MVT and OAPIF drivers).

A grid plan ``ogc-hist`` is loaded twice into this module's database: v2 drops one zone, recodes one and adds
one. The sample plan ``bontang`` (one version) is there too.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections import Counter

import orjson
import pytest
import shapely

from rdtr.answers.changes import plan_changes
from rdtr.ingest import ingest_package
from rdtr.render import tiles
from tests.browser.conftest import live_server  # noqa: F401 (the fixture: rdtr serve on this module's database)
from tests.integration.test_ogc import run_ogctests
from tests.support.ingest import grid_zones, make_package

PLAN = "ogc-hist"
ZONES = "/ogc/collections/bontang-zones"
TILESET = ZONES + "/tiles/WebMercatorQuad"
MVT = "application/vnd.mapbox-vector-tile"
DOWNLOAD_TYPES = {
    "application/geopackage+sqlite3",
    "application/geo+json",
    "application/flatgeobuf",
    "text/csv",
    "application/x-qgis-project",
}


def _v2():
    gdf = grid_zones(nx=4, ny=3)
    gdf.loc[5, ["KODSZN", "NAMSZN"]] = ["R-2", "renamed R-2"]  # recoded
    added = gdf.iloc[[0]].copy()
    x0, y0 = gdf.total_bounds[2], gdf.total_bounds[1]
    added["geometry"] = [shapely.box(x0, y0, x0 + 100, y0 + 100)]
    added["OBJECTID"] = 99
    return gdf.drop(index=3).pipe(lambda g: g._append(added, ignore_index=True))  # one removed, one added


@pytest.fixture(scope="module")
def history(fresh_database, tmp_path_factory):
    """``ogc-hist`` with two versions; returns plan_changes' diff of them (the reference)."""
    base = tmp_path_factory.mktemp(PLAN)
    ingest_package(fresh_database, make_package(base / "v1", PLAN, zones=grid_zones(nx=4, ny=3)))
    ingest_package(fresh_database, make_package(base / "v2", PLAN, effective_from="2025-01-01", zones=_v2()))
    return plan_changes(fresh_database, PLAN, 1, 2)


def _json(client, url, **params):
    r = client.get(url, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _tile_of(lon, lat, z):
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def _busy_tile(db, z: int) -> tuple[int, int]:
    """(col, row) of the tile at zoom ``z`` holding the centroid of bontang's first zone."""
    lon, lat = db.fetch_sql(
        "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_PointOnSurface(geom) c FROM zone z JOIN plan_version pv "
        "ON pv.id = z.plan_version_id WHERE pv.plan_id = 'bontang' ORDER BY z.id LIMIT 1) s"
    )[0]
    col, row = _tile_of(lon, lat, z)
    return col, row


def _zones_in_tile(db, z: int, col: int, row: int, margin: float) -> dict[int, str]:
    """{zone id: sub-zone code}, straight from the database, of bontang's zones of at least a pixel in area
    (rdtr.render.tiles' rule) that overlap the tile grown by ``margin`` (a share of its width) in more than
    a point."""
    px = tiles.pixel_size_m(z, tiles.tile_bounds_lat(z, row))
    rows = db.fetch_sql(
        """SELECT z.id, z.subzone_code FROM zone z JOIN plan_version pv ON pv.id = z.plan_version_id,
                  ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(m)s), 4326) e
           WHERE pv.plan_id = 'bontang' AND COALESCE(z.area_m2, 1e12) >= %(a)s AND z.geom && e
             AND ST_Area(ST_Intersection(z.geom, e)) > 0""",
        {"z": z, "x": col, "y": row, "m": margin, "a": px * px},
    )
    return dict(rows)


def _gdal(*args: str) -> str:
    if shutil.which(args[0]) is None:
        pytest.skip(f"GDAL's {args[0]} is not installed")
    run = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


# --- OGC API – Tiles --------------------------------------------------------------------------------------


def test_tile_matrix_set_is_web_mercator_quad(fresh_client):
    listing = _json(fresh_client, "/ogc/tileMatrixSets")["tileMatrixSets"]
    assert [t["id"] for t in listing] == ["WebMercatorQuad"]
    tms = _json(fresh_client, "/ogc/tileMatrixSets/WebMercatorQuad")
    assert tms["uri"] == "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
    assert tms["crs"] == "http://www.opengis.net/def/crs/EPSG/0/3857" and tms["orderedAxes"] == ["X", "Y"]
    m = tms["tileMatrices"]
    assert [t["id"] for t in m] == [str(z) for z in range(25)]
    # the OGC registry's values for zoom 0 and the halving rule
    assert m[0]["scaleDenominator"] == pytest.approx(559082264.0287178) and m[0]["cellSize"] == pytest.approx(
        156543.03392804097
    )
    assert m[18]["cellSize"] == pytest.approx(156543.03392804097 / 2**18) and m[18]["matrixWidth"] == 2**18
    assert m[0]["pointOfOrigin"] == pytest.approx([-20037508.342789244, 20037508.342789244])
    assert fresh_client.get("/ogc/tileMatrixSets/WorldCRS84Quad").status_code == 404
    for path in ("/ogc/tileMatrixSets", "/ogc/tileMatrixSets/WebMercatorQuad", ZONES + "/tiles", TILESET):
        page = fresh_client.get(path, params={"f": "html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path
        assert "<pre>" in page.text and "<script" not in page.text


def test_conformance_landing_and_collection_links(fresh_client, history):
    conf = _json(fresh_client, "/ogc/conformance")["conformsTo"]
    for cls in ("core", "tileset", "tilesets-list", "geodata-tilesets", "mvt"):
        assert f"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/{cls}" in conf
    landing = {link["rel"]: link["href"] for link in _json(fresh_client, "/ogc")["links"]}
    assert landing["http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"].endswith("/ogc/tileMatrixSets")
    links = _json(fresh_client, ZONES)["links"]
    tilesets = [link for link in links if link["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"]
    assert tilesets and tilesets[0]["href"].endswith(ZONES + "/tiles")
    enclosures = [link for link in links if link["rel"] == "enclosure"]
    assert DOWNLOAD_TYPES <= {link["type"] for link in enclosures}  # (and what else a version offers)
    assert all("/v1/plans/bontang/versions/1/" in link["href"] and link["title"] for link in enclosures)
    # the same links as GET /v1/plans/{id} gives for that version
    plan = _json(fresh_client, "/v1/plans/bontang")
    v1 = next(v for v in plan["versions"] if v["version"] == 1)
    assert {link["href"] for link in enclosures} == {link["href"] for link in v1["links"]}
    # ogc-hist: the version in force today is 2
    hist = [
        link for link in _json(fresh_client, f"/ogc/collections/{PLAN}-zones")["links"] if link["rel"] == "enclosure"
    ]
    assert hist and all(f"/v1/plans/{PLAN}/versions/2/" in link["href"] for link in hist)
    assert fresh_client.get("/ogc/collections/bontang-overlays/tiles").status_code == 404
    for other in ("bontang-overlays", "bontang-versions", f"{PLAN}-changes"):  # every collection has them
        got = {
            link["href"]
            for link in _json(fresh_client, f"/ogc/collections/{other}")["links"]
            if link["rel"] == "enclosure"
        }
        assert got == {link["href"] for link in (v1["links"] if other.startswith("bontang") else hist)}


def test_tileset_metadata_and_template(fresh_client):
    sets = _json(fresh_client, ZONES + "/tiles")["tilesets"]
    assert sets[0]["tileMatrixSetURI"].endswith("/WebMercatorQuad") and sets[0]["dataType"] == "vector"
    meta = _json(fresh_client, TILESET)
    assert meta["layers"][0]["id"] == "zones" and set(meta["layers"][0]["propertiesSchema"]["properties"]) == {
        "id",
        "subzone_code",
        "color",
    }
    (item,) = [link for link in meta["links"] if link["rel"] == "item"]
    assert item["templated"] is True and item["type"] == MVT
    assert item["href"].endswith(TILESET + "/{tileMatrix}/{tileRow}/{tileCol}")
    z14 = next(lim for lim in meta["tileMatrixSetLimits"] if lim["tileMatrix"] == "14")
    x1, y1, x2, y2 = _json(fresh_client, ZONES)["extent"]["spatial"]["bbox"][0]
    assert (z14["minTileCol"], z14["minTileRow"]) == _tile_of(x1, y2, 14)
    assert (z14["maxTileCol"], z14["maxTileRow"]) == _tile_of(x2, y1, 14)
    dated = _json(fresh_client, TILESET, datetime="2024-12-01")
    assert next(link for link in dated["links"] if link["rel"] == "item")["href"].endswith("?datetime=2024-12-01")
    assert fresh_client.get(TILESET, params={"datetime": "yesterday"}).status_code == 400


def test_tile_is_the_map_tile_with_the_zones_of_the_database(fresh_client, fresh_database, tmp_path):
    z = 16
    col, row = _busy_tile(fresh_database, z)
    r = fresh_client.get(f"{TILESET}/{z}/{row}/{col}")  # row (y) before column (x)
    assert r.status_code == 200 and r.headers["content-type"] == MVT, r.text
    same = fresh_client.get(f"/v1/tiles/bontang/{z}/{col}/{row}.mvt?v=1")
    assert r.content == same.content
    path = tmp_path / str(z) / str(col) / f"{row}.mvt"  # the MVT driver reads z/x/y from the path
    path.parent.mkdir(parents=True)
    path.write_bytes(r.content)
    got = orjson.loads(_gdal("ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4326", "/vsistdout/", str(path), "zones"))[
        "features"
    ]
    got_codes = {f["properties"]["mvt_id"]: f["properties"]["subzone_code"] for f in got}  # GDAL: id → mvt_id
    inside = _zones_in_tile(fresh_database, z, col, row, 0.0)
    buffered = _zones_in_tile(fresh_database, z, col, row, tiles.BUFFER / tiles.EXTENT)
    # every zone over the tile itself is in it, and nothing beyond the tile's buffer; each with its sub-zone
    assert len(inside) > 10 and inside.items() <= got_codes.items() <= buffered.items()
    assert len(got) == len(got_codes)  # each zone once
    assert all(f["properties"]["color"].startswith("#") for f in got)
    # georeferenced where the tile is: every feature's points within the tile (plus its buffer), in degrees
    lon0 = col / 2**z * 360 - 180
    for f in got[:20]:
        xs = [p[0] for ring in f["geometry"]["coordinates"] for p in (ring if f["geometry"]["type"] == "Polygon"
              else [q for r_ in ring for q in r_])]  # fmt: skip
        assert all(lon0 - 0.01 < x < lon0 + 360 / 2**z + 0.01 for x in xs)


def test_tile_datetime_and_errors(fresh_client, fresh_database):
    col, row = _busy_tile(fresh_database, 15)
    assert fresh_client.get(f"{TILESET}/15/{row}/{col}", params={"datetime": "2020-01-01"}).status_code == 204
    assert fresh_client.get(f"{TILESET}/15/{row}/{col}", params={"datetime": "2024-12-01"}).status_code == 200
    assert fresh_client.get(f"{TILESET}/5/0/0").status_code == 204  # below rdtr's first zoom: empty
    for path in (f"{TILESET}/23/0/0", f"{TILESET}/15/{2**15}/0", f"{TILESET}/15/0/x", f"{ZONES}/tiles/Other/1/0/0",
                 "/ogc/collections/nowhere-zones/tiles/WebMercatorQuad/15/0/0"):  # fmt: skip
        r = fresh_client.get(path)
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json", path
    for query in ("f=json", "v=1", "datetime=tomorrow"):
        assert fresh_client.get(f"{TILESET}/15/{row}/{col}?{query}").status_code == 400, query
    api = _json(fresh_client, "/ogc/openapi")
    assert "/collections/bontang-zones/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}" in api["paths"]


# --- versions and changes ---------------------------------------------------------------------------------


def test_history_collections_exist_where_they_should(fresh_client, history):
    ids = {c["id"] for c in _json(fresh_client, "/ogc/collections")["collections"]}
    assert {f"{PLAN}-versions", f"{PLAN}-changes", "bontang-versions"} <= ids
    assert "bontang-changes" not in ids  # one version: nothing to compare


def test_versions_collection(fresh_client, history):
    url = f"/ogc/collections/{PLAN}-versions/items"
    doc = _json(fresh_client, url)
    assert doc["numberMatched"] == doc["numberReturned"] == 2
    v1, v2 = doc["features"]
    assert (v1["id"], v2["id"]) == (1, 2)
    assert v1["properties"]["valid_from"] == "2024-01-01" and v1["properties"]["valid_to"] == "2025-01-01"
    assert v2["properties"]["valid_from"] == "2025-01-01" and v2["properties"]["valid_to"] is None
    assert v1["properties"]["zone_count"] == 12 and v2["properties"]["zone_count"] == 12
    assert v2["properties"]["loaded_at"].endswith("Z")
    assert v2["geometry"]["type"] == "Polygon"  # the version's extent
    assert DOWNLOAD_TYPES <= {link["type"] for link in v2["links"] if link["rel"] == "enclosure"}
    on = _json(fresh_client, url, datetime="2024-06-01")
    assert [f["id"] for f in on["features"]] == [1] and on["numberMatched"] == 1
    assert _json(fresh_client, url, datetime="2020-01-01")["numberMatched"] == 0
    one = _json(fresh_client, f"{url}/2")
    assert one["properties"] == v2["properties"]
    assert fresh_client.get(f"{url}/3").status_code == 404


def test_changes_collection_is_plan_changes(fresh_client, history):
    url = f"/ogc/collections/{PLAN}-changes/items"
    doc = _json(fresh_client, url, limit=100)
    expected = history["zones"]["features"]
    assert doc["numberMatched"] == len(expected) == 3
    kinds = Counter(f["properties"]["change"] for f in doc["features"])
    assert kinds == {k: n for k, n in history["summary"].items() if k != "unchanged" and n}
    assert kinds == {"added": 1, "removed": 1, "recoded": 1}
    recoded = next(f for f in doc["features"] if f["properties"]["change"] == "recoded")["properties"]
    assert (recoded["from_version"], recoded["to_version"]) == (1, 2) and recoded["after_subzone_code"] == "R-2"
    assert "subzone_code" in recoded["changed_fields"].split(",")
    assert _json(fresh_client, url, change="added")["numberMatched"] == 1
    added = _json(fresh_client, url, change="added")["features"][0]
    x1, y1, x2, y2 = shapely.geometry.shape(added["geometry"]).bounds
    box = _json(fresh_client, url, bbox=f"{x1},{y1},{x2},{y2}")
    assert 1 <= box["numberMatched"] < 3 and added["id"] in {f["id"] for f in box["features"]}
    assert _json(fresh_client, url, datetime="2024-06-01")["numberMatched"] == 0  # v1 brought no changes
    assert _json(fresh_client, url, datetime="2025-06-01")["numberMatched"] == 3
    assert _json(fresh_client, f"{url}/{added['id']}")["properties"] == added["properties"]
    utm = fresh_client.get(url, params={"crs": "http://www.opengis.net/def/crs/EPSG/0/3857", "limit": 1})
    assert shapely.geometry.shape(utm.json()["features"][0]["geometry"]).bounds[0] > 1e7  # metres, not degrees
    page = _json(fresh_client, url, limit=2, offset=2)
    assert page["numberReturned"] == 1 and page["numberMatched"] == 3
    assert fresh_client.get(url, params={"subzone_code": "R-2"}).status_code == 400  # not a filter here
    assert fresh_client.get(f"{url}/9-9").status_code == 404


def test_gdal_oapif_reads_versions_and_changes(live_server, history):  # noqa: F811
    source = f"OAPIF:{live_server}/ogc"
    listing = _gdal("ogrinfo", "-ro", "-q", source)
    assert f"{PLAN}-versions" in listing and f"{PLAN}-changes" in listing
    for layer, count in ((f"{PLAN}-versions", 2), (f"{PLAN}-changes", 3), ("bontang-versions", 1)):
        summary = _gdal("ogrinfo", "-ro", "-so", source, layer)
        assert f"Feature Count: {count}" in summary, summary
    changes = orjson.loads(_gdal("ogr2ogr", "-f", "GeoJSON", "/vsistdout/", source, f"{PLAN}-changes"))
    assert Counter(f["properties"]["change"] for f in changes["features"]) == {"added": 1, "removed": 1, "recoded": 1}


def test_ogctests_part1_core_passes_with_the_history_collections(live_server, history, tmp_path):  # noqa: F811
    run_ogctests(live_server + "/ogc", tmp_path)  # a changes collection (string ids) among them
