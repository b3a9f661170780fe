"""``rdtr serve`` and ``rdtr demo``."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from rdtr.cli.common import app, console, database_problem, fail, handles_errors, open_db, warn

SAMPLE_PACKAGE = Path(__file__).resolve().parents[2] / "data" / "zoning" / "bontang"


def _service_urls(allow_superuser: bool) -> None:
    """Point RDTR_DATABASE_URL at the role the service answers as, and check it (before any worker starts).

    With the embedded default this command sets up both roles itself: the cluster's superuser owns the schema
    (RDTR_OWNER_DATABASE_URL), the service runs as the login role rdtr_service in rdtr_app.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from rdtr.config import get_settings
    from rdtr.db import Database, database_url
    from rdtr.db.engine import using_embedded
    from rdtr.db.local import LocalClusterError
    from rdtr.db.roles import SERVICE_ROLE, RoleRefused, check_service_role, ensure_login_role
    from rdtr.errors import RdtrError

    try:
        url = database_url()
        if using_embedded():
            with Database(url, pool_size=1) as owner_db:
                ensure_login_role(owner_db, SERVICE_ROLE)
            os.environ["RDTR_OWNER_DATABASE_URL"] = url
            url = make_url(url).set(username=SERVICE_ROLE).render_as_string(hide_password=False)
        os.environ["RDTR_DATABASE_URL"] = url  # the workers use exactly this
        if allow_superuser:
            os.environ["RDTR_ALLOW_SUPERUSER"] = "true"
        get_settings.cache_clear()
        with Database(url, pool_size=1) as db:
            role = check_service_role(db, allow_superuser or get_settings().allow_superuser)
    except LocalClusterError as exc:
        fail(str(exc))
    except RoleRefused as exc:
        fail(exc.detail)
    except DBAPIError as exc:
        if "rdtr_app" in str(exc):
            fail("the database is not migrated to this version (no rdtr_app role): run `rdtr db upgrade`")
        fail(database_problem(exc) or str(exc).strip().splitlines()[0])
    except RdtrError as exc:  # the database is unavailable (the library's own error)
        fail(database_problem(exc) or exc.detail)
    if not role["app_member"]:
        warn(
            f"{role['user']!r} is not a member of rdtr_app: answers may be "
            "refused by the database (see README, 'Database roles')"
        )


def _check_port_free(host: str, port: int) -> None:
    """Refuse a port something already listens on. granian binds with SO_REUSEPORT, so without this check a
    second server (another `rdtr serve` or `rdtr demo`) would silently share the port with the first one and
    each request would go to either."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        fail(f"--host {host}: {exc.strerror}", 2)
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            fail(
                f"cannot listen on {host}:{port}: {exc.strerror} — another server (rdtr serve or rdtr demo?) "
                "uses it; stop it or choose another port with --port"
            )


#: How long a worker may take to finish its requests once asked to stop (s), before granian kills it. Without a
#: bound, a worker that was itself interrupted while starting (Ctrl-C reaches the whole process group) never
#: answers the stop, and the server — and `rdtr demo`'s embedded database — waited for it forever.
WORKER_STOP_S = 10


def _serve(host: str, port: int, workers: int, allow_superuser: bool = False) -> None:
    """Serve ``api.app:create_app`` with granian: its HTTP layer is Rust, so a short answer's CPU goes to the
    answer (measured against uvicorn + httptools in bench/README.md)."""
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces, Loops, RuntimeModes

    from rdtr.config import get_settings
    from rdtr.db.engine import using_embedded
    from rdtr.safe_open import sweep_stale_temp

    sweep_stale_temp()  # what a killed process left (rdtr's own folders only: by prefix and age)
    _check_port_free(host, port)
    embedded = using_embedded()
    _service_urls(allow_superuser)  # starts the embedded cluster once here; the workers get its URL
    if not get_settings().public_url and embedded:
        # A local set-up: its verification links point where this command serves, as configured here.
        os.environ["RDTR_PUBLIC_URL"] = f"http://{host}:{port}"
        get_settings.cache_clear()  # the workers are forked from here: they must not inherit the settings without it
    elif not get_settings().public_url:
        warn(
            "RDTR_PUBLIC_URL is not set: extracts (KKPR map extracts with "
            "their verification QR code) will be refused with 503 until it names this "
            "service's public address"
        )
    console.print(
        f"rdtr API on http://{host}:{port}  (docs: http://{host}:{port}/docs; Ctrl-C stops it)",
        highlight=False,
        soft_wrap=True,
    )
    Granian(
        "api.app:create_app",
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=max(1, workers),
        runtime_mode=RuntimeModes.st,
        loop=Loops.uvloop,
        http=HTTPModes.http1,
        websockets=False,
        log_level="warning",
        respawn_failed_workers=True,
        workers_kill_timeout=WORKER_STOP_S,
    ).serve()


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    port: int = typer.Option(8000, help="TCP port"),
    workers: int = typer.Option(1, help="worker processes (production: 2 or more)"),
    allow_superuser: bool = typer.Option(
        False, "--allow-superuser", help="run even as a superuser or the schema owner (debugging only)"
    ),
) -> None:
    """Serve the HTTP API and the web page (as a member of rdtr_app: see README, 'Database roles')."""
    _serve(host, port, workers, allow_superuser)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    workers: int = typer.Option(2),
    package: Path = typer.Option(SAMPLE_PACKAGE, help="plan package to load"),
    keep_db: bool = typer.Option(
        False, "--keep-db", help="leave the embedded database running when the demo ends (`rdtr db stop` stops it)"
    ),
) -> None:
    """Start the local database, migrate, load the sample plan (once), serve; Ctrl-C stops the server and the
    embedded database this command started (unless --keep-db)."""
    cluster = _embedded_cluster()
    started_here = cluster is not None and not cluster.running()
    try:
        _demo_setup(package)
        _serve(host, port, workers)  # not under handles_errors: its workers are forked from here
    except KeyboardInterrupt:
        pass  # Ctrl-C while setting up or serving: the same end as granian's own shutdown
    finally:
        _stop_started(cluster, started_here and not keep_db)


@handles_errors
def _demo_setup(package: Path) -> None:
    """Migrate and load the sample plan once (a second load of the identical package is a no-op)."""
    from rdtr.db import upgrade
    from rdtr.errors import Conflict
    from rdtr.ingest import ingest_package

    revision = upgrade()
    console.print(f"schema at revision {revision}")
    try:
        with open_db(owner=True) as db:
            result = ingest_package(db, package)
        console.print(f"loaded {result.plan_id} version {result.version}", highlight=False)
    except Conflict as exc:  # the identical package is already loaded: nothing to do
        console.print(f"sample already loaded ({exc.detail})", highlight=False, soft_wrap=True)


def _embedded_cluster():
    """The embedded cluster when it is the database (RDTR_DATABASE_URL unset), else None."""
    from rdtr.config import get_settings
    from rdtr.db.engine import using_embedded
    from rdtr.db.local import LocalCluster

    return LocalCluster(get_settings().resolved_home()) if using_embedded() else None


def _stop_started(cluster, stop: bool) -> None:
    """At the demo's end: stop the embedded cluster it started (``stop``), or say that it still runs."""
    from rdtr.db.local import LocalClusterError

    if cluster is None or not cluster.running():
        return
    if not stop:
        console.print(f"the embedded database under {cluster.home} is still running: `rdtr db stop` stops it")
        return
    try:
        cluster.stop()
        console.print("embedded PostGIS stopped (rdtr demo --keep-db leaves it running)")
    except LocalClusterError as exc:
        warn(f"could not stop the embedded database: {exc.detail}")
