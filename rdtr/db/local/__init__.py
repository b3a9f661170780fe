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

Modules: :mod:`~rdtr.db.local.cluster` (:class:`LocalCluster`: start, stop, status, the lock),
:mod:`~rdtr.db.local.layout` (where its files live, its port, the server user, its configuration),
:mod:`~rdtr.db.local.binaries` (finding PostgreSQL and PostGIS), :mod:`~rdtr.db.local.config` (names,
limits, server settings, :class:`LocalClusterError`) and :mod:`~rdtr.db.local.os_helpers`.
"""

from rdtr.db.local.binaries import find_pg_bin
from rdtr.db.local.cluster import LocalCluster
from rdtr.db.local.config import (
    BASE_PORT,
    DB_NAME,
    DB_USER,
    INITDB_TIMEOUT_S,
    PG_HBA,
    PORT_SPREAD,
    SERVER_BINARIES,
    SETTINGS,
    SOCKET_NAME_MAX,
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    UNIX_SOCKET_PATH_MAX,
    LocalClusterError,
)

__all__ = [
    "BASE_PORT",
    "DB_NAME",
    "DB_USER",
    "INITDB_TIMEOUT_S",
    "PG_HBA",
    "PORT_SPREAD",
    "SERVER_BINARIES",
    "SETTINGS",
    "SOCKET_NAME_MAX",
    "START_TIMEOUT_S",
    "STOP_TIMEOUT_S",
    "UNIX_SOCKET_PATH_MAX",
    "LocalCluster",
    "LocalClusterError",
    "find_pg_bin",
]
