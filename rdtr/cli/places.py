"""``rdtr places``: find a kelurahan, block, sub-zone or parcel by name or number (``GET /v1/places``)."""

from __future__ import annotations

import typer
from rich.table import Table

from rdtr.cli.common import app, console, handles_errors, open_db, parse_date, print_json


@app.command()
@handles_errors
def places(
    query: str = typer.Argument(..., metavar="QUERY", help="a kelurahan, block, sub-zone, parcel number or address"),
    plan: str | None = typer.Option(None, "--plan", help="only this plan id"),
    at: str | None = typer.Option(None, "--at", help="date YYYY-MM-DD (default today)"),
    limit: int = typer.Option(10, "--limit", min=1, max=50, help="most places listed (1–50)"),
    as_json: bool = typer.Option(False, "--json", help="print the JSON document the HTTP API returns"),
) -> None:
    """Places by name or number, best first, each with a point on it for `rdtr lookup`."""
    from rdtr.answers.places import find_places

    with open_db() as db:
        answer = find_places(db, query, plan=plan, at=parse_date(at), limit=limit)
    if as_json:
        print_json(answer)
        return
    if not answer["places"]:
        console.print(f"No place named like {answer['query']!r} in the plans in force on {answer['at']}.")
        return
    table = Table(title=f"Places like {answer['query']!r} ({answer['at']})")
    for column in ("kind", "name", "label", "plan", "lon lat"):
        table.add_column(column)
    for p in answer["places"]:
        lon, lat = p["point"]
        table.add_row(p["kind"], p["name"], p["label"] or "", p["plan"], f"{lon:.6f} {lat:.6f}")
    console.print(table)
