"""Fixtures of the integration tier: the HTTP API in-process (FastAPI TestClient) on a test database."""

from __future__ import annotations

import pytest


@pytest.fixture()
def settings():
    """The live settings object (limits and addresses are read per request), restored after the test."""
    from rdtr.config import get_settings

    s = get_settings()
    saved = s.model_dump()
    yield s
    for k, v in saved.items():
        setattr(s, k, v)


@pytest.fixture(scope="session")
def client(database):
    """The HTTP API in-process on the shared, read-only test database (injected, not opened by the app)."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(database)) as c:
        yield c


@pytest.fixture(scope="module")
def fresh_client(fresh_database):
    """The HTTP API in-process on this module's own database (``fresh_database``), for modules that write."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(fresh_database)) as c:
        yield c
