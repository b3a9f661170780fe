"""The one database layer: one connection pool, opened by whoever needs it and closed by them.

The API's lifespan opens a :class:`Database` and closes it at shutdown; a CLI command opens one for its run;
tests inject their own. Everything that talks to PostgreSQL goes through it: SQLAlchemy Core through
:attr:`Database.engine` (ingest, catalog, tokens, extracts), and the answers through :meth:`Database.fetch`
(named, server-side PREPAREd queries on the same pool, in autocommit: they read immutable rows).

Per-connection set-up lives in one callable, :func:`_set_up_connection`: session options (no JIT, generic
plans for the prepared answers), JSON decoding with orjson. The pool does not ping on checkout (a round trip
as costly as a point answer): a connection the server dropped fails once, is discarded and the read is
retried on a fresh one; a database that stays unreachable is :class:`DatabaseUnavailable` (HTTP 503).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import orjson
import psycopg2
import psycopg2.extras
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from rdtr.errors import as_schema_missing, database_unavailable

#: JIT costs more than it saves on short spatial queries. The PREPAREd answers take the generic plan at once:
#: planning one parcel's overlay costs ~1.7 ms against ~0.6 ms to run it, and PostgreSQL's default ("auto")
#: keeps re-planning it because the generic plan's cost estimate for an unknown array looks high.
SESSION_OPTIONS = "-c jit=off -c plan_cache_mode=force_generic_plan"
#: An unreachable server fails a request within this many seconds instead of hanging it.
CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class Query:
    """A named statement, PREPAREd once per connection: ``$1 …`` placeholders (cast in the SQL) and the
    named-tuple type of its rows, declared next to the SQL that returns them."""

    name: str
    sql: str
    row: type[NamedTuple]


def sqlalchemy_url(url: str) -> str:
    """A libpq URL (``postgres://``, ``postgresql://``) as the SQLAlchemy psycopg2 URL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url[len("postgresql://") :]
    return url


def _set_up_connection(dbapi_conn, _record) -> None:
    """Everything a new connection needs, in one place (called by the pool for every new connection)."""
    psycopg2.extras.register_default_jsonb(dbapi_conn, loads=orjson.loads)
    psycopg2.extras.register_default_json(dbapi_conn, loads=orjson.loads)


_EXECUTE: dict[tuple[str, int], str] = {}  #: the EXECUTE statement per (query name, parameter count)


class Database:
    """One pool on one PostgreSQL/PostGIS database, with the per-version cache of what answers need.

    ``with Database.open() as db: ...`` — or ``db = Database(url)`` and ``db.close()``.
    """

    def __init__(self, url: str, *, pool_size: int = 8, max_overflow: int = 8):
        from rdtr.versions import VersionCache

        self.url = sqlalchemy_url(url)
        self.engine: Engine = create_engine(
            self.url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=False,
            pool_use_lifo=True,
            connect_args={"application_name": "rdtr", "options": SESSION_OPTIONS, "connect_timeout": CONNECT_TIMEOUT_S},
        )
        event.listen(self.engine, "connect", _set_up_connection)
        #: the data of each plan version an answer has needed, read once (versions never change)
        self.versions = VersionCache(self)

    @classmethod
    def open(cls, url: str | None = None, *, owner: bool = False, **pool) -> Database:
        """The database at ``url``, else ``RDTR_DATABASE_URL`` (``RDTR_OWNER_DATABASE_URL`` with ``owner``),
        else the embedded cluster (started if needed)."""
        from rdtr.db.engine import database_url

        return cls(url or database_url(start=True, owner=owner), **pool)

    def close(self) -> None:
        """Forget the cached versions and close every pooled connection."""
        self.versions.clear()
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Database({self.engine.url.render_as_string(hide_password=True)!r})"

    # --- reads for answers: raw DBAPI cursors on the same pool, autocommit, prepared once ---------------

    def fetch(self, query: Query, params: tuple) -> list:
        """Rows of a named query as ``query.row`` tuples (PREPAREd once per pooled connection)."""
        execute = _EXECUTE.get((query.name, len(params)))
        if execute is None:
            placeholders = ",".join(["%s"] * len(params))
            execute = _EXECUTE[(query.name, len(params))] = (
                f"EXECUTE {query.name}({placeholders})" if params else f"EXECUTE {query.name}"
            )
        return list(map(query.row._make, self._execute(execute, params, query)))

    def fetch_sql(self, sql: str, params: dict | tuple | None = None) -> list[tuple]:
        """Rows of plain SQL (``%(name)s`` / ``%s`` placeholders) for the cold paths (cache loads, searches)."""
        return self._execute(sql, params)

    def _execute(self, statement: str, params, prepare: Query | None = None) -> list[tuple]:
        """One checkout, (PREPARE once,) one statement, one checkin — the hot path of every answer, so flat.
        A connection the server dropped is discarded and the statement run once more on a fresh one."""
        for attempt in (0, 1):
            try:
                fairy = self.engine.raw_connection()
            except Exception as exc:  # noqa: BLE001 - SQLAlchemy wraps the driver's connect errors
                raise database_unavailable(exc) from None
            conn = fairy.driver_connection
            conn.autocommit = True  # one round trip per answer: no BEGIN, no ROLLBACK on return
            try:
                with conn.cursor() as cur:
                    if prepare is not None:
                        prepared = fairy.info.get("prepared")
                        if prepared is None:
                            prepared = fairy.info["prepared"] = set()
                        if prepare.name not in prepared:
                            cur.execute(f"PREPARE {prepare.name} AS {prepare.sql}")
                            prepared.add(prepare.name)
                    cur.execute(statement, params)
                    rows = cur.fetchall()
            except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
                # The server went away: its other pooled connections are gone too, so start a fresh pool.
                fairy.invalidate()
                fairy.close()
                self.engine.dispose()
                if attempt:
                    raise database_unavailable(exc) from None
                continue
            except BaseException as exc:
                conn.autocommit = False
                fairy.close()
                missing = as_schema_missing(exc) if isinstance(exc, psycopg2.ProgrammingError) else None
                if missing is not None:
                    raise missing from None
                raise
            conn.autocommit = False
            fairy.close()
            return rows
        raise AssertionError("unreachable")

    def ping(self) -> bool:
        """Whether the database answers ``SELECT 1`` now."""
        try:
            return self.fetch_sql("SELECT 1") == [(1,)]
        except Exception:  # noqa: BLE001 - any failure means "not ok"
            return False
