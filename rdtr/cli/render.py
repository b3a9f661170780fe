"""``rdtr extract``: a map extract (PDF) for a KKPR decision, stored and verifiable like the API's."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import typer
from rich.text import Text

from rdtr.cli.common import app, console, fail, handles_errors, open_db, parse_date, print_json


def _officer(name: str | None) -> str:
    if name and name.strip():
        return name.strip()
    env = os.environ.get("RDTR_OFFICER")
    if env and env.strip():
        return env.strip()
    try:
        return f"{getpass.getuser()} (cli)"
    except Exception:  # noqa: BLE001 - no user name on this system
        return "cli"


@app.command()
@handles_errors
def extract(
    parcel: Path = typer.Argument(
        ...,
        metavar="PARCEL",
        help="the parcel: GeoJSON or any vector file GDAL reads "
        "(KML, zipped Shapefile, GeoPackage), one polygon, any CRS",
    ),
    activity: str = typer.Option(..., "--activity", "-a", help="activity code, exact name or KBLI"),
    out: Path = typer.Option(..., "--out", "-o", help="where to write the PDF (FILE.pdf)"),
    reference: str | None = typer.Option(None, "--reference", "-r", help="your reference, e.g. the application no."),
    officer: str | None = typer.Option(
        None, "--officer", help="officer name printed and recorded (default $RDTR_OFFICER or the login name)"
    ),
    at: str | None = typer.Option(None, "--at", help="date YYYY-MM-DD (default today)"),
    plan: str | None = typer.Option(None, "--plan", help="only this plan id"),
    nip: str | None = typer.Option(None, "--nip", help="the officer's NIP (18 digits), printed by the signature"),
    proposal_file: Path | None = typer.Option(
        None, "--proposal", help="a building proposal (JSON, as for rdtr check): its conformity check is printed"
    ),
    as_json: bool = typer.Option(False, "--json", help="print {id, sha256, pdf, verify} as JSON"),
) -> None:
    """Analyse the parcel for the activity, render the map extract PDF (A4 portrait) and store its record.

    The record and the PDF are then served by the API at the printed URLs (RDTR_PUBLIC_URL sets their base)."""
    from rdtr.cli.check import read_proposal
    from rdtr.errors import InvalidInput
    from rdtr.extract_records import create_extract, get_extract_pdf
    from rdtr.parcel_input import read_parcel_file
    from rdtr.proposal import parse_proposal

    proposal = parse_proposal(read_proposal(proposal_file)) if proposal_file is not None else None
    if out.suffix.lower() != ".pdf":
        fail(f"--out must name a .pdf file, got {out}", 2)
    if not parcel.exists():
        fail(f"{parcel}: no such file", 2)
    batch = read_parcel_file(parcel)
    good = [p for p in batch.parcels if p.ok]
    if len(batch.parcels) != 1:
        raise InvalidInput(f"{parcel}: {len(batch.parcels)} features; an extract covers one parcel")
    if not good:
        raise InvalidInput(f"{parcel}: {batch.parcels[0].error}")
    with open_db() as db:
        result = create_extract(
            db,
            good[0].geom,
            activity,
            reference=reference,
            officer=_officer(officer),
            officer_nip=nip,
            at=parse_date(at),
            plan=plan,
            proposal=proposal,
        )
        pdf = get_extract_pdf(db, result["id"])
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pdf)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    doc = {k: result[k] for k in ("id", "sha256", "pdf", "verify")}
    if as_json:
        print_json({**doc, "file": str(out)})
        return
    scale = f"{result['scale']:,}".replace(",", ".")
    console.print(
        Text.assemble(("extract", "bold"), f" {doc['id']}  (skala 1:{scale}; {len(pdf):,} bytes)"), highlight=False
    )
    console.print(f"  pdf     {out}", highlight=False, soft_wrap=True)
    console.print(f"  sha256  {doc['sha256']}", highlight=False)
    console.print(f"  verify  {doc['verify']}", highlight=False)
