"""Where the embedded cluster keeps its files, the port it listens on, the user its server runs as, and
preparing its directories and configuration: the base of :class:`rdtr.db.local.cluster.LocalCluster`."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

from rdtr.db.local.binaries import _has_server_binaries, find_pg_bin
from rdtr.db.local.config import (
    BASE_PORT,
    PG_HBA,
    PORT_SPREAD,
    SETTINGS,
    SOCKET_NAME_MAX,
    UNIX_SOCKET_PATH_MAX,
    LocalClusterError,
)
from rdtr.db.local.os_helpers import _mkdirs, _port_free, _read_text, _short_hash, _write_text


class ClusterLayout:
    """The files, port and server user of a cluster under ``home`` (``$RDTR_HOME``, default ``./.rdtr``)."""

    def __init__(self, home: Path | str | None = None):
        if home is None:
            home = os.environ.get("RDTR_HOME") or ".rdtr"
        self.home: Path = Path(home).expanduser().resolve()
        self._hash = _short_hash(str(self.home))
        self._bindir: Path | None = None

    # -- where things are -------------------------------------------------------------------

    @property
    def log_file(self) -> Path:
        """The server log."""
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
        """The data directory (``pgdata`` in the home, or where ``pgdata-location`` says)."""
        recorded = _read_text(self._pgdata_record)
        return Path(recorded) if recorded else self.home / "pgdata"

    @property
    def socket_dir(self) -> Path:
        """The unix-socket directory (``run`` in the home, or a short one under /tmp)."""
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
        """The data directory holds a cluster (PG_VERSION)."""
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
            raise LocalClusterError(
                "PostgreSQL refuses to run as root and there is no 'postgres' user; "
                "create one (useradd --system postgres) or run rdtr as a normal user"
            )
        nologin = next(
            (p for p in ("/usr/sbin/nologin", "/sbin/nologin", "/bin/false") if Path(p).exists()), "/bin/false"
        )
        out = subprocess.run(
            [useradd, "--system", "--no-create-home", "--user-group", "--shell", nologin, "rdtr"],
            capture_output=True,
            text=True,
        )
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
        raise LocalClusterError(
            "running as root needs 'runuser' or 'setpriv' (util-linux) to start PostgreSQL "
            "as an unprivileged user; install util-linux or run rdtr as a normal user"
        )

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
                raise LocalClusterError(
                    f"{path} belongs to another user (uid {st.st_uid}); remove it or set RDTR_HOME to another directory"
                )
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
