#!/usr/bin/env python
"""Benchmark of map extracts (issue #5): time to make one (analysis, map data, PDF rendering, storing) and
the PDF's size, over typical parcels of the sample plan.

    .venv/bin/python bench/bench_extract.py [--url URL] [--n 40] [--seed 5]

Parcels (seeded): house and shop lots of 10–40 m a side at random places in the sample plan (many cross a
zone boundary), plus a few large ones (150–700 m) that need 1:2.500 or 1:5.000. The first extract of a
process also computes the plan's location-inset outline and loads the zoning rules (cached afterwards); it
is reported apart. Target: median ≤ 1 s for a typical parcel, PDF ≤ 5 MB.

Results: ``bench/out/extract.json`` and a table on stdout; ``bench/extract.md`` discusses them.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_point import setup_database  # noqa: E402  (one set-up for every benchmark)

SAMPLE = REPO / "data" / "zoning" / "bontang"
OUT = REPO / "bench" / "out"


def parcels(n: int, seed: int) -> list[tuple[str, dict]]:
    """``(kind, GeoJSON polygon)`` pairs inside the sample's zones (read from the sample file)."""
    import geopandas as gpd
    from shapely import affinity
    from shapely.geometry import box

    zones = gpd.read_file(SAMPLE / "pola_ruang.gpkg")
    area = zones.union_all()
    rng = random.Random(seed)
    x0, y0, x1, y1 = area.bounds
    out = []
    while len(out) < n:
        typical = len(out) < int(n * 0.85)
        w = rng.uniform(10, 40) if typical else rng.uniform(150, 700)
        h = w * rng.uniform(0.6, 1.6)
        cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
        geom = affinity.rotate(box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), rng.uniform(0, 90))
        if not area.contains(geom):
            continue
        ll = gpd.GeoSeries([geom], crs=zones.crs).to_crs(4326).iloc[0]
        out.append(
            (
                "typical" if typical else "large",
                {"type": "Polygon", "coordinates": [[list(c) for c in ll.exterior.coords]]},
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="database URL (default: the embedded cluster under --home)")
    ap.add_argument("--home", type=Path, default=REPO / ".rdtr-bench")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()

    url = setup_database(args.home, args.url)
    from rdtr.db import Database
    from rdtr.extract_records import create_extract

    db = Database(url)

    items = parcels(args.n, args.seed)
    rows = []
    for i, (kind, parcel) in enumerate(items):
        t = time.perf_counter()
        r = create_extract(db, parcel, "A001", reference=f"BENCH-{i}", officer="bench")
        total = time.perf_counter() - t
        rows.append(
            {
                "kind": kind,
                "first": i == 0,
                "total_s": total,
                "bytes": r["bytes"],
                "scale": r["scale"],
                **{f"{k}_s": v for k, v in r["timings_s"].items()},
            }
        )
        print(
            f"  {i:3d} {kind:7} 1:{r['scale']:<6} {total * 1000:7.0f} ms  {r['bytes'] / 1024:6.0f} kB  "
            + "  ".join(f"{k} {v * 1000:.0f}" for k, v in r["timings_s"].items()),
            flush=True,
        )

    def summary(sel: list[dict]) -> dict:
        if not sel:
            return {}
        tot = [r["total_s"] for r in sel]
        return {
            "n": len(sel),
            "median_s": statistics.median(tot),
            "p90_s": sorted(tot)[max(0, math.ceil(0.9 * len(tot)) - 1)],
            "max_s": max(tot),
            **{
                f"median_{k}": statistics.median(r[k] for r in sel)
                for k in ("analysis_s", "map_data_s", "render_s", "store_s")
            },
            "median_kb": statistics.median(r["bytes"] for r in sel) / 1024,
            "max_kb": max(r["bytes"] for r in sel) / 1024,
            "scales": sorted({r["scale"] for r in sel}),
        }

    warm = [r for r in rows if not r["first"]]
    doc = {
        "first": rows[0],
        "typical": summary([r for r in warm if r["kind"] == "typical"]),
        "large": summary([r for r in warm if r["kind"] == "large"]),
        "rows": rows,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print()
    print(f"first extract of the process: {rows[0]['total_s'] * 1000:.0f} ms (outline + rule caches)")
    for kind in ("typical", "large"):
        s = doc[kind]
        if s:
            print(
                f"{kind:8} n={s['n']:3}  median {s['median_s'] * 1000:.0f} ms  p90 {s['p90_s'] * 1000:.0f} ms  "
                f"max {s['max_s'] * 1000:.0f} ms | analysis {s['median_analysis_s'] * 1000:.0f}  map data "
                f"{s['median_map_data_s'] * 1000:.0f}  render {s['median_render_s'] * 1000:.0f}  store "
                f"{s['median_store_s'] * 1000:.0f} ms | PDF median {s['median_kb']:.0f} kB, max {s['max_kb']:.0f} kB;"
                f" scales {s['scales']}"
            )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "extract.json").write_text(json.dumps(doc, indent=2, default=str))
    print(f"wrote {OUT / 'extract.json'}")


if __name__ == "__main__":
    main()
