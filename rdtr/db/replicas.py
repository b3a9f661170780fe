"""Read replicas: PostgreSQL streaming standbys that take the reads of answers, tiles, searches, downloads.

A :class:`rdtr.db.Database` given replica URLs owns one :class:`Replica` per URL (its own pool) and one
:class:`ReplicaMonitor` thread that checks each every ``RDTR_REPLICA_CHECK_S`` seconds: whether it answers,
is a standby (``pg_is_in_recovery()``), how far it has replayed (``pg_last_wal_replay_lsn()``) and how long
ago the primary was at a WAL location it has not replayed yet (its lag, in seconds of the primary's history,
measured by this process's own clock: no clock skew between servers enters it). A replica that is down or
lags more than ``RDTR_REPLICA_MAX_LAG_S`` is skipped until a later check finds it well again.

Read-your-writes: a write committed through the primary's pool advances ``Database.written_lsn`` (the
primary's WAL location after the commit). A read uses a replica only once the monitor has seen it replay
that far, and as far as the ``X-Rdtr-Read-After`` header a caller brings from a write on another node;
otherwise it reads from the primary at once (never waits: the point answer runs on the event loop).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import TYPE_CHECKING

import psycopg2
from sqlalchemy.engine import make_url

from rdtr.errors import InvalidInput
from rdtr.messages import Message

if TYPE_CHECKING:
    from rdtr.db.database import Database

log = logging.getLogger("rdtr.db.replicas")

_LSN = re.compile(r"([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})")
#: primary WAL locations a replica has not reached, kept per replica (the oldest one decides the lag)
MAX_SAMPLES = 1000


def parse_lsn(text: str) -> int:
    """A WAL location as PostgreSQL writes it (``16/B374D848``) as one integer; anything else is a 422."""
    match = _LSN.fullmatch(text.strip()) if len(text) <= 17 else None
    if match is None:
        raise InvalidInput(Message("read_after", got=repr(text[:40])))
    return (int(match[1], 16) << 32) | int(match[2], 16)


def format_lsn(value: int) -> str:
    """An integer WAL location as PostgreSQL writes it (``16/B374D848``)."""
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"


def replica_name(url: str) -> str:
    """``host:port/database`` of a URL, never its user or password (what /health shows)."""
    u = make_url(url)
    host = u.host or u.query.get("host") or "localhost"
    port = u.port or u.query.get("port") or 5432
    return f"{host}:{port}/{u.database}"


class Replica:
    """One read replica: its pool (a :class:`Database` that falls back to the primary) and what the last
    check saw — ``status`` ``ok|lagging|down``, ``lag_s``, ``replayed`` (the WAL location it has replayed)."""

    def __init__(self, primary: Database, url: str, **pool):
        from rdtr.db.database import Database

        self.name = replica_name(url)
        self.db = Database(url, primary=primary, on_failure=self.mark_down, **pool)
        self.status = "down"  # until the first check: reads go to the primary meanwhile
        self.lag_s: float | None = None
        self.replayed = 0
        self.error: str | None = "not checked yet"
        self._behind: list[tuple[float, int]] = []  # (when, primary WAL location) not replayed yet

    def usable(self, lsn: int) -> bool:
        """Whether a read that must see WAL location ``lsn`` may use this replica now."""
        return self.status == "ok" and self.replayed >= lsn

    def mark_down(self, reason: str = "a read failed") -> None:
        """Skip this replica until a check finds it answering again."""
        if self.status != "down":
            log.warning("read replica %s is down: %s", self.name, reason)
        self.status, self.lag_s, self.error = "down", None, reason

    def health(self) -> dict:
        """``{name, status, lag_s}`` for /health (as of the last check)."""
        return {"name": self.name, "status": self.status, "lag_s": self.lag_s}

    def check(self, primary_lsn: int | None, max_lag_s: float) -> None:
        """Probe the replica once and update its status (called by the monitor thread)."""
        now = time.monotonic()
        try:
            in_recovery, replayed = self._probe()
        except Exception as exc:  # noqa: BLE001 - any failure to answer is "down"
            self.mark_down(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
            return
        if not in_recovery or replayed is None:
            self.mark_down("not a standby (pg_is_in_recovery() is false): promoted or misconfigured")
            return
        self.replayed = parse_lsn(replayed)
        if primary_lsn is not None and (not self._behind or self._behind[-1][1] < primary_lsn):
            self._behind.append((now, primary_lsn))
        self._behind = [(t, lsn) for t, lsn in self._behind if lsn > self.replayed]
        if len(self._behind) > MAX_SAMPLES:
            del self._behind[1 : len(self._behind) - MAX_SAMPLES + 1]
        lag = now - self._behind[0][0] if self._behind else 0.0
        self.lag_s = round(lag, 3)
        self.error = None
        became = "lagging" if lag > max_lag_s else "ok"
        if became != self.status:
            log.info("read replica %s is %s (lag %.3f s)", self.name, became, lag)
        self.status = became

    def _probe(self) -> tuple[bool, str | None]:
        fairy = self.db.engine.raw_connection()
        try:
            conn = fairy.driver_connection
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")
                got = cur.fetchone()
            conn.autocommit = False
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            fairy.invalidate()
            self.db.engine.dispose()  # its other pooled connections went with the server
            raise
        finally:
            fairy.close()
        return bool(got[0]), got[1]


class ReplicaMonitor(threading.Thread):
    """The thread that checks every replica of one :class:`Database` every ``every_s`` seconds."""

    def __init__(self, primary: Database, every_s: float, max_lag_s: float):
        super().__init__(name="rdtr-replicas", daemon=True)
        self.primary, self.every_s, self.max_lag_s = primary, every_s, max_lag_s
        self._stop_event = threading.Event()
        self._lock = threading.Lock()

    def run(self) -> None:
        """Check at once, then every ``every_s`` seconds until :meth:`stop`."""
        while True:
            self.check_once()
            if self._stop_event.wait(self.every_s):
                return

    def check_once(self) -> None:
        """One round: the primary's WAL location, then each replica (also callable directly, e.g. by tests)."""
        with self._lock:
            try:
                primary_lsn = parse_lsn(self.primary.fetch_sql("SELECT pg_current_wal_lsn()::text")[0][0])
            except Exception:  # noqa: BLE001 - primary down: the replicas' lag cannot be measured this round
                primary_lsn = None
            for replica in self.primary.replicas:
                replica.check(primary_lsn, self.max_lag_s)

    def stop(self) -> None:
        """End the thread (waits for a check under way)."""
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout=10)
