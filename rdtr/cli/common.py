"""Shared pieces of the command line: the Typer app, error handling, JSON output."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from rdtr.errors import DatabaseUnavailable, RdtrError, as_schema_missing

app = typer.Typer(
    name="rdtr",
    help="RDTR information system: what is permitted on this parcel, from a city's detailed spatial plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Markup and emoji codes off: what the commands print comes from plans, files and users ("[itbx] codes",
# "[[parcels]]", ":100:") and must print as written. Styles are given as rich Text / ``style=``, never as markup.
console = Console(markup=False, emoji=False)
err_console = Console(stderr=True, markup=False, emoji=False)

#: Loggers whose "database unavailable" warning the command replaces with its own one-line error.
_DB_LOGGERS = ("rdtr.db", "rdtr.ingest")


def fail(message: str, code: int = 1) -> None:
    """Print a one-line reason on stderr (as written: no markup) and exit."""
    err_console.print(Text.assemble(("error:", "bold red"), " ", str(message)), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    """Print a warning on stderr (as written: no markup)."""
    err_console.print(Text.assemble(("warning:", "yellow"), " ", str(message)), highlight=False, soft_wrap=True)


def handles_errors(func: Callable) -> Callable:
    """Turn library errors into a one-line message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with quiet_database_warnings():
                return func(*args, **kwargs)
        except RdtrError as exc:
            fail(database_problem(exc) or exc.detail)
        except Exception as exc:  # a database without our schema, or one that went away: one line, no traceback
            missing = as_schema_missing(exc)
            if missing is not None:
                fail(missing.detail)
            problem = database_problem(exc)
            if problem:
                fail(problem)
            raise
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper


def database_gone(exc: BaseException) -> bool:
    """Whether ``exc`` (psycopg2 or SQLAlchemy) means the database connection failed."""
    import psycopg2
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, (OperationalError, psycopg2.OperationalError, psycopg2.InterfaceError))


def database_problem(exc: BaseException) -> str | None:
    """One line for a database that cannot be reached — which setting names it and the driver's reason, never
    its host, socket or password — or None when ``exc`` is something else. The embedded cluster's own errors
    (``LocalClusterError``) and a missing schema already say what to do and are kept."""
    from rdtr.db.local import LocalClusterError
    from rdtr.errors import SchemaMissing

    if isinstance(exc, (LocalClusterError, SchemaMissing)):
        return None
    if isinstance(exc, DatabaseUnavailable):
        cause = exc.__cause__ or exc.__context__
    elif database_gone(exc):
        cause = exc
    else:
        return None
    if cause is not None and as_schema_missing(cause) is not None:
        return None
    lines = str(getattr(cause, "orig", cause) or "").strip().splitlines() if cause is not None else []
    # 'connection to server at "host", port 1 failed: Connection refused' → 'Connection refused'
    reason = lines[0].rsplit("failed:", 1)[-1].strip().removeprefix("FATAL:").strip() if lines else ""
    reason = f" ({reason})" if reason else ""
    from rdtr.config import get_settings

    settings = get_settings()
    named = [
        v
        for v, url in (
            ("RDTR_DATABASE_URL", settings.database_url),
            ("RDTR_OWNER_DATABASE_URL", settings.owner_database_url),
        )
        if url
    ]
    if not named:
        return f"the database is unavailable: the embedded cluster does not answer{reason}; `rdtr db status` says why"
    return (
        f"the database is unavailable: cannot connect with {' or '.join(named)}{reason} — "
        "check it, or unset it to use the embedded cluster"
    )


def hide_password(url: str) -> str:
    """``url`` with its password shown as ``***``."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL SQLAlchemy reads: show nothing of it
        return "(unreadable URL)"


class _NoUnavailableWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("database unavailable")


@contextlib.contextmanager
def quiet_database_warnings():
    """While a command runs, drop the library's "database unavailable" log line: the command prints its own."""
    quiet = _NoUnavailableWarning()
    loggers = [logging.getLogger(name) for name in _DB_LOGGERS]
    for lg in loggers:
        lg.addFilter(quiet)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(quiet)


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


# --- answers in words: shared by lookup, analyze and check ------------------------------------------

CLASS_STYLE = {"I": "bold green", "T": "bold yellow", "B": "bold dark_orange", "X": "bold red"}

#: The answer to "may I do this here?" for each ITBX class: Indonesian, English (None: not in the matrix).
VERDICTS = {
    "I": ("Diizinkan", "permitted"),
    "T": ("Diizinkan terbatas", "permitted with limits"),
    "B": ("Diizinkan bersyarat", "permitted on conditions"),
    "X": ("Tidak diizinkan", "not permitted"),
    None: ("Tidak tercantum", "not listed in this plan's ITBX matrix"),
}

#: What a zone is for, in one line (zone codes of Permen ATR/BPN No. 14 Tahun 2021).
ZONE_PURPOSE = {
    "R": "housing",
    "K": "trade and services",
    "C": "mixed use: housing with trade, services and offices",
    "KT": "offices",
    "SPU": "public services (schools, health, worship, sport)",
    "RTH": "green open space (no buildings beyond its facilities)",
    "KPI": "industrial estate",
    "I": "industry",
    "P": "agriculture",
    "IK": "fisheries",
    "PS": "local protection of a river, lake or coast (kept free of buildings)",
    "EM": "mangrove ecosystem (protected)",
    "BA": "water body",
    "BJ": "road",
    "TR": "transport facilities",
    "PTL": "power generation",
    "HK": "protected forest",
    "W": "tourism",
    "HAN": "defence and security",
}


def fmt(value, unit: str = "") -> str:
    """A value for a table: ``—`` for none, thousands grouped, at most two decimals, then its unit."""
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = str(value)
    return f"{text}{unit}"


def _rule_short(rule: dict) -> str:
    """A condition in a few words: its structured constraints, else its text (shortened)."""
    parts = []
    for key, words in (
        ("max_footprint_share_pct", "footprint ≤ {}% of the lot"),
        ("max_floor_area_m2", "floor area ≤ {} m²"),
        ("max_floors", "≤ {} floors"),
        ("max_height_m", "height ≤ {} m"),
        ("min_lot_area_m2", "lot ≥ {} m²"),
        ("max_lot_area_m2", "lot ≤ {} m²"),
        ("hours", "open {}"),
    ):
        if rule.get(key) is not None:
            parts.append(words.format(fmt(rule[key])))
    if rule.get("requires"):
        parts.append("requires " + "; ".join(rule["requires"]))
    if parts:
        return ", ".join(parts)
    text = rule.get("text") or ""
    return (text if len(text) <= 70 else text[:69].rstrip() + "…") + " (in words only: an officer reviews it)"


def rules_of(a: dict) -> list[dict]:
    """The activity's conditions as rules (``condition_rules``; else its codes with their texts)."""
    if a.get("condition_rules"):
        return a["condition_rules"]
    codes = [c for c in a.get("codes") or [] if len(c) > 1]
    return [{"code": c, "text": t} for c, t in zip(codes, a.get("conditions") or [])]


def verdict_lines(a: dict, where: str = "", rules: list[tuple[str, dict]] | None = None) -> list[Text]:
    """The answer for an activity first: Indonesian and English verdict in its class colour, the activity,
    where it applies, then each condition in short."""
    cls = a.get("class")
    words, english = VERDICTS.get(cls, VERDICTS[None])
    head = Text.assemble(
        (f"{words} — {english}", CLASS_STYLE.get(cls, "bold yellow")),
        ": ",
        (f"{a['code']} {a.get('name') or ''}".strip(), "bold"),
    )
    lines = [head]
    if where:
        lines.append(Text(f"  {where}", style="dim"))
    for scope, rule in rules if rules is not None else [("", r) for r in rules_of(a)]:
        lines.append(Text(f"  {rule['code']}{f' ({scope})' if scope else ''}: {_rule_short(rule)}"))
    return lines


def purpose_line(z: dict, share: float | None = None) -> Text:
    """Without an activity the answer is the sub-zone, and in one line what it is for."""
    purpose = ZONE_PURPOSE.get((z.get("zone_code") or "").upper())
    t = Text.assemble((f"{z['subzone_code']} {z.get('subzone_name') or ''}".strip(), "bold"))
    zone = z.get("zone_name") or z.get("zone_code")
    t.append(f" ({zone}{f', {share * 100:.1f}% of the parcel' if share is not None else ''})" if zone else "")
    return t.append(f" — {purpose}" if purpose else "")
