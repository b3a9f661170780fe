"""Shared helpers for the map, extract and web tests: a place in the sample FILE, an officer token, a
live server. Expectations come from the sample file (pola_ruang.gpkg), read here with geopandas, never
from the database the answers come from.
"""

from __future__ import annotations

from conftest import session_db

import os
import socket
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLE_PACKAGE, TEST_OUTPUT

UTM = "EPSG:9480"  # the sample's CRS: SRGI2013 / UTM 50N


@lru_cache(maxsize=1)
def _zones_file():
    import geopandas as gpd

    return gpd.read_file(SAMPLE_PACKAGE / "pola_ruang.gpkg")


@lru_cache(maxsize=8)
def sample_place(code: str = "R-2", parcel_half_m: float = 15.0) -> dict:
    """A place well inside a zone of sub-zone ``code`` of the sample file: the zone's attributes, an
    interior point (lon/lat) at least 25 m from its edge, and a square parcel of 2 × ``parcel_half_m`` m
    around it lying wholly in that zone (GeoJSON, EPSG:4326)."""
    import geopandas as gpd
    import shapely
    from shapely.geometry import box, mapping

    zones = _zones_file()
    candidates = zones[zones["KODSZN"] == code].copy()
    candidates["_area"] = candidates.geometry.area
    for _, row in candidates.sort_values("_area", ascending=False).iterrows():
        inner = row.geometry.buffer(-max(25.0, parcel_half_m * 1.6))
        if inner.is_empty:
            continue
        pt = inner.representative_point()
        square = box(pt.x - parcel_half_m, pt.y - parcel_half_m, pt.x + parcel_half_m, pt.y + parcel_half_m)
        if not row.geometry.contains(square):
            continue
        # The same place must not lie in any other zone of the file.
        if (zones.geometry.intersects(square).sum()) != 1:
            continue
        ll = gpd.GeoSeries([pt, square], crs=UTM).to_crs(4326)
        lonlat, parcel = ll.iloc[0], ll.iloc[1]
        return {
            "subzone_code": row["KODSZN"], "subzone_name": row["NAMSZN"], "zone_code": row["KODZON"],
            "lon": lonlat.x, "lat": lonlat.y, "utm": (pt.x, pt.y),
            "parcel": {"type": "Polygon",
                       "coordinates": [[list(c) for c in shapely.Polygon(parcel).exterior.coords]]},
            "parcel_area_m2": square.area,
            "parcel_geojson": mapping(parcel),
        }
    raise AssertionError(f"no zone {code} in the sample file can hold a {2 * parcel_half_m} m square")


def sample_subzone_codes() -> set[str]:
    return set(_zones_file()["KODSZN"])


def legal_basis() -> str:
    import tomllib

    with open(SAMPLE_PACKAGE / "plan.toml", "rb") as fh:
        return tomllib.load(fh)["plan"]["legal_basis"]


@pytest.fixture(scope="session")
def officer_token(sample_plan) -> str:
    from rdtr.auth import create_token

    return create_token(session_db(), "Petugas Uji", "officer")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(db_url, sample_plan):
    """The real app under ``rdtr serve`` (granian) on a free port, on the test database; yields its base URL."""
    import httpx

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "RDTR_PUBLIC_URL"}
    env["RDTR_DATABASE_URL"] = db_url
    TEST_OUTPUT.mkdir(exist_ok=True)
    log = open(TEST_OUTPUT / "live-server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from rdtr.cli import main; main()", "serve", "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            log.close()
            raise RuntimeError(f"the server exited ({proc.returncode}); see {TEST_OUTPUT / 'live-server.log'}")
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.terminate()
            raise RuntimeError("the server did not answer /health within 60 s")
        time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def vendor_file(rel: str) -> Path:
    return REPO / "api" / "static" / "vendor" / "node_modules" / rel


def test_sample_place_is_inside_its_zone():
    """The helper's point and parcel lie in the zone they claim (checked on the file, in metres)."""
    import geopandas as gpd
    from shapely.geometry import Point, shape

    place = sample_place("R-2")
    zones = _zones_file()
    pt = gpd.GeoSeries([Point(place["lon"], place["lat"])], crs=4326).to_crs(UTM).iloc[0]
    hits = zones[zones.contains(pt)]
    assert list(hits["KODSZN"]) == ["R-2"]
    parcel = gpd.GeoSeries([shape(place["parcel"])], crs=4326).to_crs(UTM).iloc[0]
    assert abs(parcel.area - 900.0) < 5.0
