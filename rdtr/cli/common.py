"""Shared pieces of the command line: the Typer app, error handling, JSON output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import typer
from rich.console import Console

from rdtr.errors import DatabaseUnavailable, RdtrError, as_schema_missing

app = typer.Typer(
    name="rdtr",
    help="RDTR information system: what is permitted on this parcel, from a city's detailed spatial plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> None:
    """Print a one-line reason on stderr and exit."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def handles_errors(func: Callable) -> Callable:
    """Turn library errors into a one-line message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except RdtrError as exc:
            fail(exc.detail)
        except Exception as exc:  # a database without our schema, or one that went away: one line, no traceback
            missing = as_schema_missing(exc)
            if missing is not None:
                fail(missing.detail)
            if _database_gone(exc):
                fail(DatabaseUnavailable.DETAIL)
            raise
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper


def _database_gone(exc: BaseException) -> bool:
    """Whether ``exc`` (psycopg2 or SQLAlchemy) means the database connection failed."""
    import psycopg2
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, (OperationalError, psycopg2.OperationalError, psycopg2.InterfaceError))


def json_default(value: Any):
    """Dates as ISO strings for :func:`json.dumps`."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(document: Any) -> None:
    """Print the same JSON document the HTTP API returns."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=json_default) + "\n")


def open_db(owner: bool = False):
    """The database for one command: ``with open_db() as db:`` (``RDTR_DATABASE_URL`` — the owner's,
    ``RDTR_OWNER_DATABASE_URL``, for loads and tokens — or the embedded cluster, started when needed);
    closed when the command ends."""
    from rdtr.db import Database

    return Database.open(owner=owner, pool_size=2, max_overflow=2)


def parse_date(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` option value as a date (a usage error, exit 2, otherwise)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--at must be a date YYYY-MM-DD, got {value!r}", 2)
