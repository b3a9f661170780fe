"""``rdtr db``: the embedded default database and migrations."""

from __future__ import annotations

import typer

from rdtr.cli.common import app, console, fail, handles_errors, hide_password, print_json
from rdtr.config import get_settings

db_app = typer.Typer(
    help="The database: the embedded PostGIS cluster under $RDTR_HOME, and migrations.", no_args_is_help=True
)
app.add_typer(db_app, name="db")


def _cluster():
    from rdtr.db.local import LocalCluster

    return LocalCluster(get_settings().resolved_home())


def _embedded_only(action: str) -> None:
    if get_settings().database_url:
        fail(f"RDTR_DATABASE_URL is set: rdtr does not {action} that server; unset it to use the embedded cluster")


@db_app.command()
def start() -> None:
    """Start the embedded cluster (created on first start)."""
    from rdtr.db.local import LocalClusterError

    _embedded_only("start")
    try:
        url = _cluster().start()
    except LocalClusterError as exc:
        fail(str(exc))
    console.print(f"embedded PostGIS running: {url}", highlight=False, soft_wrap=True)


@db_app.command()
def stop() -> None:
    """Stop the embedded cluster (its data stays)."""
    from rdtr.db.local import LocalClusterError

    _embedded_only("stop")
    try:
        _cluster().stop()
    except LocalClusterError as exc:
        fail(str(exc))
    console.print("embedded PostGIS stopped")


@db_app.command()
def status(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Show which database is used and whether it runs."""
    settings = get_settings()
    if settings.database_url:
        from sqlalchemy import text

        from rdtr.db import Database

        info = {"embedded": False, "url": hide_password(settings.database_url), "running": False}
        try:
            with Database.open(pool_size=1) as db, db.engine.connect() as conn:
                info["running"] = True
                info["postgis"] = conn.execute(text("SELECT postgis_lib_version()")).scalar()
        except Exception as exc:  # noqa: BLE001 - report, don't crash
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()
            info["error"] = reason[0] if reason else type(exc).__name__
    else:
        info = {"embedded": True, **_cluster().status()}
    info = {k: (str(v) if not isinstance(v, (bool, int, float, type(None))) else v) for k, v in info.items()}
    if as_json:
        print_json(info)
    else:
        for key, value in info.items():
            console.print(f"{key:>12}: {value}", highlight=False, soft_wrap=True)
    if not info.get("running"):
        raise typer.Exit(1)


@db_app.command()
def url() -> None:
    """Print the database URL in use (does not start anything)."""
    from rdtr.db import database_url

    print(database_url(start=False))


@db_app.command()
@handles_errors
def upgrade() -> None:
    """Apply the schema migrations (starts the embedded cluster when needed)."""
    from rdtr.db import upgrade as do_upgrade
    from rdtr.db.local import LocalClusterError

    try:
        revision = do_upgrade()
    except LocalClusterError as exc:
        fail(str(exc))
    console.print(f"schema at revision {revision}")


@db_app.command("service-role")
@handles_errors
def service_role(
    name: str = typer.Argument(..., help="the login role `rdtr serve` will connect as"),
    password_env: str | None = typer.Option(
        None, "--password-env", metavar="VAR", help="set its password from this environment variable"
    ),
) -> None:
    """Create (or update) a login role in the rdtr_app group — what RDTR_DATABASE_URL of `rdtr serve` names.
    Runs as the schema owner (RDTR_OWNER_DATABASE_URL, else RDTR_DATABASE_URL)."""
    import os

    from rdtr.db import Database
    from rdtr.db.roles import ensure_login_role

    password = None
    if password_env:
        password = os.environ.get(password_env)
        if not password:
            fail(f"--password-env {password_env}: that environment variable is empty", 2)
    with Database.open(owner=True, pool_size=1) as db:
        ensure_login_role(db, name, password)
    console.print(f"{name}: a login role in rdtr_app", highlight=False)
