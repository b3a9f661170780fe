"""``rdtr diff PLAN --from V|DATE --to V|DATE``: what changed between two versions of a plan."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from rdtr.cli.common import app, console, err_console, fail, handles_errors, open_db, print_json

OUT_SUFFIXES = (".geojson", ".json", ".gpkg")


def write_zones(doc: dict, out: Path) -> int:
    """Write the diff's changed zones to ``out`` (.geojson, or .gpkg with pyogrio); returns how many."""
    features = doc["zones"]["features"]
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() != ".gpkg":
        out.write_text(json.dumps(doc["zones"], ensure_ascii=False) + "\n", encoding="utf-8")
        return len(features)
    import geopandas as gpd
    import shapely.geometry

    def flat(p: dict) -> dict:
        row = {k: v for k, v in p.items() if k not in ("before", "after", "feature_id", "changed_fields")}
        for side in ("before", "after"):
            row[f"{side}_subzone_code"] = (p.get(side) or {}).get("subzone_code")
            row[f"{side}_area_m2"] = (p.get(side) or {}).get("area_m2")
        if isinstance(p.get("feature_id"), dict):
            row["before_feature_id"], row["after_feature_id"] = p["feature_id"]["before"], p["feature_id"]["after"]
        row["changed_fields"] = ",".join(p.get("changed_fields") or []) or None
        row.setdefault("area_gained_m2", None)
        row.setdefault("area_lost_m2", None)
        return row

    rows = [flat(f["properties"]) for f in features]
    geoms = [shapely.geometry.shape(f["geometry"]) for f in features]
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    if out.exists():
        out.unlink()
    gdf.to_file(out, driver="GPKG", layer="changes", engine="pyogrio")
    return len(features)


def print_changes(doc: dict) -> None:
    """The diff in words: the summary, the changed zones, the rule changes."""
    from rdtr.answers.changes import summary_line

    console.print(f"{doc['plan']}: {summary_line(doc)}", highlight=False, soft_wrap=True)
    features = doc["zones"]["features"] if doc.get("zones") else []
    if features:
        table = Table("change", "zone", "before", "after", "gained m²", "lost m²", show_edge=False)
        for f in features[:50]:
            p = f["properties"]

            def side(s):
                return "—" if not s else f"{s['subzone_code']} ({s['area_m2']:,.0f} m²)"

            zid = p.get(doc.get("id_field") or "") if doc.get("id_field") else None
            zid = zid or "/".join(str(v) for v in (p.get("feature_id") or {}).values() if v is not None)
            gained, lost = p.get("area_gained_m2"), p.get("area_lost_m2")
            table.add_row(
                p["change"],
                str(zid),
                side(p.get("before")),
                side(p.get("after")),
                "" if gained is None else f"{gained:,.0f}",
                "" if lost is None else f"{lost:,.0f}",
            )
        console.print(table)
        if len(features) > 50:
            console.print(f"… {len(features) - 50} more (--out FILE.geojson for all)", highlight=False)
    rules = doc["rules"]
    for c in rules["itbx"]["changed"] + rules["itbx"]["added"] + rules["itbx"]["removed"]:
        before, after = (c.get(k) or {} for k in ("before", "after"))
        console.print(
            f"  ITBX {c['activity_code']} × {c['subzone_code']}: "
            f"{''.join(before.get('codes') or []) or before.get('class') or '—'} → "
            f"{''.join(after.get('codes') or []) or after.get('class') or '—'}",
            highlight=False,
        )
    for r in rules["intensity"]["changed"]:
        values = ", ".join(f"{k} {v['before']} → {v['after']}" for k, v in r["values"].items())
        console.print(f"  intensity {r['subzone_code']}: {values}", highlight=False)
    for c in rules["conditions"]["changed"]:
        console.print(f"  condition {c['code']}: {', '.join(c['fields'])} changed", highlight=False)


@app.command()
@handles_errors
def diff(
    plan: str = typer.Argument(..., help="plan id, e.g. bontang"),
    from_: str = typer.Option(..., "--from", help="the earlier version: its number, or a date YYYY-MM-DD"),
    to: str = typer.Option(..., "--to", help="the later version: its number, or a date YYYY-MM-DD"),
    as_json: bool = typer.Option(False, "--json", help="print the JSON of GET /v1/plans/{id}/changes"),
    out: Path | None = typer.Option(None, "--out", help="write the changed zones to FILE.geojson or FILE.gpkg"),
) -> None:
    """What changed between two versions of a plan: zones added, removed, reshaped, recoded; rules."""
    from rdtr.answers.changes import plan_changes

    if out is not None and out.suffix.lower() not in OUT_SUFFIXES:
        fail(f"--out must end in {', '.join(OUT_SUFFIXES)}, got {out.name!r}", 2)
    with open_db() as db:
        doc = plan_changes(db, plan, from_, to)
    if out is not None:
        n = write_zones(doc, out)
        err_console.print(f"{n:,} changed zones written to {out}", highlight=False)
    if as_json:
        print_json(doc)
    elif out is None:
        print_changes(doc)
