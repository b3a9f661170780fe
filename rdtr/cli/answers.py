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

from rdtr.cli.common import (
    CLASS_STYLE,
    VERDICTS,
    app,
    console,
    fail,
    handles_errors,
    open_db,
    parse_date,
    print_json,
    purpose_line,
    rules_of,
    verdict_lines,
)
from rdtr.cli.common import fmt as _fmt
from rdtr.units import INTENSITY

# Negative numbers are values, not options: "rdtr lookup 106.8 -6.2" must work.
NUMBERS_AS_ARGS = {"ignore_unknown_options": True, "allow_extra_args": False}


def _coordinates(lon: str, lat: str) -> tuple[float, float]:
    """LON and LAT as numbers; a decimal comma (``117,47``) is a usage error saying to write a dot."""
    from rdtr.coords import _float  # the one reading of a decimal comma

    values, dotted = [], []
    for raw, name in ((lon, "LON"), (lat, "LAT")):
        try:
            values.append(float(raw))
            dotted.append(raw)
            continue
        except ValueError:
            pass
        try:
            values.append(_float(raw.strip()))
            dotted.append(raw.strip().replace(",", "."))
        except ValueError:
            fail(f"{name} must be a number in decimal degrees (EPSG:4326) with a dot for decimals, got {raw!r}", 2)
    if dotted != [lon, lat]:
        fail(
            f"{lon} {lat}: write decimals with a dot, not a comma — longitude first: rdtr lookup {' '.join(dotted)}",
            2,
        )
    return values[0], values[1]


@app.command(context_settings=NUMBERS_AS_ARGS)
@handles_errors
def lookup(
    lon: str = typer.Argument(
        ..., metavar="LON", help="longitude first, decimal degrees with a dot (EPSG:4326): 117.4709"
    ),
    lat: str = typer.Argument(..., metavar="LAT", help="then latitude, decimal degrees; negative south: -6.2"),
    activity: str | None = typer.Option(None, "--activity", "-a", help="activity code, exact name or KBLI"),
    at: str | None = typer.Option(None, "--at", help="date YYYY-MM-DD (default today)"),
    plan: str | None = typer.Option(None, "--plan", help="only this plan id"),
    as_json: bool = typer.Option(False, "--json", help="print the JSON document the HTTP API returns"),
) -> None:
    """Zoning at a point LON LAT (longitude first): with --activity, whether it is permitted there first; then the
    sub-zone, intensity, TPZ and special provisions."""
    from rdtr.answers import zoning_at
    from rdtr.coords import check_lonlat
    from rdtr.errors import InvalidInput

    x, y = _coordinates(lon, lat)
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


def _not_permitted(a: dict | None) -> bool:
    return bool(a) and a.get("class") == "X"


NOT_APPLICABLE = "not applicable for this activity (not permitted here)"


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
    a = z.get("activity")
    if _not_permitted(a):
        lines.append(Text(f"Intensity limits: {NOT_APPLICABLE}", style="dim"))
    else:
        lines.append(_intensity_table(z["intensity"]))
        if z["intensity"].get("note"):
            lines.append(Text(z["intensity"]["note"], style="dim"))
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


def _lookup_answer(answer: dict) -> list[Text]:
    """The first lines of a point answer: the verdict per covering zone, or what each zone is for."""
    zones = answer["zones"]
    out: list[Text] = []
    for z in zones:
        plan = z["plan"]
        where = f"in {z['subzone_code']} {z.get('subzone_name') or ''}, plan {plan['id']} v{plan['version']}"
        if "activity" in z:
            a = z.get("activity") or {"code": "?", "class": None}
            out.extend(verdict_lines({**a, "class": a.get("class")}, where))
        else:
            out.append(purpose_line(z))
    if len(zones) > 1:
        out.append(Text("The point lies where zones meet: each answer above applies to its side.", style="yellow"))
    return out


def render_lookup(answer: dict):
    """The point answer as rich text: the answer to the question first, then one panel per covering zone."""
    loc = answer["location"]
    head = Text(f"Zoning at lon {loc['lon']:.6f}, lat {loc['lat']:.6f} on {answer['at']}", style="bold")
    if not answer["covered"]:
        return Group(Text(answer["message"], style="yellow"), head)
    parts = [*_lookup_answer(answer), head]
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


def _batch_table(answer: dict, results: list[dict]) -> Table:
    """A batch as one table: per parcel its id, the verdict (with an activity), sub-zones, limits, flags."""
    from rdtr.answers.export import summary_row

    first = next((r["activity"] for r in results if r.get("activity")), None)
    title = f"{len(results)} parcels on {answer.get('at')}"
    if first:
        title += f" — {first['code']} {first.get('name') or ''}".rstrip()
    t = Table(title=title, header_style="bold")
    numbered = any(r.get("id") is None for r in results)  # the row number only where ids are missing
    cols = [*(["#"] if numbered else []), "id", *(["verdict"] if first else []), "sub-zones"]
    cols += ["area\nm²", "footprint\nm²", "floor\narea m²"]
    widths = {"verdict": 9, "sub-zones": 9}
    for col in [*cols, "flags"]:
        t.add_column(col, justify="right" if "m²" in col else "left", no_wrap="m²" in col, min_width=widths.get(col))
    for i, r in enumerate(results):
        cells: list = [*([str(r.get("index", i))] if numbered else []), _fmt(r.get("id"))]
        if "error" in r:
            t.add_row(*cells, Text(r["error"]["detail"], style="red"), *[""] * (len(cols) - len(cells)))
            continue
        s = summary_row(r)
        a = r.get("activity")
        if first:
            words = f"{s['class']} {VERDICTS[s['class']][0].removeprefix('Diizinkan ').lower()}" if s["class"] else "—"
            cells.append(Text(words if a else "", style=CLASS_STYLE.get(s["class"], "")))
        na = _not_permitted(a)
        cells += [
            s["subzones"] or "not covered",
            _fmt(s["area_m2"]),
            "n/a" if na else _fmt(s["max_footprint_m2"]),
            "n/a" if na else _fmt(s["max_floor_area_m2"]),
        ]
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
        t.add_row(*cells, ", ".join(flags))
    if first and any(_not_permitted(r.get("activity")) for r in results):
        t.caption = f"n/a: limits {NOT_APPLICABLE}"
    return t


def _parcel_answer(r: dict) -> list[Text]:
    """The first lines of one parcel's answer: the verdict for the activity, or what its sub-zones are for."""
    a = r.get("activity")
    if not a:
        return [purpose_line(z, z["share"] if len(r["zones"]) > 1 else None) for z in r["zones"]]
    by_zone = a.get("by_zone") or []
    where = "on " + ", ".join(f"{b['subzone_code']} {b['share'] * 100:.0f}% ({b.get('class') or '—'})" for b in by_zone)
    rules, seen = [], set()
    for z in r["zones"]:
        for rule in rules_of(z.get("activity") or {}):
            if (z["subzone_code"], rule["code"]) not in seen:
                seen.add((z["subzone_code"], rule["code"]))
                rules.append((z["subzone_code"] if len(r["zones"]) > 1 else "", rule))
    lines = verdict_lines(a, where, rules)
    if a.get("depends_on_boundary"):
        lines.append(Text("The verdict rests on a piece thinner than the map's tolerance.", style="yellow"))
    return lines


def render_analyze(answer: dict):
    """The analysis as rich text: a table for a batch; for one parcel the answer first (the verdict for the
    activity, or what the sub-zones are for), then the pieces and the limits."""
    from rdtr.answers.export import results as answer_results

    results = answer_results(answer)
    if len(results) > 1 or "results" in answer:
        return _batch_table(answer, results)
    r = results[0]
    p = r["parcel"]
    head = Text(
        f"Parcel of {_fmt(p['area_m2'], ' m²')} on {r['at']}"
        + (f" (id {r['id']})" if r.get("id") is not None else "")
        + (" (repaired: the polygon was invalid)" if p["repaired"] else ""),
        style="bold",
    )
    if not r["covered"]:
        return Group(Text(r["message"], style="yellow"), head)
    parts = [*_parcel_answer(r), head]
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
    if _not_permitted(r.get("activity")):
        parts.append(Text(f"Limits for the whole parcel: {NOT_APPLICABLE}", style="bold"))
    else:
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
        parts.extend(Text(note, style="dim") for note in lim.get("notes") or [])
    for b in r["lot_size"]["breaches"]:
        parts.append(Text("LOT SIZE: " + b["detail"], style="bold red"))
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
    """What changed for the parcel(s), as rich text: the plan versions, sub-zones, intensity, limits, class."""
    labels = {m.field: (m.label("en"), m.unit) for m in INTENSITY}
    parts = []
    for r in answer["results"] if "results" in answer else [answer]:
        if "error" in r:
            parts.append(Text(f"parcel {r.get('index')}: {r['error']['detail']}", style="red"))
            continue
        side = {
            k: ", ".join(f"{p['id']} v{p['version']}" for p in r[k].get("plans") or []) or "no plan"
            for k in ("from", "to")
        }
        who = f"parcel {r['id']}: " if r.get("id") is not None and "results" in answer else ""
        head = f"{who}{r['from']['at']} ({side['from']}) → {r['to']['at']} ({side['to']}): "
        limits = {k: v for k, v in r["limits"].items() if v["changed"]}
        act = r.get("activity")
        if r["changed"]:
            head += "changed: " + ", ".join(r.get("what_changed") or ())
        elif r.get("versions_differ"):
            head += "a new plan version, nothing changed for this parcel"
        else:
            head += "no change"
        t = Table(title=head, header_style="bold")
        for col in ("", "before", "after", "change"):
            t.add_column(col)
        for s in r["subzones"]:
            t.add_row(
                f"sub-zone {s['subzone_code']}",
                f"{s['from']['share'] * 100:.1f}%" if s["from"] else "—",
                f"{s['to']['share'] * 100:.1f}%" if s["to"] else "—",
                s["change"],
            )
        for i in r["intensity"]:
            for field, v in i["changes"].items():
                label, unit = labels.get(field, (field, ""))
                unit = unit if unit == "%" else f" {unit}" if unit else ""
                t.add_row(f"{i['subzone_code']} {label}", _fmt(v["from"], unit), _fmt(v["to"], unit), "changed")
        for name, v in limits.items():
            t.add_row(name, _fmt(v["from"]), _fmt(v["to"]), "changed")
        if act:
            t.add_row(
                f"class of {act['code']}", act["from"] or "—", act["to"] or "—", "changed" if act["changed"] else ""
            )
        parts.append(t)
    return Group(*parts)
