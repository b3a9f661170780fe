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


def _admin_url(url: str) -> str:
    return url.replace("/rdtr?", "/postgres?", 1)


@pytest.fixture(scope="session")
def db_url() -> str:
    """A migrated, empty test database on real PostGIS; RDTR_DATABASE_URL points at it."""
    import psycopg2
    from sqlalchemy.engine import make_url

    from rdtr.config import get_settings
    from rdtr.db import upgrade
    from rdtr.db.engine import dispose_engines

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
    dispose_engines()
    upgrade(test_url)
    yield test_url
    dispose_engines()
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    conn.close()


@pytest.fixture(scope="session")
def sample_plan(db_url):
    """The synthetic Bontang sample, loaded once per session (plan id ``bontang``)."""
    from rdtr.ingest import ingest_package

    return ingest_package(SAMPLE_PACKAGE)


@pytest.fixture(scope="session")
def client(db_url):
    """The HTTP API in-process (FastAPI TestClient) on the test database."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app()) as c:
        yield c


@pytest.fixture(scope="session")
def test_output() -> Path:
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT
