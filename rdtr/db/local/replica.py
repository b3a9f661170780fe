"""A streaming standby of the embedded cluster on this machine: ``pg_basebackup -R`` of the running
cluster, started on another loopback port (for the read-replica tests, and to try replicas locally).

The embedded cluster already allows it: ``pg_hba.conf`` trusts replication on its socket and on 127.0.0.1,
and PostgreSQL's defaults (``wal_level = replica``, ``max_wal_senders = 10``) stream WAL. The standby's
data and socket live in a fresh directory (by default under the system's temporary folder; the server user
must reach it: pytest's own folders are 0700 root), removed by :meth:`LocalReplica.remove`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from rdtr.db.local.cluster import LocalCluster
from rdtr.db.local.config import DB_USER, START_TIMEOUT_S, STOP_TIMEOUT_S, LocalClusterError
from rdtr.db.local.os_helpers import _log_tail, _port_free

BASEBACKUP_TIMEOUT_S = 300


class LocalReplica:
    """A hot standby of a running :class:`LocalCluster`, streaming from it over its unix socket."""

    def __init__(self, primary: LocalCluster, base: Path | None = None):
        """A standby of ``primary`` to be made in ``base`` (created; default: a new folder under the system's
        temporary folder); nothing runs until :meth:`start`."""
        self.primary = primary
        self.user = primary._server_user(create=False)
        if base is None:
            self.base = Path(tempfile.mkdtemp(prefix="rdtr-replica-"))
        else:
            self.base = Path(base)
            self.base.mkdir(mode=0o700)
        self.data_dir = self.base / "data"
        self.log_file = self.base / "postgres.log"
        self.port: int | None = None
        if self.user is not None:
            os.chown(self.base, self.user.pw_uid, self.user.pw_gid)

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` on the standby (TCP on 127.0.0.1)."""
        return f"postgresql+psycopg2://{DB_USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> LocalReplica:
        """Copy the primary (the first time) and start the standby unless it runs; returns once it accepts
        connections."""
        if not self.data_dir.exists():
            self._run(
                [
                    "pg_basebackup",
                    *("-h", str(self.primary.socket_dir), "-p", str(self.primary._port(create=False))),
                    *("-U", DB_USER, "-D", str(self.data_dir), "-R", "-X", "stream", "-c", "fast"),
                ],
                BASEBACKUP_TIMEOUT_S,
            )
        self.port = self.port or _free_port(int(self.primary._port(create=False)) + 1)
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"
        if not (self.data_dir / "postmaster.pid").exists():  # pg_ctl start refuses a running server
            self._run(["pg_ctl", "start", "-D", str(self.data_dir), "-w", "-t", str(START_TIMEOUT_S), "-o", options])
        self._wait_accepting()
        return self

    def stop(self) -> None:
        """Stop the standby (fast shutdown); its data stays for a later :meth:`start`."""
        if (self.data_dir / "postmaster.pid").exists():
            self._run(["pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", str(STOP_TIMEOUT_S)])

    def remove(self) -> None:
        """Stop the standby and delete its directory."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def _run(self, cmd: list[str], timeout: float = START_TIMEOUT_S + 30) -> None:
        cmd = self.primary._as_user([str(self.primary.bindir / cmd[0]), *cmd[1:]], self.user)
        with self.log_file.open("ab") as log:  # opened by us, inherited by the server (it detaches)
            out = subprocess.run(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd="/", timeout=timeout
            )
        if out.returncode != 0:
            what = next(Path(part).name for part in cmd if part.startswith(str(self.primary.bindir)))
            raise LocalClusterError(f"{what} failed (exit {out.returncode})\n{_log_tail(self.log_file)}")

    def _wait_accepting(self) -> None:
        import psycopg2

        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                psycopg2.connect(host="127.0.0.1", port=self.port, user=DB_USER, dbname="postgres").close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise LocalClusterError(
                        f"the standby does not accept connections\n{_log_tail(self.log_file)}"
                    ) from None
                time.sleep(0.2)


def _free_port(start: int) -> int:
    for port in range(start, start + 200):
        if _port_free(port):
            return port
    raise LocalClusterError(f"no free port on 127.0.0.1 in {start}–{start + 199} for the standby")
