"""``rdtr check``: does a proposed activity and building conform to the plan on a parcel?"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rdtr.cli.answers import read_parcels
from rdtr.cli.common import app, console, fail, handles_errors, open_db, parse_date, print_json

VERDICT_STYLES = {
    "conforms": "bold green",
    "conforms_with_conditions": "bold dark_orange",
    "does_not_conform": "bold red",
    "needs_review": "bold yellow",
}
RESULTS = {"pass": ("pass", "green"), "fail": ("FAIL", "bold red"), "not_checked": ("not checked", "yellow")}


def read_proposal(file: Path | None) -> dict:
    """The JSON object of ``--proposal FILE.json`` (``{}`` without one); a usage error (exit 2) otherwise."""
    if file is None:
        return {}
    try:
        proposal = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"--proposal {file}: cannot read a JSON object: {exc}", 2)
    if not isinstance(proposal, dict):
        fail(f'--proposal {file} must hold a JSON object such as {{"floors": 2}}', 2)
    return proposal


def _proposal(file: Path | None, options: dict, documents: list[str]) -> dict:
    """The proposal from ``--proposal FILE.json`` with the options on top (the options win)."""
    proposal = read_proposal(file)
    proposal.update({k: v for k, v in options.items() if v is not None})
    if documents:
        proposal["documents"] = [*proposal.get("documents", []), *documents]
    return proposal


@app.command()
@handles_errors
def check(
    parcel: str = typer.Argument(
        ..., metavar="PARCEL", help="vector file (GeoJSON, GPKG, Shapefile, .zip, KML …) or - for GeoJSON on stdin"
    ),
    activity: str = typer.Option(..., "--activity", "-a", help="activity code, exact name or KBLI code"),
    proposal_file: Path | None = typer.Option(None, "--proposal", help="the proposal as a JSON object"),
    footprint: float | None = typer.Option(None, "--footprint", help="footprint, m²"),
    floor_area: float | None = typer.Option(None, "--floor-area", help="total floor area, m²"),
    floors: int | None = typer.Option(None, "--floors", help="number of floors"),
    height: float | None = typer.Option(None, "--height", help="building height, m"),
    green: float | None = typer.Option(None, "--green", help="green area, m²"),
    setback: float | None = typer.Option(None, "--setback", help="setback from the road line, m"),
    hours: str | None = typer.Option(None, "--hours", help="opening hours HH:MM-HH:MM"),
    document: list[str] = typer.Option([], "--document", help="an approval or document held (repeatable)"),
    at: str | None = typer.Option(None, "--at", help="date YYYY-MM-DD (default today)"),
    plan: str | None = typer.Option(None, "--plan", help="only this plan id"),
    sliver_share: float | None = typer.Option(None, "--sliver-share", help="sliver threshold (default 0.01)"),
    lang: str = typer.Option("en", "--lang", help="language of the reasons: id or en"),
    layer: str | None = typer.Option(None, "--layer", help="layer of a multi-layer file"),
    as_json: bool = typer.Option(False, "--json", help="print the JSON document the HTTP API returns"),
) -> None:
    """Check a proposal against the plan, rule by rule, each with its source; the verdict first."""
    from rdtr.answers import check as do_check

    if lang not in ("id", "en"):
        fail(f"--lang must be id or en, got {lang!r}", 2)
    options = {
        "footprint_m2": footprint,
        "floor_area_m2": floor_area,
        "floors": floors,
        "height_m": height,
        "green_area_m2": green,
        "setback_m": setback,
        "hours": hours,
    }
    proposal = _proposal(proposal_file, options, document)
    batch = read_parcels(parcel, layer)
    with open_db() as db:
        answer = do_check(
            db,
            batch,
            activity=activity,
            proposal=proposal,
            at=parse_date(at),
            plan=plan,
            sliver_share=sliver_share,
            lang=lang,
        )
    if as_json:
        print_json(answer)
    else:
        for one in answer.get("results", [answer]):
            console.print(render_check(one))


def _value(value, unit: str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        value = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value} {'m²' if unit == 'm2' else (unit if unit in ('m',) else '')}".strip()


def _source(src: dict) -> str:
    where = src.get("subzone_code") or ", ".join(src.get("subzones") or [])
    by = src.get("by")
    if by == "condition":
        return f"{where}: condition {src.get('code') or '(none stated)'}" + (
            f" — {src['text']}" if src.get("text") else ""
        )
    if by == "intensity":
        return f"{where}: {src.get('field')} = {src.get('value')}" if "value" in src else f"{where}: intensity"
    if by == "overlay":
        return f"{src.get('kind')}: {src.get('name') or ''}".strip()
    if by == "itbx":
        return f"{where}: ITBX {src.get('class') or '—'} {','.join(src.get('codes') or [])}".strip()
    return where


def render_check(answer: dict):
    """One parcel's check as rich text: the verdict first, then each check with its source, requirements,
    reasons."""
    if "error" in answer:
        return Text(f"#{answer.get('index')}: {answer['error']['detail']}", style="red")
    from rdtr.answers.check_text import VERDICT_WORDS  # lazily, like every answer import of the CLI

    ind, eng = VERDICT_WORDS[answer["verdict"]]
    words, style = f"{ind} — {eng.lower()}", VERDICT_STYLES[answer["verdict"]]
    act = answer["activity"]
    head = Text(words, style=style)
    head.append(f"\n{act['code']} {act.get('name') or ''} · class {act.get('class') or '—'}", style="")
    parts = [Panel(head, title="verdict", expand=False)]
    t = Table(header_style="bold")
    for col in ("rule", "limit", "proposed", "result", "source"):
        t.add_column(col)
    for c in answer["checks"]:
        word, rstyle = RESULTS[c["result"]]
        limit = c["limit"] if isinstance(c["limit"], str) else _value(c["limit"], c["unit"])
        sense = {"max": "≤ ", "min": "≥ "}.get(c.get("sense"), "")
        t.add_row(
            c["rule"],
            f"{sense}{limit}",
            _value(c["proposed"], c["unit"]),
            Text(word, style=rstyle),
            _source(c["source"]),
        )
    parts.append(t)
    if answer["requirements"]:
        r = Table(title="requirements", header_style="bold")
        for col in ("requirement", "condition", "provided"):
            r.add_column(col)
        for req in answer["requirements"]:
            r.add_row(req["name"], f"{req['code']} ({req['subzone_code']})", "yes" if req["provided"] else "NO")
        parts.append(r)
    parts.extend(Text(f"• {line}") for line in answer["reasons"])
    parts.append(Text("Advisory only: a KKPR decision is issued through OSS.", style="dim"))
    return Group(*parts)
