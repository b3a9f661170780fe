"""``rdtr serve`` and ``rdtr demo``."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from rdtr.cli.common import app, console, fail, handles_errors, open_db

SAMPLE_PACKAGE = Path(__file__).resolve().parents[2] / "data" / "zoning" / "bontang"


def _serve(host: str, port: int, workers: int) -> None:
    """Serve ``api.app:create_app`` with granian: its HTTP layer is Rust, so a short answer's CPU goes to the
    answer (measured against uvicorn + httptools in bench/README.md)."""
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces, Loops, RuntimeModes

    from rdtr.db import database_url
    from rdtr.db.local import LocalClusterError

    try:
        # Start the embedded cluster once here, and hand its URL to the workers.
        os.environ["RDTR_DATABASE_URL"] = database_url()
    except LocalClusterError as exc:
        fail(str(exc))
    console.print(f"rdtr API on http://{host}:{port}  (docs: http://{host}:{port}/docs)", highlight=False)
    Granian("api.app:create_app", factory=True, address=host, port=port, interface=Interfaces.ASGI,
            workers=max(1, workers), runtime_mode=RuntimeModes.st, loop=Loops.uvloop, http=HTTPModes.http1,
            websockets=False, log_level="warning", respawn_failed_workers=True).serve()


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    port: int = typer.Option(8000, help="TCP port"),
    workers: int = typer.Option(1, help="worker processes (production: 2 or more)"),
) -> None:
    """Serve the HTTP API and the web page."""
    _serve(host, port, workers)


@app.command()
@handles_errors
def demo(
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    workers: int = typer.Option(2),
    package: Path = typer.Option(SAMPLE_PACKAGE, help="plan package to load"),
) -> None:
    """Start the local database, migrate, load the sample plan (once), serve."""
    from rdtr.db import upgrade
    from rdtr.errors import Conflict
    from rdtr.ingest import ingest_package

    revision = upgrade()
    console.print(f"schema at revision {revision}")
    try:
        with open_db() as db:
            result = ingest_package(db, package)
        console.print(f"loaded {result.plan_id} version {result.version}", highlight=False)
    except Conflict as exc:  # the identical package is already loaded: nothing to do
        console.print(f"sample already loaded ({exc.detail})", highlight=False)
    _serve(host, port, workers)
