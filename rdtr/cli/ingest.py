"""``rdtr ingest``, ``rdtr plans`` and ``rdtr token``."""

from __future__ import annotations

import json
import sys
from datetime import UTC
from pathlib import Path

import typer
from rich.text import Text

from rdtr.cli.common import (
    app,
    console,
    database_problem,
    err_console,
    fail,
    handles_errors,
    open_db,
    print_json,
    quiet_database_warnings,
)
from rdtr.errors import PackageError, RdtrError
from rdtr.messages import Message, dumps, say
from rdtr.numbers import format_number

token_app = typer.Typer(
    help="API tokens (stored hashed): officer tokens make extracts, admin tokens also upload plans.",
    no_args_is_help=True,
)
app.add_typer(token_app, name="token")

MAX_LINES = 25


def _write_report(path: Path | None, report: dict | None, lang: str = "en") -> None:
    if path is None or report is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = json.loads(dumps(report, lang)) if lang != "en" else report  # its messages in the language asked
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def print_summary(report: dict, stream=None, lang: str = "en") -> None:
    """The human summary of a validation report: counts, then errors, warnings and repairs, in ``lang``."""
    from rdtr.ingest.report import format_item

    out = stream or err_console
    counts = report.get("counts", {})
    shown = [
        "zones",
        "subzones",
        "activities",
        "itbx_cells",
        "itbx_codes",
        "intensity_rows",
        "tpz_codes",
        "overlays",
        "zones_repaired",
        "overlaps",
        "gaps",
    ]
    parts = [
        f"{say(Message('cli_count_' + k), lang)}: {format_number(counts[k], 0, lang)}" for k in shown if k in counts
    ]
    if parts:
        out.print("  " + " · ".join(parts), highlight=False)
    info = report.get("info", {})
    if info.get("source_crs"):
        out.print("  " + say(Message("cli_source_crs", crs=info["source_crs"]), lang), highlight=False)
    for title, key, style in (
        ("cli_errors", "errors", "red"),
        ("cli_warnings", "warnings", "yellow"),
        ("cli_repaired", "repaired", "cyan"),
    ):
        items = report.get(key) or []
        total = report.get(f"n_{key}", len(items))
        if not total:
            continue
        out.print(Text(say(Message(title, count=total), lang), style=f"bold {style}"), highlight=False)
        for item in items[:MAX_LINES]:
            out.print(f"  - {say(format_item(item), lang)}", highlight=False, markup=False, soft_wrap=True)
        if total > MAX_LINES:
            out.print("  " + say(Message("cli_more", count=total - MAX_LINES), lang), highlight=False)


@app.command()
def ingest(
    package: Path = typer.Argument(..., help="plan package: a folder with plan.toml, or a .zip of one"),
    dry_run: bool = typer.Option(False, "--dry-run", help="validate fully, write nothing"),
    report: Path | None = typer.Option(None, "--report", help="write the validation report as JSON to this file"),
    lang: str = typer.Option("en", "--lang", help="language of the report and its messages: en or id"),
) -> None:
    """Validate a plan package and load it as the plan's next version (all or nothing)."""
    from rdtr.ingest import ingest_package
    from rdtr.safe_open import sweep_stale_temp

    if lang not in ("id", "en"):
        fail(f"--lang must be id or en, got {lang!r}", 2)

    sweep_stale_temp()  # what a killed process left (rdtr's own folders only: by prefix and age)

    try:
        with quiet_database_warnings(), open_db(owner=True) as db:
            result = ingest_package(db, package, dry_run=dry_run, progress=sys.stderr.isatty())
    except PackageError as exc:
        _write_report(report, exc.report, lang)
        if exc.report:
            print_summary(exc.report, lang=lang)
        fail(say(Message("cli_not_loaded", package=str(package), detail=exc.detail), lang))
    except Exception as exc:  # noqa: BLE001 - library errors and an unreachable database: one line
        problem = database_problem(exc)
        if problem is None and not isinstance(exc, RdtrError):
            raise
        detail = problem or exc.detail
        _write_report(report, {"ok": False, "source": str(package), "errors": [{"message": detail}]}, lang)
        fail(say(Message("cli_not_loaded", package=str(package), detail=detail), lang))
    _write_report(report, result.report, lang)
    print_summary(result.report, lang=lang)
    done = {"plan": result.plan_id, "version": str(result.version)}
    if result.dry_run:
        if result.report.get("changes"):  # the diff against the version in force before (rdtr.answers.changes)
            from rdtr.answers.changes import summary_line

            changes = Message("cli_changes", summary=summary_line(result.report["changes"]))
            console.print(say(changes, lang), highlight=False, soft_wrap=True)
        valid = say(Message("cli_valid", **done), lang)
        console.print(Text.assemble((say(Message("cli_valid_word"), lang), "green"), valid), highlight=False)
    else:
        loaded = (say(Message("cli_loaded_word"), lang), "green")
        console.print(Text.assemble(loaded, say(Message("cli_loaded", **done), lang)), highlight=False)


@app.command()
@handles_errors
def plans(as_json: bool = typer.Option(False, "--json", help="print the JSON of GET /v1/plans")) -> None:
    """The plans and their versions (legal basis, effective date, zones)."""
    from rdtr.ingest.catalog import get_plan, list_plans

    with open_db() as db:
        doc = list_plans(db)
        details = [get_plan(db, p["id"]) for p in doc["plans"]] if not as_json else []
    if as_json:
        print_json(doc)
        return
    if not doc["plans"]:
        console.print("no plans loaded yet: rdtr ingest PACKAGE")
        return
    for plan in details:
        console.print(Text.assemble((plan["id"], "bold"), f"  {plan['name']}"), highlight=False, soft_wrap=True)
        for v in plan["versions"]:
            line = Text(
                f"  v{v['version']:<3} from {v['effective_from']}  {v['legal_basis']}  "
                f"({v['zones']:,} zones, loaded {v['loaded_at'][:10]})"
            )
            if v["in_force"]:
                line.append("  ← in force", style="green")
            console.print(line, highlight=False, soft_wrap=True)


@token_app.command("create")
@handles_errors
def token_create(
    role: str = typer.Option(..., "--role", help="officer or admin"),
    name: str = typer.Option(..., "--name", help="who or what uses the token"),
    expires: str | None = typer.Option(
        None, "--expires", help="refuse the token after this date (YYYY-MM-DD, end of that day UTC) or time (ISO 8601)"
    ),
    plans: list[str] | None = typer.Option(
        None,
        "--plan",
        help="scope the token to this plan id (repeat for several); without --plan it acts on every plan",
    ),
) -> None:
    """Create a token and print it alone on stdout (it is stored hashed: keep it now); with --plan it may
    upload, issue extracts and manage watches for those plans only."""
    from rdtr.auth import ROLES, create_token

    if role not in ROLES:
        fail(f"--role must be one of {', '.join(ROLES)}, got {role!r}", 2)
    expires_at = _expiry(expires) if expires else None
    with open_db(owner=True) as db:
        token = create_token(db, name, role, plans=plans, expires_at=expires_at)
    sys.stdout.write(token + "\n")


def _expiry(value: str):
    from datetime import datetime, time, timedelta

    try:
        if len(value) == 10:
            return datetime.combine(datetime.fromisoformat(value).date() + timedelta(days=1), time(), UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--expires must be a date YYYY-MM-DD or an ISO 8601 time, got {value!r}", 2)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@token_app.command("list")
@handles_errors
def token_list(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """The tokens: name, role, plans (its scope), created, expires, revoked (never a token)."""
    from rdtr.auth import list_tokens

    with open_db(owner=True) as db:
        doc = list_tokens(db)
    if as_json:
        print_json(doc)
        return
    for t in doc["tokens"]:
        state = f"revoked {t['revoked']}" if t["revoked"] else (f"expires {t['expires']}" if t["expires"] else "active")
        scope = "plans " + ",".join(t["plans"]) if t["plans"] else "all plans"
        console.print(
            f"{t['name']}  {t['role']}  {scope}  created {t['created']}  {state}", highlight=False, soft_wrap=True
        )


@app.command("audit")
@handles_errors
def audit_log(
    as_json: bool = typer.Option(False, "--json", help="print the JSON of GET /v1/audit"),
    action: str | None = typer.Option(None, "--action", help="only this action (e.g. plan.upload)"),
) -> None:
    """The audit log, newest first: uploads accepted or rejected, tokens created or revoked, extracts issued."""
    from rdtr.audit import entries

    with open_db(owner=True) as db:
        doc = entries(db, action=action)
    if as_json:
        print_json(doc)
        return
    for e in doc["entries"]:
        line = f"{e['at']}  {e['actor']}  {e['action']}  {e['target'] or ''}"
        if e["action"] == "token.create":  # the scope a token was given is part of what was decided
            plans = (e.get("detail") or {}).get("plans")
            line += f"  {e['detail'].get('role', '')} " + ("plans " + ",".join(plans) if plans else "all plans")
        console.print(line, highlight=False, soft_wrap=True)


@token_app.command("revoke")
@handles_errors
def token_revoke(name: str = typer.Option(..., "--name", help="revoke every active token with this name")) -> None:
    """Revoke tokens by name."""
    from rdtr.auth import revoke_token

    with open_db() as db:
        n = revoke_token(db, name)
    if not n:
        fail(f"no active token named {name!r}")
    console.print(f"revoked {n} token{'s' if n > 1 else ''} named {name!r}", highlight=False)
