"""The embedded cluster itself: start (initdb the first time, bootstrap ``rdtr`` + PostGIS), stop, status
and the lock that serialises them between processes."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from rdtr.db.local.binaries import _pg_candidate_major, _pg_version, _postgis_hint, _sharedir
from rdtr.db.local.config import (
    DB_NAME,
    DB_USER,
    INITDB_TIMEOUT_S,
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    LocalClusterError,
)
from rdtr.db.local.layout import ClusterLayout
from rdtr.db.local.os_helpers import _log_tail, _pid_alive, _port_free, _write_text


class LocalCluster(ClusterLayout):
    """A private PostGIS cluster under ``home`` (``$RDTR_HOME``, default ``./.rdtr``)."""

    # -- server state -----------------------------------------------------------------------

    def _postmaster_pid(self) -> int | None:
        """The pid of our running postmaster, or None. Removes a stale postmaster.pid.

        After a crash or reboot the pid in postmaster.pid may be dead, or reused by an unrelated process
        (then PostgreSQL itself refuses to start): both count as not running, and the file goes.
        """
        pidfile = self.data_dir / "postmaster.pid"
        try:
            first = pidfile.read_text().splitlines()[0].strip()
            pid = int(first)
        except (FileNotFoundError, IndexError, ValueError, PermissionError):
            return None
        if _pid_alive(pid) and self._is_our_postmaster(pid):
            return pid
        with contextlib.suppress(OSError):
            pidfile.unlink()
        return None

    def _is_our_postmaster(self, pid: int) -> bool:
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            return True  # no /proc (macOS) or not allowed: trust the pid
        if comm not in ("postgres", "postmaster"):
            return False
        with contextlib.suppress(OSError):
            return Path(os.readlink(f"/proc/{pid}/cwd")).resolve() == self.data_dir.resolve()
        return True

    def running(self) -> bool:
        """Our postmaster is running."""
        return self._postmaster_pid() is not None

    def _connect(self, dbname: str):
        import psycopg2

        return psycopg2.connect(
            host=str(self.socket_dir),
            port=self._port(create=False),
            user=DB_USER,
            dbname=dbname,
            connect_timeout=10,
            application_name="rdtr-local",
        )

    # -- the lock ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _lock(self):
        self._make_home()
        path = self.home / ".lock"
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LocalClusterError(
                f"cannot open {path}: {exc.strerror} (was $RDTR_HOME made by another user?)"
            ) from exc
        try:
            deadline = time.monotonic() + START_TIMEOUT_S + INITDB_TIMEOUT_S
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                        raise LocalClusterError(f"another rdtr process holds {path}; try again") from exc
                    time.sleep(0.1)
            yield
        finally:
            os.close(fd)

    # -- public API -------------------------------------------------------------------------

    def url(self) -> str:
        """SQLAlchemy URL of the cluster (whether it runs or not; chooses port and socket directory on
        first use, and keeps them)."""
        port = self._port(create=True)
        if not self.initialised():
            self._decide_locations(self._server_user(create=False))
        host = quote(str(self.socket_dir), safe="/")
        return f"postgresql+psycopg2://{DB_USER}@/{DB_NAME}?host={host}&port={port}"

    def ensure_running(self) -> str:
        """Start the cluster unless it runs; returns the URL."""
        if self.running():
            return self.url()
        return self.start()

    def start(self) -> str:
        """Create (first time) and start the cluster, wait until it accepts connections, make sure the
        database ``rdtr`` with the ``postgis`` extension exists. Idempotent. Returns the URL."""
        bindir = self.bindir
        version = _pg_version(bindir) or ""
        major = version.split(".")[0] or _pg_candidate_major()
        sharedir = _sharedir(bindir, major)
        if sharedir is not None and not (sharedir / "extension" / "postgis.control").is_file():
            raise LocalClusterError(_postgis_hint(major))
        with self._lock():
            user = self._server_user(create=True)
            self._decide_locations(user)
            if not self.initialised():
                self._initdb(user)
            elif (self.data_dir / "PG_VERSION").read_text().strip() != major and major:
                found = (self.data_dir / "PG_VERSION").read_text().strip()
                raise LocalClusterError(
                    f"the cluster in {self.data_dir} was made by PostgreSQL {found} but the binaries in {bindir} "
                    f"are {major}; install postgresql-{found} or move {self.home} away to start afresh"
                )
            if not self.running():
                self._start_server(user)
            self._bootstrap(major)
        return self.url()

    def stop(self) -> None:
        """Fast shutdown (sessions are disconnected, no crash recovery needed). Idempotent."""
        if not self.initialised():
            return
        with self._lock():
            if not self.running():
                return
            user = self._server_user(create=False)
            cmd = self._as_user(
                [
                    str(self.bindir / "pg_ctl"),
                    "stop",
                    "-D",
                    str(self.data_dir),
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    str(STOP_TIMEOUT_S),
                ],
                user,
            )
            try:
                out = subprocess.run(cmd, capture_output=True, text=True, cwd="/", timeout=STOP_TIMEOUT_S + 30)
            except subprocess.TimeoutExpired as exc:
                raise LocalClusterError(
                    self._with_log(f"the embedded PostgreSQL did not stop within {STOP_TIMEOUT_S} s")
                ) from exc
            if out.returncode != 0 and self.running():
                reason = ((out.stderr or out.stdout).strip().splitlines() or [f"pg_ctl exit {out.returncode}"])[-1]
                raise LocalClusterError(
                    self._with_log(f"could not stop the embedded PostgreSQL in {self.data_dir}: {reason}")
                )

    def status(self) -> dict:
        """Where the cluster is, whether it runs, its port, URL, PostgreSQL and PostGIS versions."""
        bindir: Path | None
        try:
            bindir = self.bindir
        except LocalClusterError:
            bindir = None
        initialised = self.initialised()
        running = initialised and self.running()
        port = self._stored_port()
        postgis = None
        pg_version = _pg_version(bindir) if bindir else None
        if running:
            with contextlib.suppress(Exception):
                conn = self._connect(DB_NAME)
                try:
                    with conn.cursor() as cur:
                        cur.execute(
                            "SELECT split_part(current_setting('server_version'), ' ', 1), "
                            "(SELECT extversion FROM pg_extension WHERE extname = 'postgis')"
                        )
                        pg_version, postgis = cur.fetchone()
                finally:
                    conn.close()
        return {
            "home": str(self.home),
            "initialised": initialised,
            "running": running,
            "port": port,
            "socket_dir": str(self.socket_dir),
            "url": self.url() if port is not None else None,
            "pg_version": pg_version,
            "postgis": postgis,
            "data_dir": str(self.data_dir),
            "log": str(self.log_file),
        }

    # -- steps of start ---------------------------------------------------------------------

    def _with_log(self, message: str) -> str:
        tail = _log_tail(self.log_file)
        return f"{message}\n--- last lines of {self.log_file} ---\n{tail}" if tail else message

    def _open_log(self):
        fh = open(self.log_file, "ab")  # noqa: SIM115 - handed to the server process
        with contextlib.suppress(OSError):
            os.chmod(self.log_file, 0o644)
        return fh

    def _initdb(self, user: pwd.struct_passwd | None) -> None:
        data = self.data_dir
        if data.exists() and any(data.iterdir()):
            raise LocalClusterError(
                f"{data} exists, is not empty and holds no cluster (no PG_VERSION); remove it to let rdtr create one"
            )
        self._prepare_dir(data, user, 0o700)
        locale = ["--locale=C.UTF-8"] if Path("/usr/lib/locale/C.utf8").exists() else ["--no-locale"]
        cmd = self._as_user(
            [str(self.bindir / "initdb"), "-D", str(data), "-U", DB_USER, "-E", "UTF8", *locale, "--auth=trust"], user
        )
        with self._open_log() as log:
            log.write(f"\n=== rdtr: initdb {data} ({time.strftime('%Y-%m-%d %H:%M:%S')}) ===\n".encode())
            log.flush()
            try:
                out = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, cwd="/", timeout=INITDB_TIMEOUT_S)
            except subprocess.TimeoutExpired as exc:
                raise LocalClusterError(self._with_log(f"initdb timed out after {INITDB_TIMEOUT_S} s")) from exc
        if out.returncode != 0:
            # Leave nothing half-made: the next start can try again.
            shutil.rmtree(data, ignore_errors=True)
            raise LocalClusterError(self._with_log(f"initdb failed for {data} (exit {out.returncode})"))

    def _start_server(self, user: pwd.struct_passwd | None) -> None:
        port = self._port(create=True)
        if not _port_free(port):
            # Taken by something else while we were stopped: move, rather than fail or hit a stranger.
            port = self._choose_port()
            _write_text(self._port_file, f"{port}\n")
        socket_dir = self.socket_dir
        self._prepare_dir(socket_dir, user, 0o755)
        for stale in socket_dir.glob(f".s.PGSQL.{port}*"):
            with contextlib.suppress(OSError):
                stale.unlink()
        self._write_config(user, port, socket_dir)
        cmd = self._as_user(
            [str(self.bindir / "pg_ctl"), "start", "-D", str(self.data_dir), "-w", "-t", str(START_TIMEOUT_S)], user
        )
        # The log is opened here (as us) and inherited by the server: it works even when the server user
        # cannot reach $RDTR_HOME. pg_ctl detaches the server (setsid), so it outlives this process.
        with self._open_log() as log:
            log.write(f"\n=== rdtr: start on port {port} ({time.strftime('%Y-%m-%d %H:%M:%S')}) ===\n".encode())
            log.flush()
            try:
                out = subprocess.run(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd="/",
                    timeout=START_TIMEOUT_S + 30,
                )
            except subprocess.TimeoutExpired as exc:
                raise LocalClusterError(
                    self._with_log(f"the embedded PostgreSQL did not start within {START_TIMEOUT_S} s")
                ) from exc
        if out.returncode != 0:
            raise LocalClusterError(
                self._with_log(
                    f"the embedded PostgreSQL in {self.data_dir} did not start (pg_ctl exit {out.returncode})"
                )
            )
        self._wait_accepting(START_TIMEOUT_S)

    def _wait_accepting(self, timeout: float) -> None:
        import psycopg2

        deadline = time.monotonic() + timeout
        while True:
            try:
                self._connect("postgres").close()
                return
            except psycopg2.OperationalError as exc:
                if time.monotonic() > deadline or not self.running():
                    raise LocalClusterError(
                        self._with_log(
                            f"the embedded PostgreSQL does not accept connections: {str(exc).strip().splitlines()[0]}"
                        )
                    ) from exc
                time.sleep(0.2)

    def _bootstrap(self, major: str) -> None:
        """Database ``rdtr`` and extension ``postgis``, if missing."""
        import psycopg2

        self._wait_accepting(START_TIMEOUT_S)
        conn = self._connect("postgres")
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{DB_NAME}" OWNER "{DB_USER}"')
        finally:
            conn.close()
        conn = self._connect(DB_NAME)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
                if cur.fetchone() is None:
                    cur.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
                    if cur.fetchone() is None:
                        raise LocalClusterError(_postgis_hint(major))
                    try:
                        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                    except psycopg2.Error as exc:
                        raise LocalClusterError(
                            f"could not create extension postgis: {str(exc).strip().splitlines()[0]}"
                        ) from exc
        finally:
            conn.close()
