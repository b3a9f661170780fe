"""The per-version cache is a bounded LRU (``RDTR_VERSION_CACHE_SIZE``): a process answering over many plans
keeps the most recently used versions, and an evicted version answers right when it is asked again.

The module loads plans: it runs on a database of its own (``fresh_database``)."""

from __future__ import annotations

import pytest

from rdtr.answers import analyze, zoning_at
from rdtr.config import get_settings
from rdtr.db import Database
from tests.support.ingest import ORIGIN, grid_zones, make_package, to_lonlat

#: Three plans side by side, 5 km apart (none overlaps another), each with its own sub-zone in its first
#: square: a right answer after an eviction must name that plan and that sub-zone.
PLANS = {"cache-a": "R-3", "cache-b": "K-1", "cache-c": "RTH-2"}


def _origin(k: int) -> tuple[float, float]:
    return ORIGIN[0] + 5_000.0 * (k + 1), ORIGIN[1]


@pytest.fixture(scope="module")
def plans(fresh_database, tmp_path_factory):
    """plan id → (lon, lat) of the centre of its first square; the versions' ids by plan."""
    import shapely

    from rdtr.ingest import ingest_package

    base = tmp_path_factory.mktemp("version-cache")
    points, versions = {}, {}
    for k, (plan_id, code) in enumerate(PLANS.items()):
        codes = [code] + ["R-2"] * 11
        zones = grid_zones(origin=_origin(k), codes=codes)
        result = ingest_package(fresh_database, make_package(base / plan_id, plan_id, zones=zones, overlay=False))
        versions[plan_id] = result.plan_version_id
        x, y = _origin(k)
        centre = to_lonlat(shapely.Point(x + 50.0, y + 50.0))
        points[plan_id] = (centre.x, centre.y)
    return points, versions


@pytest.fixture
def bounded_db(fresh_database, monkeypatch):
    """A Database whose version cache holds at most two versions, set as an operator would (the variable)."""
    monkeypatch.setenv("RDTR_VERSION_CACHE_SIZE", "2")
    get_settings.cache_clear()
    try:
        with Database(fresh_database.url, pool_size=2) as db:
            yield db
    finally:
        monkeypatch.delenv("RDTR_VERSION_CACHE_SIZE")
        get_settings.cache_clear()


def _answer(db, point, plan_id) -> tuple[str, str]:
    zones = zoning_at(db, *point, plan=plan_id)["zones"]
    assert len(zones) == 1, zones
    return zones[0]["plan"]["id"], zones[0]["subzone_code"]


def test_a_bounded_cache_evicts_the_least_recently_used_version_and_still_answers(bounded_db, plans):
    points, versions = plans
    cache = bounded_db.versions
    assert cache.max_versions == 2
    a, b, c = (versions[p] for p in PLANS)

    assert _answer(bounded_db, points["cache-a"], "cache-a") == ("cache-a", "R-3")
    assert _answer(bounded_db, points["cache-b"], "cache-b") == ("cache-b", "K-1")
    assert _answer(bounded_db, points["cache-a"], "cache-a") == ("cache-a", "R-3")  # a is now the most recent
    assert _answer(bounded_db, points["cache-c"], "cache-c") == ("cache-c", "RTH-2")
    # b was the least recently used: it went, a and c stayed
    assert cache.held() == 2
    assert set(cache._versions) == {a, c}

    # asked again after its eviction, b answers right (read again), and now a is the one that goes
    assert _answer(bounded_db, points["cache-b"], "cache-b") == ("cache-b", "K-1")
    assert set(cache._versions) == {c, b}
    assert cache.get(b).plan_id == "cache-b"

    # a parcel over plan a after its eviction: the same plan, sub-zone and ITBX class as the point says
    lon, lat = points["cache-a"]
    d = 0.0001
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
    answer = analyze(bounded_db, {"type": "Polygon", "coordinates": [ring]}, activity="A001", plan="cache-a")
    assert [(z["plan"]["id"], z["subzone_code"]) for z in answer["zones"]] == [("cache-a", "R-3")]
    assert answer["zones"][0]["activity"]["class"] == "I"  # A001 on R-3 in tests.support.ingest.ACTIVITIES
    assert cache.held() == 2 and a in cache._versions


def test_size_zero_keeps_every_version(fresh_database, plans, monkeypatch):
    points, versions = plans
    monkeypatch.setenv("RDTR_VERSION_CACHE_SIZE", "0")
    get_settings.cache_clear()
    try:
        with Database(fresh_database.url, pool_size=2) as db:
            for plan_id, code in PLANS.items():
                assert _answer(db, points[plan_id], plan_id) == (plan_id, code)
            assert set(db.versions._versions) == set(versions.values())
    finally:
        get_settings.cache_clear()


def test_a_negative_size_is_refused(monkeypatch):
    monkeypatch.setenv("RDTR_VERSION_CACHE_SIZE", "-1")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="version_cache_size"):
            get_settings()
    finally:
        monkeypatch.delenv("RDTR_VERSION_CACHE_SIZE")
        get_settings.cache_clear()
