"""Names, ports, time-outs and server settings of the embedded cluster, and the error it raises."""

from __future__ import annotations

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
