"""Database access for answers: a pooled psycopg2 connection per question, one round trip per answer.

Why not the project engine: its pool pings every connection on checkout (``pool_pre_ping``) and psycopg2
opens a transaction with a separate ``BEGIN`` (and the pool a ``ROLLBACK`` on return); each costs a round
trip, as much as the question itself. Here connections are in autocommit mode (answers only read
immutable rows), the hot queries are server-side ``PREPARE``d once per connection, idle connections wait
in a small LIFO pool, and a connection the server dropped is replaced and the question asked once more.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from typing import Iterator

import orjson
import psycopg2
import psycopg2.extensions
import psycopg2.extras

from rdtr.errors import DatabaseUnavailable, as_schema_missing

MAX_IDLE = 16  #: idle connections kept per process and database
#: JIT costs more than it saves on short spatial queries. The PREPAREd answers take the generic plan at
#: once: planning one parcel's overlay costs ~1.7 ms against ~0.6 ms to run it, and PostgreSQL's default
#: ("auto") keeps re-planning it because the generic plan's cost estimate for an unknown array looks high.
SESSION_OPTIONS = "-c jit=off -c plan_cache_mode=force_generic_plan"


class _Conn:
    __slots__ = ("conn", "prepared")

    def __init__(self, conn):
        self.conn = conn
        self.prepared: set[str] = set()


class _Pool:
    def __init__(self, url: str):
        self.url = url
        self.params = _libpq_params(url)
        self.idle: deque[_Conn] = deque()
        self.lock = threading.Lock()
        self.pid = os.getpid()

    def get(self) -> _Conn:
        with self.lock:
            if self.idle:
                return self.idle.pop()
        try:
            conn = psycopg2.connect(**self.params, application_name="rdtr-answers", options=SESSION_OPTIONS)
        except psycopg2.OperationalError as exc:
            raise DatabaseUnavailable("the database cannot be reached: " + _first_line(exc)) from None
        conn.autocommit = True
        psycopg2.extras.register_default_jsonb(conn, loads=orjson.loads)
        psycopg2.extras.register_default_json(conn, loads=orjson.loads)
        return _Conn(conn)

    def put(self, c: _Conn) -> None:
        if c.conn.closed or c.conn.get_transaction_status() != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            _close(c)
            return
        with self.lock:
            if len(self.idle) < MAX_IDLE:
                self.idle.append(c)
                return
        _close(c)

    def close(self) -> None:
        with self.lock:
            while self.idle:
                _close(self.idle.pop())


def _close(c: _Conn) -> None:
    try:
        c.conn.close()
    except Exception:  # noqa: BLE001 - closing a broken connection
        pass


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _libpq_params(url: str) -> dict:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    params = dict(dbname=u.database, user=u.username, password=u.password, host=u.query.get("host") or u.host,
                  port=u.query.get("port") or u.port)
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "target_session_attrs"):
        if key in u.query:
            params[key] = u.query[key]
    return {k: v for k, v in params.items() if v}


_pools: dict[str, _Pool] = {}
_pools_lock = threading.Lock()
_embedded_url: str | None = None


_resolved: tuple[object, str] | None = None


def _url(url: str | None) -> str:
    """The URL to use: the given one, RDTR_DATABASE_URL, or the embedded cluster (started once).
    Resolved once per settings object (tests swap the settings by clearing get_settings' cache)."""
    global _embedded_url, _resolved
    if url:
        return url
    from rdtr.config import get_settings

    settings = get_settings()
    if _resolved is not None and _resolved[0] is settings:
        return _resolved[1]
    from rdtr.db import database_url

    if settings.database_url:
        resolved = database_url()
    else:
        if _embedded_url is None:
            _embedded_url = database_url()
        resolved = _embedded_url
    _resolved = (settings, resolved)
    return resolved


def _pool(url: str) -> _Pool:
    pool = _pools.get(url)
    if pool is None or pool.pid != os.getpid():
        with _pools_lock:
            pool = _pools.get(url)
            if pool is None or pool.pid != os.getpid():
                pool = _pools[url] = _Pool(url)  # a forked child never reuses its parent's sockets
    return pool


def dispose() -> None:
    """Close every idle answer connection (tests, shutdown)."""
    with _pools_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()


@contextlib.contextmanager
def connection(url: str | None = None) -> Iterator[tuple[str, _Conn]]:
    """``(url, pooled connection)``; a connection that failed is closed instead of returned."""
    url = _url(url)
    pool = _pool(url)
    c = pool.get()
    try:
        yield url, c
    except (psycopg2.OperationalError, psycopg2.InterfaceError):
        _close(c)
        raise
    except psycopg2.ProgrammingError as exc:
        pool.put(c)
        missing = as_schema_missing(exc)
        if missing is not None:
            raise missing from None
        raise
    except BaseException:
        pool.put(c)
        raise
    else:
        pool.put(c)


def _retrying(url: str | None, work) -> tuple[str, list[tuple]]:
    """``(url, work(conn, cursor))`` on a pooled connection; a dropped connection is replaced and the work
    done once more; a database that stays unreachable is :class:`DatabaseUnavailable` (HTTP 503)."""
    for attempt in (0, 1):
        try:
            with connection(url) as (used_url, c):
                with c.conn.cursor() as cur:
                    return used_url, work(c, cur)
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
            if attempt:
                raise DatabaseUnavailable("the database connection failed: " + _first_line(exc)) from None
    raise AssertionError("unreachable")


def run(sql_name: str, sql: str, params: tuple, url: str | None = None) -> tuple[str, list[tuple]]:
    """Execute a named query (PREPAREd once per connection) and return ``(url, rows)``.

    ``sql`` uses ``$1, $2 …`` placeholders and casts them.
    """
    placeholders = ",".join(["%s"] * len(params))
    execute = f"EXECUTE {sql_name}({placeholders})" if params else f"EXECUTE {sql_name}"

    def work(c, cur):
        if sql_name not in c.prepared:
            cur.execute(f"PREPARE {sql_name} AS {sql}")
            c.prepared.add(sql_name)
        cur.execute(execute, params)
        return cur.fetchall()

    return _retrying(url, work)


def query(sql: str, params: dict | tuple | None = None, url: str | None = None) -> tuple[str, list[tuple]]:
    """Execute plain SQL (``%(name)s`` / ``%s`` placeholders): for cold paths (cache loads, searches)."""

    def work(c, cur):
        cur.execute(sql, params)
        return cur.fetchall()

    return _retrying(url, work)
