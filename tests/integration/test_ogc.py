"""OGC API – Features at /ogc: in-process (links, paging, filters, errors, HTML, CRS) and under ``rdtr serve``
with clients nobody here wrote — the ogctests Part 1 Core suite and GDAL's OAPIF driver."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import live_server  # noqa: F401 (the fixture: rdtr serve on this module's database)
from tests.support.paths import REPO

ZONES = "/ogc/collections/bontang-zones"
ITEMS = ZONES + "/items"
GPKG = REPO / "data/zoning/bontang/pola_ruang.gpkg"
#: ogctests pins pytest<9, httpx<0.28 and pyarrow<18, which rdtr's own pins exclude: it lives in a venv of its own
OGCTESTS_PYTHON = Path(os.environ.get("RDTR_OGCTESTS_PYTHON", str(REPO / ".venv-ogctests/bin/python")))
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


@pytest.fixture(scope="module")
def sample_count() -> int:
    """The zones of the sample plan, counted from its file (not through rdtr)."""
    import geopandas as gpd

    return len(gpd.read_file(GPKG))


def _items(client, **params):
    r = client.get(ITEMS, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/geo+json"
    return r.json()


def test_landing_both_paths_no_redirect_and_links(client):
    for path in ("/ogc", "/ogc/"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        rels = {link["rel"]: link for link in r.json()["links"]}
        assert {"self", "service-desc", "conformance", "data"} <= set(rels)
        assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    api = client.get("/ogc/openapi")
    assert api.headers["content-type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert api.json()["openapi"] == "3.0.3" and "/collections/bontang-zones/items" in api.json()["paths"]


def test_conformance_and_collections(client, sample_plan):
    conf = client.get("/ogc/conformance").json()["conformsTo"]
    assert all(any(c.endswith(k) for c in conf) for k in ("/core", "/geojson", "/html", "/oas30", "/crs"))
    cols = {c["id"]: c for c in client.get("/ogc/collections").json()["collections"]}
    assert {"bontang-zones", "bontang-overlays"} <= set(cols)
    zones = cols["bontang-zones"]
    assert zones["itemType"] == "feature" and zones["crs"][0].endswith("CRS84")
    x1, y1, x2, y2 = zones["extent"]["spatial"]["bbox"][0]
    assert 117 < x1 < x2 < 118 and 0 < y1 < y2 < 1
    assert zones["extent"]["temporal"]["interval"][0][0].startswith("2024-05-01")
    # UTM 50N from the extent: SRGI2013 (EPSG:9480) where PostGIS knows it, else WGS 84 (EPSG:32650)
    assert zones["crs"][-1] in (EPSG + "9480", EPSG + "32650")
    assert client.get(ZONES).json()["extent"] == zones["extent"]


def test_paging_returns_every_feature_once(client, sample_count):
    seen, url = [], ITEMS + "?limit=1000"
    while url:
        page = client.get(url).json()
        assert page["numberReturned"] == len(page["features"])
        seen += [f["id"] for f in page["features"]]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    assert len(seen) == len(set(seen)) == page["numberMatched"] == sample_count
    assert seen == sorted(seen)


def test_feature_properties_and_one_feature(client):
    doc = _items(client, limit=3)
    assert doc["type"] == "FeatureCollection" and doc["numberReturned"] == 3 and doc["timeStamp"].endswith("Z")
    rels = {link["rel"] for link in doc["links"]}
    assert {"self", "alternate", "next", "collection"} <= rels
    feature = doc["features"][0]
    props = feature["properties"]
    for key in ("subzone_code", "subzone_name", "zone_code", "zone_name", "block", "subblock", "kelurahan"):
        assert key in props
    assert props["plan"] == "bontang" and props["version"] == 1
    one = client.get(f"{ITEMS}/{feature['id']}")
    assert one.status_code == 200 and one.headers["content-type"] == "application/geo+json"
    assert one.json()["properties"] == props and one.json()["geometry"] == feature["geometry"]
    assert {"self", "collection"} <= {link["rel"] for link in one.json()["links"]}


def test_bbox_filters_and_datetime(client, sample_count):
    everything = _items(client, limit=1)["numberMatched"]
    box = _items(client, bbox="117.455,0.09,117.465,0.10", limit=10000)
    assert 0 < box["numberMatched"] == box["numberReturned"] < everything
    code = box["features"][0]["properties"]["subzone_code"]
    same = _items(client, subzone_code=code, limit=10000)
    assert same["numberMatched"] > 0 and {f["properties"]["subzone_code"] for f in same["features"]} == {code}
    kel = box["features"][0]["properties"]["kelurahan"]
    both = _items(client, kelurahan=kel, bbox="117.455,0.09,117.465,0.10", limit=10000)
    assert 0 < both["numberMatched"] <= box["numberMatched"]
    assert _items(client, datetime="2020-01-01")["numberMatched"] == 0
    assert _items(client, datetime="2024-12-01")["numberMatched"] == sample_count
    assert _items(client, datetime="2024-12-01T10:00:00Z")["numberMatched"] == sample_count
    assert _items(client, datetime="2019-01-01/2020-01-01")["numberMatched"] == 0
    assert _items(client, datetime="../2024-06-01")["numberMatched"] == sample_count


def test_crs_part_2(client):
    utm_crs = client.get(ZONES).json()["crs"][-1]
    plain = _items(client, limit=1)["features"][0]["geometry"]["coordinates"][0][0][0]
    r = client.get(ITEMS, params={"limit": 1, "crs": utm_crs})
    assert r.headers["content-crs"] == f"<{utm_crs}>"
    x, y = r.json()["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 540_000 < x < 560_000 and 0 < y < 20_000 and abs(plain[0] - 117.45) < 0.1
    utm = client.get(ITEMS, params={"bbox": "548000,6000,549000,7000", "bbox-crs": utm_crs, "limit": 10000})
    deg = client.get(ITEMS, params={"bbox": "117.4313,0.0543,117.4403,0.0633", "limit": 10000})
    assert utm.json()["numberMatched"] > 0 and abs(utm.json()["numberMatched"] - deg.json()["numberMatched"]) <= 5
    assert client.get(ITEMS, params={"crs": EPSG + "4326"}).status_code == 400


@pytest.mark.parametrize(
    "query",
    ["ooga=booga", "limit=unlimited", "limit=0", "limit=10001", "bbox=1,2,3", "bbox=a,b,c,d", "datetime=yesterday",
     "datetime=2024-02-01/2024-01-01", "offset=-1", "f=xml", "limit=1&limit=2", "dateTime=2024-01-01"],
)  # fmt: skip
def test_invalid_or_unknown_parameters_are_400(client, query):
    r = client.get(f"{ITEMS}?{query}")
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json", r.text


def test_unknown_things_are_404(client):
    for path in ("/ogc/collections/nowhere-zones", "/ogc/collections/nowhere-zones/items", f"{ITEMS}/999999999",
                 f"{ITEMS}/not-a-number"):  # fmt: skip
        r = client.get(path)
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json", path
    assert client.get("/ogc/conformance?x=1").status_code == 400


def test_html_pages(client):
    for path in ("/ogc", "/ogc/collections", ZONES, ITEMS + "?limit=5", f"{ITEMS}/1"):
        r = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
        assert "<table" in r.text or "<ul>" in r.text
        assert not re.search(r"<script|<link|src=", r.text)  # no assets at all, let alone outside ones
    assert client.get(ITEMS, params={"f": "html", "limit": 2}).text.count("<tr>") == 3
    assert client.get("/ogc", headers={"Accept": "application/json"}).headers["content-type"] == "application/json"


def test_not_in_the_main_openapi(client):
    assert not [p for p in client.get("/openapi.json").json()["paths"] if p.startswith("/ogc")]


# --- clients nobody here wrote, against rdtr serve ---------------------------------------------------------


def run_ogctests(instance_url: str, tmp_path: Path) -> None:
    """Run ogctests' Part 1 Core suite against ``instance_url`` (the landing page); assert it all passes."""
    if not OGCTESTS_PYTHON.is_file():
        pytest.skip(
            f"ogctests is not installed at {OGCTESTS_PYTHON}: it pins pytest<9, httpx<0.28 and pyarrow<18, which "
            "conflict with rdtr's pins, so it needs its own venv (python -m venv V && V/bin/pip install "
            "ogctests==0.1.15; RDTR_OGCTESTS_PYTHON=V/bin/python)"
        )
    suite = subprocess.run(
        [str(OGCTESTS_PYTHON), "-c", "import ogctests, pathlib; print(pathlib.Path(ogctests.__file__).parent)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {**os.environ, "INSTANCE_URL": instance_url}
    run = subprocess.run(
        [str(OGCTESTS_PYTHON), "-m", "pytest", f"{suite}/features/core", "-c", str(tmp_path / "pytest.ini"),
         "--rootdir", str(tmp_path), "-p", "no:cacheprovider", "-q", "-rs", "-W", "ignore"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-4000:]
    assert " passed" in out and " failed" not in out, out[-2000:]


def test_ogctests_part1_core_passes(live_server, tmp_path):  # noqa: F811
    run_ogctests(live_server + "/ogc", tmp_path)


def _gdal(*args: str) -> str:
    if shutil.which(args[0]) is None:
        pytest.skip(f"GDAL's {args[0]} is not installed")
    run = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def test_gdal_oapif_lists_collections_and_counts(live_server, sample_count):  # noqa: F811
    source = f"OAPIF:{live_server}/ogc"
    listing = _gdal("ogrinfo", "-ro", "-q", source)
    assert "bontang-zones" in listing and "bontang-overlays" in listing
    summary = _gdal("ogrinfo", "-ro", "-so", source, "bontang-zones")
    assert f"Feature Count: {sample_count}" in summary, summary


def test_gdal_oapif_honours_bbox(live_server, client):  # noqa: F811
    import orjson

    box = ("117.455", "0.09", "117.465", "0.10")
    out = _gdal("ogr2ogr", "-f", "GeoJSON", "/vsistdout/", f"OAPIF:{live_server}/ogc", "bontang-zones", "-spat", *box)
    got = orjson.loads(out)["features"]
    expected = _items(client, bbox=",".join(box), limit=10000)["numberMatched"]
    assert 0 < len(got) == expected


def test_datetime_on_the_live_server(live_server):  # noqa: F811
    import httpx

    before = httpx.get(f"{live_server}{ITEMS}", params={"datetime": "2020-01-01"}).json()
    assert before["numberMatched"] == 0 and before["features"] == []
