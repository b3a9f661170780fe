"""Shared fixtures: a real PostGIS (the embedded cluster), a fresh test database, the sample plan loaded.

Tests run against real PostGIS, never a mock. The cluster lives under ``.rdtr-test`` in the repository
(or ``$RDTR_TEST_HOME``); each test session gets a freshly created database in it.
When ``RDTR_TEST_DATABASE_URL`` points at a server, that server is used instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_PACKAGE = REPO / "data" / "zoning" / "bontang"
SHARED_REAL = (REPO.parent / "shared" / "data" / "real").resolve()
TEST_OUTPUT = REPO / "test-output"


def real_data(*parts: str) -> Path:
    """A file under ../shared/data/real, or skip the test with the reason."""
    path = SHARED_REAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} (../shared is absent)")
    return path


_SESSION_DB = None


def session_db():
    """The test session's :class:`rdtr.db.Database` (the ``database`` fixture opens it), for helpers that
    are not fixtures themselves."""
    if _SESSION_DB is None:
        raise RuntimeError("no test database yet: use the database (or db_url) fixture first")
    return _SESSION_DB


@pytest.fixture(scope="session")
def db_url() -> str:
    """A migrated, empty test database on real PostGIS; RDTR_DATABASE_URL points at it."""
    import psycopg2
    from sqlalchemy.engine import make_url

    global _SESSION_DB
    from rdtr.config import get_settings
    from rdtr.db import Database, upgrade

    base = os.environ.get("RDTR_TEST_DATABASE_URL")
    if not base:
        from rdtr.db.local import LocalCluster

        base = LocalCluster(Path(os.environ.get("RDTR_TEST_HOME", REPO / ".rdtr-test"))).ensure_running()
    url = make_url(base)
    dbname = f"rdtr_test_{os.getpid()}"
    params = dict(dbname="postgres", user=url.username, host=url.query.get("host") or url.host,
                  port=url.query.get("port") or url.port, password=url.password)
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{dbname}"')
    test_url = url.set(database=dbname).render_as_string(hide_password=False)
    os.environ["RDTR_DATABASE_URL"] = test_url
    get_settings.cache_clear()
    upgrade(test_url)
    _SESSION_DB = Database(test_url)
    yield test_url
    _SESSION_DB.close()
    _SESSION_DB = None
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    conn.close()


@pytest.fixture(scope="session")
def database(db_url):
    """The test session's :class:`rdtr.db.Database`: one pool, injected into the app and the library calls."""
    return session_db()


@pytest.fixture(scope="session")
def sample_plan(database):
    """The synthetic Bontang sample, loaded once per session (plan id ``bontang``)."""
    from rdtr.ingest import ingest_package

    return ingest_package(database, SAMPLE_PACKAGE)


@pytest.fixture(scope="session")
def client(database):
    """The HTTP API in-process (FastAPI TestClient) on the test database (injected, not opened by the app)."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(database)) as c:
        yield c


@pytest.fixture(scope="session")
def test_output() -> Path:
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT
