"""The embedded default database: a private PostgreSQL + PostGIS cluster under ``$RDTR_HOME``.

It runs from the machine's PostgreSQL binaries (``initdb``, ``pg_ctl``, ``postgres``) and never touches a
system cluster: it has its own data directory, its own unix-socket directory and its own port.

Layout of ``$RDTR_HOME`` (default ``./.rdtr``)::

    pgdata/             the data directory (or a record ``pgdata-location`` when it must live elsewhere)
    run/                the unix-socket directory (or a record ``socket-dir`` when the path is too long)
    port                the TCP port on 127.0.0.1, chosen once and kept across restarts
    postgres.log        the server log
    .lock               serialises start/stop between processes

PostgreSQL refuses to run as root. When we are root the server runs as an unprivileged user: the owner
of an existing data directory, else the ``postgres`` system user, else a system user ``rdtr`` created
for the purpose. If that user cannot traverse to ``$RDTR_HOME`` (``/root`` is 0700, so is pytest's
``/tmp/pytest-of-root``), the data directory goes to ``/var/tmp/rdtr-<hash>`` and the socket to
``/tmp/rdtr-<hash>``, recorded in ``$RDTR_HOME`` so every later call finds them.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from rdtr.errors import DatabaseUnavailable

DB_NAME = "rdtr"
DB_USER = "rdtr"
BASE_PORT = 54329
PORT_SPREAD = 1000  # hash-derived offset range, so two homes rarely start probing at the same port
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 60
INITDB_TIMEOUT_S = 180
# sizeof(sockaddr_un.sun_path) is 108 on Linux; the path plus its NUL must fit.
UNIX_SOCKET_PATH_MAX = 107
SOCKET_NAME_MAX = len("/.s.PGSQL.65535")
SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")

# Small, safe settings for a developer machine. Rewritten on every start (rdtr.conf in the data
# directory, included from postgresql.conf), so changing them here takes effect on the next start.
SETTINGS = {
    "max_connections": "100",
    "shared_buffers": "'128MB'",
    "fsync": "on",
    # JIT compilation costs more than it saves on short spatial queries.
    "jit": "off",
    "log_destination": "'stderr'",
    "logging_collector": "off",
    "log_line_prefix": "'%m [%p] '",
}

PG_HBA = """\
# Written by rdtr: trust on the private socket and on 127.0.0.1 only.
# TYPE  DATABASE        USER            ADDRESS                 METHOD
local   all             all                                     trust
host    all             all             127.0.0.1/32            trust
local   replication     all                                     trust
host    replication     all             127.0.0.1/32            trust
"""


class LocalClusterError(DatabaseUnavailable):
    """The embedded cluster cannot be created, started or stopped; the message says why in one line
    (followed, for start failures, by the tail of the server log)."""

    title = "Embedded database unavailable"


# ----------------------------------------------------------------------------------------------
# Binaries


def _pg_candidate_major() -> str:
    """The PostgreSQL major version apt would install (Debian/Ubuntu), for install hints; "15" if unknown."""
    if shutil.which("apt-cache"):
        with contextlib.suppress(Exception):
            out = subprocess.run(["apt-cache", "policy", "postgresql"], capture_output=True, text=True,
                                 timeout=20).stdout
            m = re.search(r"Candidate:\s*(\d+)", out)
            if m:
                return m.group(1)
    return "15"


def _has_server_binaries(bindir: Path) -> bool:
    return all((bindir / name).is_file() and os.access(bindir / name, os.X_OK) for name in SERVER_BINARIES)


def find_pg_bin() -> Path:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``.

    Looked for in ``$RDTR_PG_BIN``, ``pg_config --bindir``, ``/usr/lib/postgresql/<major>/bin`` (highest
    major first; Debian/Ubuntu put the server there) and finally ``$PATH``.
    """
    candidates: list[Path] = []
    if os.environ.get("RDTR_PG_BIN"):
        candidates.append(Path(os.environ["RDTR_PG_BIN"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(Exception):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))

    def _major(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.parent.name)) or (0,)

    debian = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name[:1].isdigit()]
    candidates.extend(sorted(debian, key=_major, reverse=True))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for bindir in candidates:
        if _has_server_binaries(bindir):
            return bindir
    major = _pg_candidate_major()
    raise LocalClusterError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; install them with: "
        f"sudo apt-get install -y postgresql postgresql-{major}-postgis-3 "
        "(or set RDTR_DATABASE_URL to use an existing PostGIS server)"
    )


def _pg_version(bindir: Path) -> str | None:
    """Full server version of the binaries, e.g. "15.14"."""
    with contextlib.suppress(Exception):
        out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True,
                             timeout=10).stdout
        m = re.search(r"\(PostgreSQL\)\s+(\S+)", out)
        if m:
            return m.group(1)
    return None


def _sharedir(bindir: Path, major: str) -> Path | None:
    pg_config = bindir / "pg_config"
    if pg_config.is_file():
        with contextlib.suppress(Exception):
            out = subprocess.run([str(pg_config), "--sharedir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                return Path(out.stdout.strip())
    debian = Path("/usr/share/postgresql") / major
    return debian if debian.is_dir() else None


def _postgis_hint(major: str) -> str:
    return (f"PostGIS is not installed for PostgreSQL {major}; install it with: "
            f"sudo apt-get install postgresql-{major}-postgis-3")


# ----------------------------------------------------------------------------------------------
# Small helpers


def _short_hash(text: str, n: int = 12) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def _write_text(path: Path, text: str, mode: int = 0o644) -> None:
    """Write atomically and leave the file readable (root-created files in $RDTR_HOME stay readable)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


def _port_free(port: int) -> bool:
    """Nobody listens on 127.0.0.1:port (SO_REUSEADDR so our own TIME_WAIT sockets don't count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _pid_alive(pid: int) -> bool:
    """The process exists and is not a zombie (a killed server whose parent never reaped it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    with contextlib.suppress(OSError, IndexError):
        # /proc/PID/stat: "pid (comm) state ..."; comm may contain spaces or parentheses.
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    return True


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    tail = [line for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join(tail)


def _mkdirs(path: Path) -> None:
    """``mkdir -p`` that leaves each directory it creates 0755, whatever the umask, so that the server
    user can traverse them."""
    missing = []
    for p in [path, *path.parents]:
        if p.exists():
            break
        missing.append(p)
    for p in reversed(missing):
        with contextlib.suppress(FileExistsError):
            p.mkdir()
            os.chmod(p, 0o755)


# ----------------------------------------------------------------------------------------------


class LocalCluster:
    """A private PostGIS cluster under ``home`` (``$RDTR_HOME``, default ``./.rdtr``)."""

    def __init__(self, home: Path | str | None = None):
        if home is None:
            home = os.environ.get("RDTR_HOME") or ".rdtr"
        self.home: Path = Path(home).expanduser().resolve()
        self._hash = _short_hash(str(self.home))
        self._bindir: Path | None = None

    # -- where things are -------------------------------------------------------------------

    @property
    def log_file(self) -> Path:
        return self.home / "postgres.log"

    @property
    def _port_file(self) -> Path:
        return self.home / "port"

    @property
    def _pgdata_record(self) -> Path:
        return self.home / "pgdata-location"

    @property
    def _socket_record(self) -> Path:
        return self.home / "socket-dir"

    @property
    def data_dir(self) -> Path:
        recorded = _read_text(self._pgdata_record)
        return Path(recorded) if recorded else self.home / "pgdata"

    @property
    def socket_dir(self) -> Path:
        recorded = _read_text(self._socket_record)
        if recorded:
            return Path(recorded)
        inside = self.home / "run"
        if self._socket_path_fits(inside):
            return inside
        return self._fallback_socket_dir()

    def _fallback_socket_dir(self) -> Path:
        return Path("/tmp") / f"rdtr-{self._hash}"

    def _fallback_data_dir(self) -> Path:
        return Path("/var/tmp") / f"rdtr-{self._hash}" / "pgdata"

    @staticmethod
    def _socket_path_fits(directory: Path) -> bool:
        return len(str(directory)) + SOCKET_NAME_MAX <= UNIX_SOCKET_PATH_MAX

    @property
    def bindir(self) -> Path:
        """The server binaries; for an existing cluster, those of its major version when installed
        (Debian keeps several side by side), so an added newer PostgreSQL does not strand the data."""
        if self._bindir is None:
            made_by = _read_text(self.data_dir / "PG_VERSION")
            same_major = Path("/usr/lib/postgresql") / (made_by or "-") / "bin"
            if made_by and not os.environ.get("RDTR_PG_BIN") and _has_server_binaries(same_major):
                self._bindir = same_major
            else:
                self._bindir = find_pg_bin()
        return self._bindir

    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    # -- port -------------------------------------------------------------------------------

    def _stored_port(self) -> int | None:
        text = _read_text(self._port_file)
        return int(text) if text and text.isdigit() else None

    def _choose_port(self) -> int:
        offset = int(self._hash, 16) % PORT_SPREAD
        for i in range(PORT_SPREAD * 2):
            port = BASE_PORT + (offset + i) % (PORT_SPREAD * 2)
            if _port_free(port):
                return port
        raise LocalClusterError(f"no free TCP port on 127.0.0.1 in {BASE_PORT}-{BASE_PORT + 2 * PORT_SPREAD - 1}")

    def _port(self, *, create: bool) -> int | None:
        port = self._stored_port()
        if port is None and create:
            self._make_home()
            port = self._choose_port()
            _write_text(self._port_file, f"{port}\n")
        return port

    # -- the user the server runs as ---------------------------------------------------------

    @staticmethod
    def _is_root() -> bool:
        return os.geteuid() == 0

    def _server_user(self, *, create: bool) -> pwd.struct_passwd | None:
        """Who runs initdb/pg_ctl when we are root; None when we are not root (we run them ourselves)."""
        if not self._is_root():
            return None
        data = self.data_dir
        if (data / "PG_VERSION").exists():
            owner = data.stat().st_uid
            if owner != 0:
                return pwd.getpwuid(owner)
        for name in ("postgres", "rdtr"):
            with contextlib.suppress(KeyError):
                return pwd.getpwnam(name)
        if not create:
            return None
        useradd = shutil.which("useradd")
        if not useradd:
            raise LocalClusterError("PostgreSQL refuses to run as root and there is no 'postgres' user; "
                                    "create one (useradd --system postgres) or run rdtr as a normal user")
        nologin = next((p for p in ("/usr/sbin/nologin", "/sbin/nologin", "/bin/false") if Path(p).exists()),
                       "/bin/false")
        out = subprocess.run([useradd, "--system", "--no-create-home", "--user-group", "--shell", nologin,
                              "rdtr"], capture_output=True, text=True)
        if out.returncode not in (0, 9):  # 9: already exists (a concurrent start created it)
            raise LocalClusterError(f"could not create system user 'rdtr' to run PostgreSQL: {out.stderr.strip()}")
        return pwd.getpwnam("rdtr")

    def _as_user(self, cmd: list[str], user: pwd.struct_passwd | None) -> list[str]:
        if user is None:
            return cmd
        if shutil.which("runuser"):
            return ["runuser", "-u", user.pw_name, "--", *cmd]
        if shutil.which("setpriv"):
            return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups", *cmd]
        raise LocalClusterError("running as root needs 'runuser' or 'setpriv' (util-linux) to start PostgreSQL "
                                "as an unprivileged user; install util-linux or run rdtr as a normal user")

    def _can_traverse(self, path: Path, user: pwd.struct_passwd | None) -> bool:
        """Can the server user reach ``path`` (search permission on it and every existing ancestor)?

        Not root: we are the server user. Root without a server user yet: the one we will create belongs
        to no group that matters, so only the "others" bits count. Directories that do not exist yet
        will be created 0755, so they pass. ACLs are not considered.
        """
        if not self._is_root():
            return True
        uid, gids = -1, set()
        if user is not None:
            uid, gids = user.pw_uid, {user.pw_gid}
            with contextlib.suppress(Exception):
                import grp

                gids |= {g.gr_gid for g in grp.getgrall() if user.pw_name in g.gr_mem}
        for p in [path, *path.parents]:
            try:
                st = p.stat()
            except FileNotFoundError:
                continue
            if st.st_uid == uid:
                ok = st.st_mode & stat.S_IXUSR
            elif st.st_gid in gids:
                ok = st.st_mode & stat.S_IXGRP
            else:
                ok = st.st_mode & stat.S_IXOTH
            if not ok:
                return False
        return True

    # -- preparing directories --------------------------------------------------------------

    def _make_home(self) -> None:
        try:
            _mkdirs(self.home)
        except OSError as exc:
            raise LocalClusterError(f"cannot create RDTR_HOME {self.home}: {exc.strerror}") from exc
        if self.home.stat().st_uid == os.geteuid():
            os.chmod(self.home, 0o755)

    def _decide_locations(self, user: pwd.struct_passwd | None) -> None:
        """First start only: put data and socket where the server user can reach them, and record it."""
        if self.initialised():
            return
        if not self._pgdata_record.exists() and not self._can_traverse(self.home, user):
            _write_text(self._pgdata_record, f"{self._fallback_data_dir()}\n")
        if not self._socket_record.exists():
            inside = self.home / "run"
            if not self._socket_path_fits(inside) or not self._can_traverse(self.home, user):
                _write_text(self._socket_record, f"{self._fallback_socket_dir()}\n")

    def _prepare_dir(self, path: Path, user: pwd.struct_passwd | None, mode: int) -> None:
        """Create ``path`` owned by the server user with ``mode``; refuse a squatted /tmp directory."""
        _mkdirs(path.parent)
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=mode)
        st = path.lstat()
        if not stat.S_ISDIR(st.st_mode):
            raise LocalClusterError(f"{path} exists and is not a directory")
        want_uid = user.pw_uid if user else os.geteuid()
        if st.st_uid != want_uid:
            if not self._is_root():
                raise LocalClusterError(f"{path} belongs to another user (uid {st.st_uid}); remove it or "
                                        "set RDTR_HOME to another directory")
            os.chown(path, user.pw_uid if user else 0, user.pw_gid if user else 0)
        os.chmod(path, mode)

    def _write_config(self, user: pwd.struct_passwd | None, port: int, socket_dir: Path) -> None:
        data = self.data_dir
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(port),
            "unix_socket_directories": "'" + str(socket_dir).replace("'", "''") + "'",
            **SETTINGS,
        }
        body = "# Written by rdtr on every start; edit postgresql.auto.conf (ALTER SYSTEM) to override.\n"
        body += "".join(f"{k} = {v}\n" for k, v in settings.items())
        for name, text in (("rdtr.conf", body), ("pg_hba.conf", PG_HBA)):
            path = data / name
            _write_text(path, text, mode=0o600)
            if user is not None:
                os.chown(path, user.pw_uid, user.pw_gid)
        conf = data / "postgresql.conf"
        include = "include_if_exists = 'rdtr.conf'"
        if include not in conf.read_text():
            with conf.open("a") as fh:
                fh.write(f"\n# rdtr: settings for the embedded cluster\n{include}\n")

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
        return self._postmaster_pid() is not None

    def _connect(self, dbname: str):
        import psycopg2

        return psycopg2.connect(host=str(self.socket_dir), port=self._port(create=False), user=DB_USER,
                                dbname=dbname, connect_timeout=10, application_name="rdtr-local")

    # -- the lock ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _lock(self):
        self._make_home()
        path = self.home / ".lock"
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LocalClusterError(f"cannot open {path}: {exc.strerror} (was $RDTR_HOME made by another user?)"
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
                    f"are {major}; install postgresql-{found} or move {self.home} away to start afresh")
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
            cmd = self._as_user([str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "fast",
                                 "-w", "-t", str(STOP_TIMEOUT_S)], user)
            try:
                out = subprocess.run(cmd, capture_output=True, text=True, cwd="/", timeout=STOP_TIMEOUT_S + 30)
            except subprocess.TimeoutExpired as exc:
                raise LocalClusterError(self._with_log(
                    f"the embedded PostgreSQL did not stop within {STOP_TIMEOUT_S} s")) from exc
            if out.returncode != 0 and self.running():
                reason = ((out.stderr or out.stdout).strip().splitlines() or [f"pg_ctl exit {out.returncode}"])[-1]
                raise LocalClusterError(self._with_log(
                    f"could not stop the embedded PostgreSQL in {self.data_dir}: {reason}"))

    def status(self) -> dict:
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
                        cur.execute("SELECT split_part(current_setting('server_version'), ' ', 1), "
                                    "(SELECT extversion FROM pg_extension WHERE extname = 'postgis')")
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
            raise LocalClusterError(f"{data} exists, is not empty and holds no cluster (no PG_VERSION); "
                                    "remove it to let rdtr create one")
        self._prepare_dir(data, user, 0o700)
        locale = ["--locale=C.UTF-8"] if Path("/usr/lib/locale/C.utf8").exists() else ["--no-locale"]
        cmd = self._as_user([str(self.bindir / "initdb"), "-D", str(data), "-U", DB_USER, "-E", "UTF8",
                             *locale, "--auth=trust"], user)
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
        cmd = self._as_user([str(self.bindir / "pg_ctl"), "start", "-D", str(self.data_dir), "-w",
                             "-t", str(START_TIMEOUT_S)], user)
        # The log is opened here (as us) and inherited by the server: it works even when the server user
        # cannot reach $RDTR_HOME. pg_ctl detaches the server (setsid), so it outlives this process.
        with self._open_log() as log:
            log.write(f"\n=== rdtr: start on port {port} ({time.strftime('%Y-%m-%d %H:%M:%S')}) ===\n".encode())
            log.flush()
            try:
                out = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd="/",
                                     timeout=START_TIMEOUT_S + 30)
            except subprocess.TimeoutExpired as exc:
                raise LocalClusterError(self._with_log(
                    f"the embedded PostgreSQL did not start within {START_TIMEOUT_S} s")) from exc
        if out.returncode != 0:
            raise LocalClusterError(self._with_log(
                f"the embedded PostgreSQL in {self.data_dir} did not start (pg_ctl exit {out.returncode})"))
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
                    raise LocalClusterError(self._with_log(
                        f"the embedded PostgreSQL does not accept connections: {str(exc).strip().splitlines()[0]}"
                    )) from exc
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
                            f"could not create extension postgis: {str(exc).strip().splitlines()[0]}") from exc
        finally:
            conn.close()
