"""The PostgreSQL server the tests use and the databases they make on it (the fixtures in tests/conftest.py
drive this; nothing here starts anything on import).

One template per session, ``rdtr_template_<pid>``: migrated, with the sample plan loaded. The session's
shared database and every writing module's own database are copies of it (``CREATE DATABASE … TEMPLATE``,
a fraction of a second), dropped when they are no longer needed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.paths import REPO

#: PostgreSQL truncates identifiers longer than this.
MAX_NAME = 63


@dataclass(frozen=True)
class Template:
    """The session's template database: its name, its URL (no connections allowed), the sample plan's load."""

    name: str
    url: str
    sample: Any  # rdtr.ingest.IngestResult of the sample plan


def server_url() -> str:
    """``RDTR_TEST_DATABASE_URL`` when set, else the embedded cluster under ``$RDTR_TEST_HOME`` (default
    ``.rdtr-test`` in the repository), started if needed."""
    base = os.environ.get("RDTR_TEST_DATABASE_URL")
    if base:
        return base
    from rdtr.db.local import LocalCluster

    return LocalCluster(Path(os.environ.get("RDTR_TEST_HOME", REPO / ".rdtr-test"))).ensure_running()


def database_name(prefix: str, label: str = "") -> str:
    """``<prefix>_<pid>[_<label>]``, made a safe PostgreSQL identifier of at most 63 characters."""
    name = f"{prefix}_{os.getpid()}" + (f"_{label}" if label else "")
    return re.sub(r"[^a-z0-9_]", "_", name.lower())[:MAX_NAME]


class Server:
    """Creates and drops databases on one server through a maintenance connection (database ``postgres``)."""

    def __init__(self, url: str):
        import psycopg2
        from sqlalchemy.engine import make_url

        self._url = make_url(url)
        params = dict(
            dbname="postgres",
            user=self._url.username,
            host=self._url.query.get("host") or self._url.host,
            port=self._url.query.get("port") or self._url.port,
            password=self._url.password,
        )
        self._conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
        self._conn.autocommit = True

    def url(self, name: str) -> str:
        """The SQLAlchemy URL of database ``name`` on this server."""
        return self._url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        """A new database ``name`` (dropped first if a previous run left it), optionally a copy of
        ``template``; returns its URL."""
        with self._conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def seal(self, name: str) -> None:
        """No more connections to ``name``: a template that someone is connected to cannot be copied."""
        with self._conn.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')

    def drop(self, name: str) -> None:
        """Drop database ``name``, closing whatever is still connected to it."""
        with self._conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self._conn.close()
