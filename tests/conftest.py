"""Shared fixtures and the three tiers of the suite.

Tiers, by directory (the marker of the same name is applied here, so ``-m unit`` runs the quick tier alone):

- ``tests/unit/`` — no database, no browser: pure functions (parsers, coordinates, styles, numbers, packages);
- ``tests/integration/`` — real PostGIS, never a mock: the library, the CLI, the HTTP API in-process,
  schemathesis, the notebook;
- ``tests/browser/`` — headless Chromium (playwright) against the app under ``rdtr serve``.

Helpers every tier may import live in ``tests/support/`` (``from tests.support.ingest import ...``).

Databases: the embedded PostGIS cluster under ``.rdtr-test`` (or ``$RDTR_TEST_HOME``), or the server at
``RDTR_TEST_DATABASE_URL``; nothing starts until a test asks for a database fixture. Once per session a
template is made (migrated, the sample plan loaded). Read-only tests share one copy of it: ``database``,
``db_url`` (``RDTR_DATABASE_URL`` points at it) and ``client``. **A module whose tests write** (loads plans,
creates tokens, uploads packages, issues extracts) uses ``fresh_database`` / ``fresh_client`` instead: a
copy of the template for that module alone, which ``RDTR_DATABASE_URL`` points at while the module runs
(so ``rdtr`` commands reach it too), dropped at the module's end — nothing it writes is seen elsewhere.
"""

from __future__ import annotations

import os

import pytest

from tests.support.paths import REPO, SAMPLE_PACKAGE, SHARED_REAL, TEST_OUTPUT, real_data  # noqa: F401 (re-exported)

TESTS_DIR = REPO / "tests"
TIERS = ("unit", "integration", "browser")

# The suite's own settings: no abuse limits (it sends hundreds of requests a second from one address; the
# tests of the limits turn them on themselves), and the public address extracts print (the test databases
# are not the embedded default, so it must be configured).
os.environ.setdefault("RDTR_RATE_LIMIT", "off")
os.environ.setdefault("RDTR_PUBLIC_URL", "http://testserver")
os.environ.setdefault("RDTR_ALLOW_SUPERUSER", "true")  # the test databases' role owns them; test_roles checks
# the refusal and the rdtr_app role itself


def pytest_collection_modifyitems(config, items):
    """Mark each test with its tier, from the directory it lives in."""
    for item in items:
        try:
            tier = item.path.relative_to(TESTS_DIR).parts[0]
        except ValueError:
            continue
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


# --------------------------------------------------------------------------------------------- databases


def _point_settings_at(mp: pytest.MonkeyPatch, url: str) -> None:
    """``RDTR_DATABASE_URL`` = ``url`` for code that reads the settings (the CLI, served apps, the notebook)."""
    from rdtr.config import get_settings

    mp.setenv("RDTR_DATABASE_URL", url)
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def db_server():
    """The server the test databases are made on (the embedded cluster is started here, if needed)."""
    from tests.support.databases import Server, server_url

    server = Server(server_url())
    yield server
    server.close()


@pytest.fixture(scope="session")
def db_template(db_server):
    """The session's template database: migrated, with the sample plan loaded; every test database is a copy."""
    from rdtr.db import Database, upgrade
    from rdtr.ingest import ingest_package
    from tests.support.databases import Template, database_name

    name = database_name("rdtr_template")
    url = db_server.create(name)
    try:
        upgrade(url)
        with Database(url) as db:
            sample = ingest_package(db, SAMPLE_PACKAGE)
        db_server.seal(name)
        yield Template(name, url, sample)
    finally:
        db_server.drop(name)


@pytest.fixture(scope="session")
def db_url(db_server, db_template):
    """The shared, read-only test database (a copy of the template); RDTR_DATABASE_URL points at it."""
    from rdtr.config import get_settings
    from tests.support.databases import database_name

    name = database_name("rdtr_test")
    url = db_server.create(name, template=db_template.name)
    with pytest.MonkeyPatch.context() as mp:
        _point_settings_at(mp, url)
        yield url
    get_settings.cache_clear()
    db_server.drop(name)


@pytest.fixture(scope="session")
def database(db_url):
    """The shared test database as one :class:`rdtr.db.Database` (one pool), for read-only tests."""
    from rdtr.db import Database

    with Database(db_url) as db:
        yield db


@pytest.fixture(scope="session")
def sample_plan(db_template):
    """The synthetic Bontang sample (plan id ``bontang``): loaded once into the template, so it is in the
    shared database and in every module's own database alike. Returns that load's ``IngestResult``."""
    return db_template.sample


@pytest.fixture(scope="module")
def fresh_database(request, db_server, db_template, db_url):
    """A database of this module's own, for tests that write: a copy of the template (migrated, sample plan
    loaded), with RDTR_DATABASE_URL pointing at it while the module runs; dropped at the module's end."""
    from rdtr.config import get_settings
    from rdtr.db import Database
    from tests.support.databases import database_name

    name = database_name("rdtr_test", request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_"))
    url = db_server.create(name, template=db_template.name)
    try:
        with pytest.MonkeyPatch.context() as mp, Database(url) as db:
            _point_settings_at(mp, url)
            yield db
    finally:
        get_settings.cache_clear()  # back to the shared database's URL
        db_server.drop(name)


@pytest.fixture(scope="session")
def test_output():
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT
