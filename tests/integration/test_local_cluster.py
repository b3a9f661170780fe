"""The embedded default database (rdtr.db.local): a private PostGIS cluster under $RDTR_HOME.

One throw-away cluster for the module (initdb takes a few seconds), in a deliberately deep temporary
directory: the unix-socket path limit (107 bytes) must be handled by the code, not by the test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy import create_engine, make_url, text

from rdtr.db.local import UNIX_SOCKET_PATH_MAX, LocalCluster

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cluster") / ("a-rather-long-directory-name-" * 3) / ".rdtr"


@pytest.fixture(scope="module")
def cluster(home):
    cluster = LocalCluster(home)
    yield cluster
    cluster.stop()
    # When the cluster had to live outside $RDTR_HOME (root, or a long path), clean that up too.
    for path in (cluster.data_dir, cluster.socket_dir):
        if home not in path.parents:
            shutil.rmtree(path.parent if path.name == "pgdata" else path, ignore_errors=True)


def _query(url: str, sql: str):
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql))
            return result.fetchall() if result.returns_rows else None
    finally:
        engine.dispose()


def test_home_from_environment_is_absolute(monkeypatch, tmp_path):
    monkeypatch.setenv("RDTR_HOME", "relative-home")
    monkeypatch.chdir(tmp_path)
    assert LocalCluster().home == tmp_path / "relative-home"
    monkeypatch.delenv("RDTR_HOME")
    assert LocalCluster().home == tmp_path / ".rdtr"


def test_start_creates_a_running_postgis_database(cluster):
    url = cluster.start()
    assert url.startswith("postgresql+psycopg2://rdtr@/rdtr?host=")
    assert url == cluster.url()

    parsed = make_url(url)
    socket_dir = parsed.query["host"]
    port = int(parsed.query["port"])
    assert len(f"{socket_dir}/.s.PGSQL.{port}") <= UNIX_SOCKET_PATH_MAX

    (version,) = _query(url, "SELECT postgis_version()")[0]
    assert version.startswith("3.")
    assert _query(url, "SELECT current_setting('jit')")[0][0] == "off"

    # Local tools (ogr2ogr, benchmarks) connect by TCP on 127.0.0.1.
    conn = psycopg2.connect(host="127.0.0.1", port=port, user="rdtr", dbname="rdtr", connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
            assert cur.fetchone() is not None
    finally:
        conn.close()

    status = cluster.status()
    assert status["initialised"] is True
    assert status["running"] is True
    assert status["port"] == port
    assert status["url"] == url
    assert status["postgis"] and status["postgis"].startswith("3.")
    assert status["pg_version"]


def test_start_again_is_idempotent(cluster):
    first = cluster.status()
    assert first["running"]
    assert cluster.start() == first["url"]
    assert cluster.ensure_running() == first["url"]
    # Another object for the same home sees the same cluster.
    assert LocalCluster(cluster.home).status()["port"] == first["port"]


def test_data_survives_stop_and_start(cluster):
    url = cluster.start()
    _query(url, "CREATE TABLE kept (name text); INSERT INTO kept VALUES ('survives restart')")

    cluster.stop()
    status = cluster.status()
    assert status["running"] is False
    assert status["initialised"] is True
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(host="127.0.0.1", port=status["port"], user="rdtr", dbname="rdtr", connect_timeout=2)

    assert cluster.start() == url
    assert _query(url, "SELECT name FROM kept") == [("survives restart",)]


def test_stop_is_idempotent(cluster):
    cluster.start()
    cluster.stop()
    cluster.stop()
    status = cluster.status()
    assert status["running"] is False
    assert status["url"] == cluster.url()


def test_a_fresh_home_is_neither_initialised_nor_running(tmp_path):
    cluster = LocalCluster(tmp_path / "never-started")
    status = cluster.status()
    assert status["home"] == str(tmp_path / "never-started")
    assert (status["initialised"], status["running"], status["port"], status["postgis"]) == (False, False, None, None)
    cluster.stop()  # nothing to stop: no error
    assert cluster.status()["running"] is False
    # The URL is known before the first start, and it stays the same.
    assert cluster.url() == cluster.url()
