"""Read replicas (issue #14 item 1) against a real PostgreSQL streaming standby that the module makes itself.

The module starts an embedded cluster of its own in a temporary folder (rdtr.db.local.LocalCluster: migrated,
the sample plan loaded through the normal ingest) and a standby of that one alone (``pg_basebackup -R`` on
another loopback port: rdtr.db.local.replica) — not of the shared test cluster, whose other databases (other
modules', other sessions') the standby would have to replay too and fall behind on. Both are stopped and the
folder removed at the end, failed tests or not, and no postgres process of that folder may be left.
Where a query ran is read from the servers themselves: ``pg_is_in_recovery()`` through the pool a read used,
and the standby's ``pg_stat_activity`` (the last statement of each of its backends), never from rdtr's word.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import psycopg2
import pytest
import shapely
from fastapi.testclient import TestClient
from sqlalchemy import text

from rdtr.answers import sql
from rdtr.auth import create_token
from rdtr.config import get_settings
from rdtr.db import Database, upgrade
from rdtr.db.replicas import parse_lsn
from tests.support.ingest import make_package, to_lonlat
from tests.support.paths import SAMPLE_PACKAGE

NEW_PLAN = "replica-city"
#: the bound of every wait: the module's own standby replays only this module's WAL (a load of the small
#: sample plan is the most), so a healthy one catches up in well under a second
WAIT_S = 30.0


def _wait(what: str, predicate, detail=lambda: "", timeout: float = WAIT_S, every: float = 0.1) -> None:
    """Wait until ``predicate()`` holds, at most ``timeout`` s; else fail saying what was awaited."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:g} s for {what}; it did not happen ({detail()})")
        time.sleep(every)


def _postgres_of(folder: Path) -> list[str]:
    """The command lines of processes that run in ``folder`` (its servers: ``postgres -D <folder>/…``)."""
    out = subprocess.run(["pgrep", "-a", "-f", str(folder)], capture_output=True, text=True)
    return out.stdout.splitlines()


@pytest.fixture(scope="module")
def cluster():
    """``(primary URL, standby)``: the module's own embedded cluster (migrated, sample plan loaded) and its
    running standby, with RDTR_DATABASE_URL on the primary; both stopped and removed at the module's end."""
    if os.environ.get("RDTR_TEST_DATABASE_URL"):
        pytest.skip("the standby is a pg_basebackup of an embedded cluster; RDTR_TEST_DATABASE_URL is set")
    from rdtr.db.local import LocalCluster
    from rdtr.db.local.replica import LocalReplica
    from rdtr.ingest import ingest_package

    home = Path(tempfile.mkdtemp(prefix="rdtr-replicas-"))
    home.chmod(0o755)  # the server user (postgres, when we are root) keeps its data and socket in here
    primary = LocalCluster(home)
    standby = None
    try:
        with pytest.MonkeyPatch.context() as mp:
            url = primary.start()
            mp.setenv("RDTR_DATABASE_URL", url)
            get_settings.cache_clear()
            upgrade(url)
            with Database(url) as db:
                ingest_package(db, SAMPLE_PACKAGE)
            standby = LocalReplica(primary, base=home / "standby").start()
            yield url, standby
    finally:
        get_settings.cache_clear()
        try:
            if standby is not None:
                standby.remove()
        finally:
            primary.stop()
            left = _postgres_of(home)
            shutil.rmtree(home, ignore_errors=True)
        assert not left, f"postgres processes of {home} left running: {left}"


@pytest.fixture(scope="module")
def replica(cluster):
    """The running standby (rdtr.db.local.replica.LocalReplica)."""
    return cluster[1]


@pytest.fixture(scope="module")
def dbname() -> str:
    """The database the module uses on both servers (the embedded cluster's own)."""
    from rdtr.db.local import DB_NAME

    return DB_NAME


def _standby_sql(replica, dbname: str, statement: str, params=()):
    """One statement on the standby over a connection of the test's own (the cluster's superuser)."""
    conn = psycopg2.connect(host="127.0.0.1", port=replica.port, user="rdtr", dbname=dbname)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


FIRST_ZONE_POINT = "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM zone ORDER BY id LIMIT 1) z"


@pytest.fixture(scope="module")
def point(cluster) -> dict:
    """``{lon, lat}`` of a point on the sample's first zone, read from the primary."""
    with Database(cluster[0]) as db:
        ((lon, lat),) = db.fetch_sql(FIRST_ZONE_POINT)
    return {"lon": round(lon, 7), "lat": round(lat, 7)}


@pytest.fixture(scope="module")
def settings_for_replicas(cluster):
    """Checks every 0.2 s; a lag bound of 30 s (the lagging test makes its own Database with a short one)."""
    s = get_settings()
    saved = (s.replica_check_s, s.replica_max_lag_s)
    s.replica_check_s, s.replica_max_lag_s = 0.2, 30.0
    yield s
    s.replica_check_s, s.replica_max_lag_s = saved


@pytest.fixture(scope="module")
def replicated(cluster, replica, dbname, settings_for_replicas):
    """The module's database on the primary, with the standby as its read replica."""
    with Database(cluster[0], replica_urls=[replica.url(dbname)]) as db:
        db.check_replicas()
        yield db


@pytest.fixture(scope="module")
def api(replicated):
    """The HTTP API in-process on the replicated Database."""
    from api.app import create_app

    with TestClient(create_app(replicated)) as c:
        yield c


@pytest.fixture(scope="module")
def admin(replicated):
    return {"Authorization": f"Bearer {create_token(replicated, 'replica-admin', 'admin')}"}


def _zip_bytes(root: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(root).as_posix())
    return buf.getvalue()


def _new_plan_point() -> dict:
    pt = to_lonlat(shapely.Point(555_050.0, 10_050.0))  # inside the grid's first zone
    return {"lon": round(pt.x, 7), "lat": round(pt.y, 7), "plan": NEW_PLAN}


def _reads_the_replica(db: Database) -> bool:
    """Check the replicas now; whether a read would use one (it is up, in bound, has replayed our writes)."""
    db.check_replicas()
    return db.reader() is not db


def _status_is(db: Database, status: str) -> bool:
    """Check the replica now; whether it is ``status`` (ok, lagging, down)."""
    db.check_replicas()
    return db.replicas[0].status == status


def test_answers_come_from_the_replica_and_writes_from_the_primary(replicated, api, replica, dbname, admin, point):
    # the standby is up and has replayed this process's own writes (the admin token) within a check or two
    _wait(
        "the standby to be checked ok and to replay this process's writes",
        lambda: _reads_the_replica(replicated),
        lambda: replicated.replicas[0].health(),
    )
    reader = replicated.reader()
    assert reader.fetch_sql("SELECT pg_is_in_recovery()") == [(True,)]
    assert replicated.fetch_sql("SELECT pg_is_in_recovery()") == [(False,)]
    # the standby holds the primary's zones: the same point on the same first zone
    ((lon, lat),) = _standby_sql(replica, dbname, FIRST_ZONE_POINT)
    assert {"lon": round(lon, 7), "lat": round(lat, 7)} == point
    # the point query runs on the standby: one of its backends in this database last ran it. The monitor's
    # check (every 0.2 s, on the same pool) may reuse that backend before we look, so a few tries, bounded.
    for _ in range(5):
        got = api.get("/v1/zoning", params=point)
        assert got.status_code == 200 and got.json()["covered"] is True
        last = _standby_sql(
            replica,
            dbname,
            "SELECT query FROM pg_stat_activity WHERE datname = %s AND application_name = 'rdtr'",
            (dbname,),
        )
        if any(q.startswith(f"EXECUTE {sql.POINT.name}") for (q,) in last):
            break
    else:
        pytest.fail(f"no backend of the standby ran the point query in 5 answers; their last statements: {last}")
    # a write goes to the primary (a standby refuses it) and advances the process's read-after location
    before = replicated.written_lsn
    create_token(replicated, "replica-officer", "officer")
    assert replicated.written_lsn > before
    with pytest.raises(Exception, match="read-only transaction"), reader.engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE written_here (a int)"))


def test_a_fresh_upload_is_answerable_at_once(replicated, api, replica, dbname, admin, tmp_path):
    other_node = Database(replicated.url, replica_urls=[replica.url(dbname)])  # same replica, no writes
    try:
        _standby_sql(replica, dbname, "SELECT pg_wal_replay_pause()")  # the standby falls behind from here
        data = _zip_bytes(make_package(tmp_path / "pkg", NEW_PLAN))
        up = api.post("/v1/plans", files={"package": ("p.zip", data, "application/zip")}, headers=admin)
        assert up.status_code == 201, up.text
        read_after = up.headers["x-rdtr-read-after"]
        assert parse_lsn(read_after) <= parse_lsn(replicated.fetch_sql("SELECT pg_current_wal_lsn()::text")[0][0])
        # the same client at once: this process wrote it, so the answer comes from the primary
        got = api.get("/v1/zoning", params=_new_plan_point())
        assert got.status_code == 200, got.text
        assert {z["plan"]["id"] for z in got.json()["zones"]} == {NEW_PLAN}
        # another node (which wrote nothing) reads the paused standby: the plan is not there yet ...
        from api.app import create_app

        other_node.check_replicas()
        assert other_node.replicas[0].status == "ok" and other_node.reader() is not other_node
        with TestClient(create_app(other_node)) as elsewhere:
            stale = elsewhere.get("/v1/zoning", params=_new_plan_point())
            assert stale.status_code == 404 and NEW_PLAN in stale.json()["detail"]
            # ... unless the caller brings the write's location: then the primary answers
            fresh = elsewhere.get("/v1/zoning", params=_new_plan_point(), headers={"X-Rdtr-Read-After": read_after})
            assert fresh.status_code == 200 and fresh.json()["zones"][0]["plan"]["id"] == NEW_PLAN
            bad = elsewhere.get("/v1/zoning", params=_new_plan_point(), headers={"X-Rdtr-Read-After": "yesterday"})
            assert bad.status_code == 422 and "WAL location" in bad.json()["detail"]
            _standby_sql(replica, dbname, "SELECT pg_wal_replay_resume()")
            # once replayed, reads go back to the standby, and it has the new plan
            _wait(
                "the resumed standby to replay the upload",
                lambda: _reads_the_replica(replicated),
                lambda: replicated.replicas[0].health(),
            )
            other_node.check_replicas()
            again = elsewhere.get("/v1/zoning", params=_new_plan_point())
            assert again.status_code == 200 and again.json()["zones"][0]["plan"]["id"] == NEW_PLAN
    finally:
        _standby_sql(replica, dbname, "SELECT pg_wal_replay_resume()")
        other_node.close()


def test_a_replica_lagging_beyond_the_bound_is_skipped(replicated, replica, dbname, settings_for_replicas):
    settings_for_replicas.replica_max_lag_s = 0.5
    try:
        strict = Database(replicated.url, replica_urls=[replica.url(dbname)])
    finally:
        settings_for_replicas.replica_max_lag_s = 30.0
    try:
        _wait("the standby to be within 0.5 s", lambda: _status_is(strict, "ok"), strict.replicas[0].health)
        _standby_sql(replica, dbname, "SELECT pg_wal_replay_pause()")
        create_token(replicated, "replica-lag", "officer")  # WAL the standby does not replay
        _wait(
            "the paused standby to lag beyond 0.5 s", lambda: _status_is(strict, "lagging"), strict.replicas[0].health
        )
        assert strict.replicas[0].lag_s > 0.5
        assert strict.reader() is strict  # skipped: the primary answers
        _standby_sql(replica, dbname, "SELECT pg_wal_replay_resume()")
        _wait("the resumed standby to catch up", lambda: _status_is(strict, "ok"), strict.replicas[0].health)
        assert strict.reader() is not strict
    finally:
        _standby_sql(replica, dbname, "SELECT pg_wal_replay_resume()")
        strict.close()


def test_health_lists_the_replica_and_stopping_it_loses_no_answer(replicated, api, replica, point):
    _wait("the standby to be in use", lambda: _reads_the_replica(replicated), replicated.replicas[0].health)
    health = api.get("/health").json()
    assert health["database"] == "ok"
    assert [(r["name"], r["status"]) for r in health["replicas"]] == [
        (f"127.0.0.1:{replica.port}/" + replicated.engine.url.database, "ok")
    ]
    assert isinstance(health["replicas"][0]["lag_s"], float)
    before = api.get("/v1/zoning", params=point).json()
    places_before = api.get("/v1/places", params={"q": "Bontang Utara"}).json()
    replica.stop()
    # at once, before any check noticed: the read on the dead standby falls back to the primary
    after = api.get("/v1/zoning", params=point)
    assert after.status_code == 200 and after.json() == before
    places = api.get("/v1/places", params={"q": "Bontang Utara"})
    assert places.status_code == 200 and places.json() == places_before
    replicated.check_replicas()
    down = api.get("/health")
    assert down.status_code == 200
    assert down.json()["replicas"][0]["status"] == "down" and down.json()["replicas"][0]["lag_s"] is None
    assert replicated.reader() is replicated
    assert api.get("/v1/zoning", params=point).json() == before


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The Web Mercator tile ``(x, y)`` holding a point at zoom ``z``."""
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def test_tiles_and_features_fall_back_when_the_replica_dies_between_checks(cluster, replica, dbname, api, point):
    """A read through the engine (tiles, OGC features) on a replica that died since the last check is
    answered by the primary, not a 503 — on nodes whose replica no check has found down."""
    from api.app import create_app

    replica.start()  # the previous test stopped it
    x, y = _tile_of(point["lon"], point["lat"], 19)  # above the archives' zooms: rendered by ST_AsMVT
    paths = {
        "tile": f"/v1/tiles/bontang/19/{x}/{y}.mvt",
        "tilejson": "/v1/tiles/bontang.json",
        "zones": "/v1/zones.geojson?bbox={},{},{},{}&plan=bontang&zoom=16".format(
            point["lon"] - 0.002, point["lat"] - 0.002, point["lon"] + 0.002, point["lat"] + 0.002
        ),
    }
    collections = api.get("/ogc/collections").json()["collections"]
    zones_id = next(c["id"] for c in collections if c["id"].startswith("bontang") and "zone" in c["id"])
    paths["ogc items"] = f"/ogc/collections/{zones_id}/items?limit=5"
    paths["ogc tile"] = f"/ogc/collections/{zones_id}/tiles/WebMercatorQuad/19/{y}/{x}"
    expected = {name: api.get(path) for name, path in paths.items()}  # the primary answers (replica was down)
    assert expected["tile"].status_code == 200 and expected["tile"].content, expected["tile"].status_code
    assert expected["ogc items"].json()["numberReturned"] == 5
    nodes = {name: Database(cluster[0], replica_urls=[replica.url(dbname)]) for name in paths}
    try:
        for node in nodes.values():
            node._monitor.stop()  # no background checks: only this test's checks and a failed read change status
            _wait("a new node to find the standby ok", lambda n=node: _reads_the_replica(n), node.replicas[0].health)
        replica.stop()
        for name, path in paths.items():
            node = nodes[name]
            assert node.replicas[0].status == "ok"  # the dead standby is not known down yet ...
            with TestClient(create_app(node)) as c:
                got = c.get(path)
            assert got.status_code == expected[name].status_code, (name, got.status_code, got.text[:200])
            if name == "ogc items":  # its timeStamp is the time of the answer
                assert {**got.json(), "timeStamp": 0} == {**expected[name].json(), "timeStamp": 0}
            else:
                assert got.content == expected[name].content, name
            assert node.replicas[0].status == "down", name  # ... until this read failed on it
    finally:
        for node in nodes.values():
            node.close()
