"""``rdtr lookup`` (zoning at a point) and ``rdtr analyze`` (what is permitted on parcels)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rdtr.cli.common import app, console, fail, handles_errors, open_db, parse_date, print_json
from rdtr.units import INTENSITY

# Negative numbers are values, not options: "rdtr lookup 106.8 -6.2" must work.
NUMBERS_AS_ARGS = {"ignore_unknown_options": True, "allow_extra_args": False}

CLASS_STYLE = {"I": "bold green", "T": "bold yellow", "B": "bold dark_orange", "X": "bold red"}


def _coordinate(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        fail(f"{name} must be a number in decimal degrees, got {value!r}", 2)


@app.command(context_settings=NUMBERS_AS_ARGS)
@handles_errors
def lookup(
    lon: str = typer.Argument(..., metavar="LON", help="longitude, decimal degrees (EPSG:4326)"),
    lat: str = typer.Argument(..., metavar="LAT", help="latitude, decimal degrees; negative south: -6.2"),
    activity: str | None = typer.Option(None, "--activity", "-a", help="activity code, exact name or KBLI"),
    at: str | None = typer.Option(None, "--at", help="date YYYY-MM-DD (default today)"),
    plan: str | None = typer.Option(None, "--plan", help="only this plan id"),
    as_json: bool = typer.Option(False, "--json", help="print the JSON document the HTTP API returns"),
) -> None:
    """Zoning at a point: sub-zone, intensity, TPZ, special provisions and (with --activity) its ITBX class."""
    from rdtr.answers import zoning_at
    from rdtr.coords import check_lonlat
    from rdtr.errors import InvalidInput

    x, y = _coordinate(lon, "LON"), _coordinate(lat, "LAT")
    try:
        check_lonlat(x, y)
    except InvalidInput as exc:
        fail(exc.detail, 2)
    with open_db() as db:
        answer = zoning_at(db, x, y, at=parse_date(at), activity=activity, plan=plan)
    if as_json:
        print_json(answer)
    else:
        console.print(render_lookup(answer))


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = str(value)
    return f"{text}{unit}"


def _intensity_table(intensity: dict) -> Table:
    t = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    cols = [(m.label("en"), m.field, (" " if m.unit and m.unit != "%" else "") + m.unit) for m in INTENSITY]
    rows = intensity.get("by_lot_size") or [intensity]
    if intensity.get("by_lot_size"):
        t.add_column("lot size")
    for label, _, _ in cols:
        t.add_column(label, justify="right")
    for row in rows:
        cells = [_fmt(row.get(k), u) for _, k, u in cols]
        if intensity.get("by_lot_size"):
            lo, hi = row.get("lot_area_min_m2"), row.get("lot_area_max_m2")
            cells.insert(0, f"{_fmt(lo)}–{_fmt(hi) if hi is not None else '∞'} m²")
        t.add_row(*cells)
    return t


def _zone_block(z: dict, extra: list | None = None) -> Panel:
    plan = z["plan"]
    title = Text.assemble(
        (f"{z['subzone_code']}", "bold"),
        f"  {z.get('subzone_name') or ''}",
        (f"  ({z.get('zone_name') or z.get('zone_code') or ''})", "dim"),
    )
    lines = [
        Text(f"{plan['name']} v{plan['version']} — {plan['legal_basis']} (from {plan['effective_from']})", style="dim")
    ]
    where = ", ".join(
        x
        for x in (
            f"block {z['block']}" if z.get("block") else None,
            f"sub-block {z['subblock']}" if z.get("subblock") else None,
            z.get("kelurahan"),
            z.get("kecamatan"),
        )
        if x
    )
    if where:
        lines.append(Text(where))
    if z.get("tpz"):
        texts = [f"{t['code']}" + (f" ({t['text']})" if t.get("text") else "") for t in z.get("tpz_texts", [])]
        lines.append(Text("TPZ: " + ", ".join(texts or z["tpz"])))
    if z.get("special_provisions"):
        lines.append(
            Text("Special provisions: " + "; ".join(f"{p['kind']}: {p['value']}" for p in z["special_provisions"]))
        )
    lines.extend(extra or [])
    lines.append(_intensity_table(z["intensity"]))
    if z["intensity"].get("note"):
        lines.append(Text(z["intensity"]["note"], style="dim"))
    a = z.get("activity")
    if a:
        cls = a.get("class")
        t = Text.assemble(
            "Activity ",
            (f"{a['code']} {a['name']}", "bold"),
            ": ",
            (cls or "not listed", CLASS_STYLE.get(cls, "")),
            f" {a.get('class_name') or ''}",
        )
        lines.append(t)
        for cond in a.get("conditions", []):
            lines.append(Text(f"  • {cond}"))
    elif "activity" in z:
        lines.append(Text("Activity: not listed in this plan's ITBX matrix", style="yellow"))
    return Panel(Group(*lines), title=title, title_align="left")


def render_lookup(answer: dict):
    """The point answer as rich text: one panel per covering zone."""
    loc = answer["location"]
    head = Text(f"Zoning at {loc['lon']:.6f}, {loc['lat']:.6f} on {answer['at']}", style="bold")
    if not answer["covered"]:
        return Group(head, Text(answer["message"], style="yellow"))
    parts = [head]
    for z in answer["zones"]:
        d = z.get("boundary_distance_m")
        edge = Text(f"{_fmt(d, ' m')} from the zone edge")
        if z.get("near_boundary"):
            edge = Text(
                f"NEAR A BOUNDARY: {_fmt(d, ' m')} from the zone edge, within the map's "
                f"{_fmt(answer.get('boundary_tolerance_m'), ' m')} tolerance — the 1:5.000 map cannot say "
                "on which side the point lies",
                style="bold yellow",
            )
        parts.append(_zone_block(z, [edge]))
    if answer.get("overlays"):
        parts.append(
            Text(
                "Overlays: "
                + "; ".join(f"{o['kind']} {o.get('name') or ''}: {o.get('text') or ''}" for o in answer["overlays"])
            )
        )
    parts.append(Text("Advisory only: a KKPR decision is issued through OSS.", style="dim"))
    return Group(*parts)


# --- analyze -------------------------------------------------------------------------------------------


@app.command()
@handles_errors
def analyze(
    parcels: str = typer.Argument(
        ...,
        metavar="PARCELS",
        help="vector file (GeoJSON, GPKG, Shapefile or .zip, KML, …; any CRS) or - for GeoJSON on stdin",
    ),
    activity: str | None = typer.Option(None, "--activity", "-a", help="activity code, exact name or KBLI"),
    at: str | None = typer.Option(None, "--at", help="date YYYY-MM-DD (default today)"),
    plan: str | None = typer.Option(None, "--plan", help="only this plan id"),
    sliver_share: float | None = typer.Option(None, "--sliver-share", help="sliver threshold (default 0.01)"),
    compare_dates: tuple[str, str] | None = typer.Option(
        None, "--compare", metavar="FROM TO", help="what changed between the versions in force on two dates"
    ),
    layer: str | None = typer.Option(None, "--layer", help="layer of a multi-layer file"),
    as_json: bool = typer.Option(False, "--json", help="print the JSON document the HTTP API returns"),
    out: Path | None = typer.Option(None, "--out", help="write the answers: FILE.csv, FILE.geojson or FILE.json"),
) -> None:
    """What is permitted on each parcel: sub-zone pieces and shares, limits, the activity's class."""
    from rdtr.answers import analyze as do_analyze
    from rdtr.answers import compare as do_compare

    if out is not None and out.suffix.lower() not in (".csv", ".geojson", ".json"):
        fail(f"--out must end in .csv, .geojson or .json, got {out.name}", 2)
    batch = read_parcels(parcels, layer)
    with open_db() as db:
        if compare_dates:
            d_from, d_to = parse_date(compare_dates[0]), parse_date(compare_dates[1])
            answer = do_compare(
                db, batch, date_from=d_from, date_to=d_to, activity=activity, plan=plan, sliver_share=sliver_share
            )
        else:
            answer = do_analyze(db, batch, at=parse_date(at), activity=activity, plan=plan, sliver_share=sliver_share)
    if out is not None:
        write_answers(answer, batch, out, compare=bool(compare_dates))
        n = answer.get("count", 1)
        console.print(f"wrote {n} answer{'s' if n != 1 else ''} to {out}", highlight=False)
        if not as_json:
            return
    if as_json:
        print_json(answer)
    elif compare_dates:
        console.print(render_compare(answer))
    else:
        console.print(render_analyze(answer))


def read_parcels(parcels: str, layer: str | None = None):
    """The parcels of a vector file, or of GeoJSON on stdin for ``-``, as a checked batch."""
    from rdtr.parcel_input import parse_geojson, read_parcel_file

    if parcels != "-":
        return read_parcel_file(parcels, layer=layer)
    import orjson

    try:
        doc = orjson.loads(sys.stdin.buffer.read())
    except orjson.JSONDecodeError as exc:
        fail(f"stdin is not valid JSON: {exc}")
    return parse_geojson(doc)


def write_answers(answer: dict, batch, out: Path, compare: bool = False) -> None:
    """Write the answers to ``out``: .json (the API's document), .csv or .geojson (rdtr.answers.export)."""
    from rdtr.answers import export

    suffix = out.suffix.lower()
    if suffix == ".json" or compare:
        out.write_text(json.dumps(answer, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    elif suffix == ".csv":
        out.write_text(export.to_csv(answer, batch), encoding="utf-8")
    else:
        doc = export.to_feature_collection(answer, batch)
        out.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")


def render_analyze(answer: dict):
    """The analysis as rich text: a table for a batch, the pieces, limits and verdict for one parcel."""
    from rdtr.answers.export import results as answer_results
    from rdtr.answers.export import summary_row

    results = answer_results(answer)
    if len(results) > 1 or "results" in answer:
        t = Table(title=f"{len(results)} parcels on {answer.get('at')}", header_style="bold")
        for col in ("#", "id", "area m²", "sub-zones", "class", "footprint m²", "floor area m²", "flags"):
            t.add_column(col, justify="right" if "m²" in col else "left")
        for i, r in enumerate(results):
            if "error" in r:
                t.add_row(
                    str(r.get("index", i)),
                    _fmt(r.get("id")),
                    "",
                    Text(r["error"]["detail"], style="red"),
                    "",
                    "",
                    "",
                    "",
                )
                continue
            s = summary_row(r)
            flags = [
                f
                for f, on in (
                    ("repaired", s["repaired"]),
                    ("near boundary", s["near_boundary"]),
                    ("lot < min", s["lot_min_breach"]),
                    (f"{s['covered_share'] * 100:.0f}% covered", s["covered_share"] < 0.999),
                )
                if on
            ]
            t.add_row(
                str(r.get("index", i)),
                _fmt(r.get("id")),
                _fmt(s["area_m2"]),
                s["subzones"] or "not covered",
                Text(s["class"] or "", style=CLASS_STYLE.get(s["class"], "")),
                _fmt(s["max_footprint_m2"]),
                _fmt(s["max_floor_area_m2"]),
                ", ".join(flags),
            )
        return t
    r = results[0]
    p = r["parcel"]
    parts = [
        Text(
            f"Parcel of {_fmt(p['area_m2'], ' m²')} on {r['at']}"
            + (" (repaired: the polygon was invalid)" if p["repaired"] else ""),
            style="bold",
        )
    ]
    if not r["covered"]:
        parts.append(Text(r["message"], style="yellow"))
        return Group(*parts)
    if r["covered_share"] < 0.999:
        parts.append(Text(f"Only {r['covered_share'] * 100:.1f}% of the parcel lies inside a plan.", style="yellow"))
    for z in r["zones"]:
        extra = [
            Text(
                f"{_fmt(z['area_m2'], ' m²')} = {z['share'] * 100:.1f}% of the parcel"
                + (
                    f"; zone edge inside the parcel {_fmt(z['boundary_length_m'], ' m')}, uncertain ≈ "
                    f"{_fmt(z['uncertain_area_m2'], ' m²')}"
                    if z.get("boundary_length_m")
                    else ""
                )
                + ("; NEAR A BOUNDARY" if z.get("near_boundary") else "")
            )
        ]
        parts.append(_zone_block(z, extra))
    if r["slivers"]:
        parts.append(
            Text(
                "Slivers (ignored for the verdict): "
                + ", ".join(f"{z['subzone_code']} {_fmt(z['area_m2'], ' m²')}" for z in r["slivers"]),
                style="dim",
            )
        )
    lim = r["limits"]
    t = Table(title="Limits for the whole parcel", box=None, show_header=False)
    for label, key, unit in (
        ("max footprint", "max_footprint_m2", " m²"),
        ("max floor area", "max_floor_area_m2", " m²"),
        ("min green area", "min_green_area_m2", " m²"),
        ("max height", "max_height_m", " m"),
        ("max floors", "max_floors", ""),
        ("min setback (GSB)", "min_setback_m", " m"),
    ):
        t.add_row(label, _fmt(lim.get(key), unit))
    parts.append(t)
    for note in lim.get("notes") or []:
        parts.append(Text(note, style="dim"))
    for b in r["lot_size"]["breaches"]:
        parts.append(Text("LOT SIZE: " + b["detail"], style="bold red"))
    a = r.get("activity")
    if a:
        cls = a.get("class")
        parts.append(
            Text.assemble(
                "Verdict for ",
                (f"{a['code']} {a.get('name') or ''}", "bold"),
                ": ",
                (cls or "not listed", CLASS_STYLE.get(cls, "")),
                f" {a.get('class_name') or ''}",
            )
        )
        if a.get("depends_on_boundary"):
            parts.append(Text("The verdict rests on a piece thinner than the map's tolerance.", style="yellow"))
    if r["overlays"]:
        parts.append(
            Text(
                "Overlays: "
                + "; ".join(f"{o['kind']} {o.get('name') or ''}: {o.get('text') or ''}" for o in r["overlays"])
            )
        )
    parts.append(Text("Advisory only: a KKPR decision is issued through OSS.", style="dim"))
    return Group(*parts)


def render_compare(answer: dict):
    """What changed for the parcel(s), as rich text."""
    results = answer["results"] if "results" in answer else [answer]
    parts = []
    for r in results:
        if "error" in r:
            parts.append(Text(f"parcel {r.get('index')}: {r['error']['detail']}", style="red"))
            continue
        head = f"{r['from']['at']} → {r['to']['at']}: " + ("changed" if r["changed"] else "no change")
        t = Table(title=head, header_style="bold")
        for col in ("sub-zone", "before", "after", "change"):
            t.add_column(col)
        for s in r["subzones"]:
            t.add_row(
                s["subzone_code"],
                f"{s['from']['share'] * 100:.1f}%" if s["from"] else "—",
                f"{s['to']['share'] * 100:.1f}%" if s["to"] else "—",
                s["change"],
            )
        for name, v in r["limits"].items():
            if v["changed"]:
                t.add_row(name, _fmt(v["from"]), _fmt(v["to"]), "changed")
        if r.get("activity"):
            a = r["activity"]
            t.add_row(f"class of {a['code']}", a["from"] or "—", a["to"] or "—", "changed" if a["changed"] else "")
        parts.append(t)
    return Group(*parts)
