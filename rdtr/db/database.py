"""The one database layer: one connection pool, opened by whoever needs it and closed by them.

The API's lifespan opens a :class:`Database` and closes it at shutdown; a CLI command opens one for its run;
tests inject their own. Everything that talks to PostgreSQL goes through it: SQLAlchemy Core through
:attr:`Database.engine` (ingest, catalog, tokens, extracts), and the answers through :meth:`Database.fetch`
(named, server-side PREPAREd queries on the same pool, in autocommit: they read immutable rows).

Per-connection set-up lives in one callable, :func:`_set_up_connection`: session options (no JIT, generic
plans for the prepared answers), JSON decoding with orjson. The pool does not ping on checkout (a round trip
as costly as a point answer): a connection the server dropped fails once, is discarded and the read is
retried on a fresh one; a database that stays unreachable is :class:`DatabaseUnavailable` (HTTP 503).

With read replicas (``RDTR_DATABASE_REPLICA_URLS``, :mod:`rdtr.db.replicas`) the object owns one more pool
per replica; :meth:`Database.reader` is the one choice of where a read goes (answers, tiles, searches,
downloads), everything else — writes above all — uses this primary pool. A replica's pool shares the
per-version cache and falls back to the primary when a read on it fails.

A thread that answers all day (the API's event loop and its worker threads, :func:`keep_connections`) keeps
one pooled connection per database for :meth:`Database.fetch` instead of a checkout and a checkin per answer:
measured, the pool's bookkeeping was a sixth of a point answer's time on the event loop (bench/point.md). The
connection stays in the pool's count (checked out), so the pool's bound still holds; it goes back with
:meth:`Database.release_thread` or :meth:`Database.close`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

import orjson
import psycopg2
import psycopg2.extras
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from rdtr.config import get_settings
from rdtr.errors import as_schema_missing, database_unavailable

#: JIT costs more than it saves on short spatial queries. The PREPAREd answers take the generic plan at once:
#: planning one parcel's overlay costs ~1.7 ms against ~0.6 ms to run it, and PostgreSQL's default ("auto")
#: keeps re-planning it because the generic plan's cost estimate for an unknown array looks high.
SESSION_OPTIONS = "-c jit=off -c plan_cache_mode=force_generic_plan"
#: Prepared statements kept per connection, least recently used deallocated beyond: the fixed answers and the
#: per-version ones (rdtr.answers.sql.point_one, parcel_one) of 250 plans × 2 questions. Fewer thrash on a
#: national instance (each miss re-plans, ≈ 1–2 ms); each held costs its backend ≈ 0.2 MB of plan
#: (bench/README.md "National size").
PREPARED_MAX = 512
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


def _mark_write(conn) -> None:
    """A transaction committed on this pooled connection (SQLAlchemy's ``commit`` event): note it."""
    conn.info["rdtr_wrote"] = True


T = TypeVar("T")

_EXECUTE: dict[tuple[str, int], str] = {}  #: the EXECUTE statement per (query name, parameter count)

_KEEPING = threading.local()  #: ``.on``: this thread keeps its connections (keep_connections)


def keep_connections(on: bool = True) -> None:
    """From now on (``on``) this thread's answers keep one connection per database between statements;
    only for threads that live as long as the app and are few (the event loop, the worker threads)."""
    _KEEPING.on = on


def prepare_once(info: dict, cur, query: Query) -> None:
    """PREPARE ``query`` on the connection of ``cur`` unless it already is (``info``: the pooled connection's
    own dict); beyond ``PREPARED_MAX`` statements the least recently used is deallocated."""
    prepared = info.get("prepared")
    if prepared is None:
        prepared = info["prepared"] = OrderedDict()
    if query.name in prepared:
        prepared.move_to_end(query.name)
        return
    cur.execute(f"PREPARE {query.name} AS {query.sql}")
    prepared[query.name] = True
    while len(prepared) > PREPARED_MAX:  # per-version statements (rdtr.answers.sql): keep the recent ones
        cur.execute(f"DEALLOCATE {prepared.popitem(last=False)[0]}")


class Database:
    """One pool on one PostgreSQL/PostGIS database, with the per-version cache of what answers need.

    ``with Database.open() as db: ...`` — or ``db = Database(url)`` and ``db.close()``. ``replica_urls``:
    read replicas of this primary (see :meth:`reader`); ``primary`` is set on a replica's own pool.
    """

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 8,
        max_overflow: int = 8,
        replica_urls: tuple[str, ...] | list[str] = (),
        primary: Database | None = None,
        on_failure=None,
    ):
        from rdtr.db.replicas import Replica, ReplicaMonitor
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
        #: the data of each plan version an answer has needed, read once (versions never change); a
        #: replica's pool shares its primary's (and the cache reads through the primary: always current)
        self.versions = primary.versions if primary is not None else VersionCache(self)
        #: on a replica's pool: where a failed read goes instead, and whom to tell that the replica failed
        self.primary, self._on_failure = primary, on_failure
        #: the primary's WAL location after the newest write this process committed (0: none yet)
        self.written_lsn = 0
        self.replicas: tuple[Replica, ...] = ()
        self._monitor: ReplicaMonitor | None = None
        #: the connection each keeping thread holds (keep_connections), and all of them, to give back
        self._kept = threading.local()
        self._all_kept: list = []
        self._kept_lock = threading.Lock()
        if replica_urls and primary is None:
            settings = get_settings()
            pool = {"pool_size": pool_size, "max_overflow": max_overflow}
            self.replicas = tuple(Replica(self, u, **pool) for u in replica_urls)
            self._turn = 0
            self._lsn_lock = threading.Lock()
            event.listen(self.engine, "commit", _mark_write)
            event.listen(self.engine, "checkin", self._note_write)
            self._monitor = ReplicaMonitor(self, settings.replica_check_s, settings.replica_max_lag_s)
            self._monitor.start()
        if primary is not None:
            event.listen(self.engine, "handle_error", self._failed)

    @classmethod
    def open(cls, url: str | None = None, *, owner: bool = False, replicas: bool = False, **pool) -> Database:
        """The database at ``url``, else ``RDTR_DATABASE_URL`` (``RDTR_OWNER_DATABASE_URL`` with ``owner``),
        else the embedded cluster (started if needed); with ``replicas`` (the API) also the read replicas of
        ``RDTR_DATABASE_REPLICA_URLS``."""
        from rdtr.db.engine import database_url

        urls = get_settings().replica_urls() if replicas and not owner and not url else ()
        return cls(url or database_url(start=True, owner=owner), replica_urls=urls, **pool)

    def close(self) -> None:
        """Forget the cached versions and close every pooled connection (the replicas' too)."""
        if self._monitor is not None:
            self._monitor.stop()
        self._give_back(everyone=True)
        for replica in self.replicas:
            replica.db._give_back(everyone=True)
            replica.db.engine.dispose()
        if self.primary is None:
            self.versions.clear()
        self.engine.dispose()

    def release_thread(self) -> None:
        """Give back the connection this thread kept (keep_connections), the replicas' too."""
        self._give_back()
        for replica in self.replicas:
            replica.db._give_back()

    def _give_back(self, everyone: bool = False) -> None:
        with self._kept_lock:
            fairies = list(self._all_kept) if everyone else [getattr(self._kept, "fairy", None)]
            for fairy in fairies:
                if fairy is not None and fairy in self._all_kept:
                    self._all_kept.remove(fairy)
        self._kept.fairy = None
        for fairy in fairies:
            if fairy is None:
                continue
            try:
                fairy.driver_connection.autocommit = False
                fairy.close()
            except Exception:  # noqa: BLE001 - a connection already gone has nothing to give back
                pass

    def _forget_kept(self, fairy) -> None:
        self._kept.fairy = None
        with self._kept_lock:
            if fairy in self._all_kept:
                self._all_kept.remove(fairy)

    # --- where a read goes ----------------------------------------------------------------------------

    def reader(self, after: int = 0) -> Database:
        """The pool a read uses: a replica that is up, within the lag bound and has replayed both this
        process's own writes and WAL location ``after`` (a caller's ``X-Rdtr-Read-After``); else this
        primary. Without replicas, this object itself — nothing else happens."""
        replicas = self.replicas
        if not replicas:
            return self
        need = self.written_lsn if self.written_lsn > after else after
        n = len(replicas)
        self._turn = turn = (self._turn + 1) % n  # round robin; a lost update under threads is harmless
        for i in range(n):
            replica = replicas[(turn + i) % n]
            if replica.usable(need):
                return replica.db
        return self

    def read(self, work: Callable[..., T], *args, **kwargs) -> T:
        """``work(self, *args, **kwargs)``: a read through :attr:`engine` (tiles, OGC features). On a replica
        whose server is gone or refuses connections the replica is skipped (as :meth:`fetch` does) and
        ``work`` runs once more on the primary; so does a read the standby cancelled for replay (40001)."""
        if self.primary is None:
            return work(self, *args, **kwargs)
        try:
            return work(self, *args, **kwargs)
        except (DBAPIError, psycopg2.Error) as exc:
            cause = getattr(exc, "orig", None) or exc
            if isinstance(cause, psycopg2.extensions.QueryCanceledError):
                raise  # a statement timeout: the primary would take as long
            if not isinstance(cause, psycopg2.extensions.TransactionRollbackError):
                if not isinstance(cause, (psycopg2.OperationalError, psycopg2.InterfaceError)):
                    raise  # a wrong query fails on the primary alike
                self._on_failure(str(cause).strip().splitlines()[0] if str(cause).strip() else "connection lost")
        return work(self.primary, *args, **kwargs)

    def check_replicas(self) -> None:
        """Check every replica now (the monitor thread does it every ``RDTR_REPLICA_CHECK_S`` seconds)."""
        if self._monitor is not None:
            self._monitor.check_once()

    def _note_write(self, dbapi_conn, record) -> None:
        """On checkin of a connection that committed: remember the primary's WAL location after it."""
        if not record.info.pop("rdtr_wrote", False) or dbapi_conn is None:
            return
        from rdtr.db.replicas import parse_lsn

        try:
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT pg_current_wal_lsn()::text")
                lsn = parse_lsn(cur.fetchone()[0])
            dbapi_conn.rollback()
        except psycopg2.Error:  # the connection broke: the next reads go to the primary all the same
            lsn = 1 << 64
        with self._lsn_lock:
            if lsn > self.written_lsn:
                self.written_lsn = lsn

    def _failed(self, context) -> None:
        """A replica's engine (tiles, searches) hit a dropped or refused connection: skip the replica."""
        if context.is_disconnect or isinstance(context.original_exception, psycopg2.OperationalError):
            self._on_failure(str(context.original_exception).strip().splitlines()[0])

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
        """One checkout (or this thread's kept connection), (PREPARE once,) one statement, one checkin — the
        hot path of every answer, so flat. A connection the server dropped is discarded and the statement run
        once more on a fresh one."""
        keep = getattr(_KEEPING, "on", False)
        for attempt in (0, 1):
            fairy = getattr(self._kept, "fairy", None) if keep else None
            if fairy is None:
                try:
                    fairy = self.engine.raw_connection()
                except Exception as exc:  # noqa: BLE001 - SQLAlchemy wraps the driver's connect errors
                    if self.primary is not None:  # a replica that refuses connections: the primary answers
                        self._on_failure(str(exc).strip().splitlines()[0] if str(exc).strip() else "cannot connect")
                        return self.primary._execute(statement, params, prepare)
                    raise database_unavailable(exc) from None
                fairy.driver_connection.autocommit = True  # one round trip per answer: no BEGIN, no ROLLBACK
                if keep:
                    self._kept.fairy = fairy
                    with self._kept_lock:
                        self._all_kept.append(fairy)
            conn = fairy.driver_connection
            try:
                with conn.cursor() as cur:
                    if prepare is not None:
                        prepare_once(fairy.info, cur, prepare)
                    cur.execute(statement, params)
                    rows = cur.fetchall()
            except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
                # The server went away: its other pooled connections are gone too, so start a fresh pool.
                if keep:
                    self._forget_kept(fairy)
                fairy.invalidate()
                fairy.close()
                self.engine.dispose()
                if self.primary is not None:  # a replica: skip it, and answer this read from the primary
                    self._on_failure(str(exc).strip().splitlines()[0] if str(exc).strip() else "connection lost")
                    return self.primary._execute(statement, params, prepare)
                if attempt:
                    raise database_unavailable(exc) from None
                continue
            except BaseException as exc:
                if not keep:  # a kept connection stays: in autocommit a failed statement leaves no transaction
                    conn.autocommit = False
                    fairy.close()
                if self.primary is not None and isinstance(exc, psycopg2.extensions.TransactionRollbackError):
                    # a standby cancels a read that conflicts with replay (40001): the primary answers it
                    return self.primary._execute(statement, params, prepare)
                missing = as_schema_missing(exc) if isinstance(exc, psycopg2.ProgrammingError) else None
                if missing is not None:
                    raise missing from None
                raise
            if not keep:
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
