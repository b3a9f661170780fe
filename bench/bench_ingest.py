"""Benchmark: ``rdtr ingest`` (the command, in its own process: start-up, validation and load) of a generated
package of 20,000, 100,000 or 1,000,000 zones vs ``ogr2ogr -f PostgreSQL`` loading the same file into the same
server, interleaved in the same run.

    .venv/bin/python bench/bench_ingest.py [--sizes 20000,100000[,1000000]] [--repeat 3] [--url …] [--keep DIR]

The package (a grid of small square zones in EPSG:9480 with Permen 14/2021 fields, a sub-zone table and a
small ITBX) is generated in a temporary folder — never committed (``--keep DIR`` keeps and reuses it). A
scratch database ``rdtr_bench_ingest`` is created on the server of ``--url`` (default: RDTR_DATABASE_URL,
else the embedded cluster) and dropped at the end. Each loader runs in its own process; peak memory is that
process's ru_maxrss (os.wait4). The two loaders alternate (which goes first too) for --repeat rounds; min and
median are reported because a shared machine is noisy. Raw results: bench/out/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SUBZONES = [
    ("R-2", "Perumahan Kepadatan Tinggi", "R", "Zona Perumahan"),
    ("R-3", "Perumahan Kepadatan Sedang", "R", "Zona Perumahan"),
    ("K-1", "Perdagangan dan Jasa Skala Kota", "K", "Zona Perdagangan dan Jasa"),
    ("RTH-2", "Taman Kota", "RTH", "Zona Ruang Terbuka Hijau"),
    ("SPU-1", "SPU Skala Kota", "SPU", "Zona Sarana Pelayanan Umum"),
    ("BJ", "Badan Jalan", "BJ", "Zona Badan Jalan"),
]


def make_package(root: Path, n: int) -> Path:
    import csv

    import geopandas as gpd
    import numpy as np
    import shapely

    side = int(np.ceil(np.sqrt(n)))
    size = 20.0  # metres: 100,000 zones ≈ 6.3 km × 6.3 km, inside Bontang
    k = np.arange(n)
    x0 = 545_000.0 + (k % side) * size
    y0 = 2_000.0 + (k // side) * size
    # 7 vertices per square (extra vertices on two edges), like digitised parcels
    xs = np.stack([x0, x0 + size / 2, x0 + size, x0 + size, x0 + size / 2, x0, x0], axis=1)
    ys = np.stack([y0, y0, y0, y0 + size, y0 + size, y0 + size, y0], axis=1)
    rings = shapely.linearrings(np.stack([xs, ys], axis=2))
    geoms = shapely.multipolygons(shapely.polygons(rings), indices=k)
    codes = np.array([s[0] for s in SUBZONES])[k % len(SUBZONES)]
    names = {s[0]: s for s in SUBZONES}
    gdf = gpd.GeoDataFrame(
        {
            "OBJECTID": k + 1,
            "NAMOBJ": [names[c][1] for c in codes],
            "KODZON": [names[c][2] for c in codes],
            "NAMZON": [names[c][3] for c in codes],
            "KODSZN": codes,
            "NAMSZN": [names[c][1] for c in codes],
            "KODBLK": [f"B{i // 1000}" for i in k],
            "KODSBL": "Tidak Ada",
            "WADMKC": "Bontang Utara",
            "WADMKD": "Api-Api",
            "KKOP_1": np.where(k % 7 == 0, "Kawasan di bawah permukaan horizontal dalam", "Tidak Ada"),
            "KRB_03": "Tidak Ada",
            "TPZ_00": np.where(k % 11 == 0, "b", "Tidak Ada"),
            "LUASHA": 0.04,
        },
        geometry=geoms,
        crs="EPSG:9480",
    )
    root.mkdir(parents=True, exist_ok=True)
    gdf.to_file(root / "pola_ruang.gpkg", layer="pola_ruang", driver="GPKG", engine="pyogrio")
    with open(root / "subzona.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["subzone_code", "subzone_name", "zone_code", "zone_name"])
        w.writerows(SUBZONES)
    with open(root / "itbx.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["activity_code", "activity", "kbli", *[s[0] for s in SUBZONES]])
        for a in range(200):
            w.writerow([f"A{a:03d}", f"Kegiatan {a}", f"{47000 + a}", *["I", "T1", "B1,B2", "X", "I", "X"]])
    (root / "plan.toml").write_text("""[plan]
id = "bench"
name = "Benchmark grid"
legal_basis = "benchmark (synthetic)"
effective_from = 2024-01-01
synthetic = true

[zones]
path = "pola_ruang.gpkg"
layer = "pola_ruang"

[subzones]
path = "subzona.csv"

[itbx]
path = "itbx.csv"
""")
    return root


def _run(cmd: list[str], env=None) -> tuple[float, int, str]:
    """Wall time (s), peak RSS (KiB) of the child process itself (os.wait4), and its stdout."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{cmd[0]} failed ({proc.returncode}):\n{err.read()[-3000:]}")
        return wall, usage.ru_maxrss, out.read()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="20000,100000", help="zone counts, comma-separated (e.g. 20000,100000,1000000)")
    ap.add_argument("--zones", type=int, default=None, help="one size (the same as --sizes N)")
    ap.add_argument("--url", default=None, help="SQLAlchemy URL of the server (default: RDTR_DATABASE_URL or embedded)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated packages here (and reuse them)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (the machine may be busy: min and median)")
    args = ap.parse_args()
    sizes = [args.zones] if args.zones else [int(s.replace("_", "")) for s in args.sizes.split(",")]

    import psycopg2
    from sqlalchemy.engine import make_url

    from rdtr.db import database_url, upgrade

    base = make_url(args.url or database_url())
    conninfo = dict(
        user=base.username,
        host=base.query.get("host") or base.host,
        port=base.query.get("port") or base.port,
        password=base.password,
    )
    conninfo = {k: v for k, v in conninfo.items() if v}
    dbname = "rdtr_bench_ingest"
    admin = psycopg2.connect(dbname="postgres", **conninfo)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{dbname}"')
    url = base.set(database=dbname).render_as_string(hide_password=False)
    upgrade(url)
    with psycopg2.connect(dbname=dbname, **conninfo) as conn, conn.cursor() as cur:
        cur.execute("CREATE SCHEMA ogr_scratch")
        cur.execute("SELECT version(), postgis_lib_version()")
        print(f"server: {cur.fetchone()}")
    tmp = Path(tempfile.mkdtemp(prefix="rdtr-bench-"))
    # The real command, in its own process (process start and imports included), as a user runs it.
    rdtr_cmd = [str(Path(sys.executable).with_name("rdtr")), "ingest"]
    env = dict(os.environ, RDTR_DATABASE_URL=url)
    results = []
    try:
        for n in sizes:
            pkg = (args.keep or tmp) / f"pkg-{n}"
            if not (pkg / "pola_ruang.gpkg").exists():
                t0 = time.perf_counter()
                make_package(pkg, n)
                print(f"package of {n:,} zones generated in {time.perf_counter() - t0:.1f} s")
            size = (pkg / "pola_ruang.gpkg").stat().st_size
            print(f"{n:,} zones: pola_ruang.gpkg {size / 1e6:.1f} MB; {args.repeat} rounds, ours and ogr2ogr in turn")
            results.append(_bench_size(n, pkg, args.repeat, dbname, conninfo, env, rdtr_cmd, tmp))
        print()
        print("| zones | ours min / median | ogr2ogr min / median | ratio min, median | peak RSS ours / ogr2ogr |")
        print("|---:|---:|---:|---:|---:|")
        for r in results:
            print(
                f"| {r['zones']:,} | {r['ours'][0]:.1f} s / {r['ours'][1]:.1f} s "
                f"| {r['ogr'][0]:.1f} s / {r['ogr'][1]:.1f} s "
                f"| {r['ours'][0] / r['ogr'][0]:.2f} / **{r['ours'][1] / r['ogr'][1]:.2f}** "
                f"| {r['rss'][0]:.0f} / {r['rss'][1]:.0f} MiB |"
            )
        out = REPO / "bench" / "out"
        out.mkdir(parents=True, exist_ok=True)
        (out / "ingest.json").write_text(json.dumps(results, indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


def _bench_size(n, pkg, repeat, dbname, conninfo, env, rdtr_cmd, tmp) -> dict:
    """``repeat`` rounds of our ``rdtr ingest`` and ogr2ogr on the package of ``n`` zones, alternating which
    goes first; min and median wall time and the peak RSS of each."""
    import psycopg2

    pg = " ".join(f"{k}={v}" for k, v in {"dbname": dbname, **conninfo}.items())
    ogr_cmd = [
        "ogr2ogr",
        "-f",
        "PostgreSQL",
        f"PG:{pg}",
        str(pkg / "pola_ruang.gpkg"),
        "pola_ruang",
        "-nln",
        "ogr_scratch.pola_ruang",
        "-t_srs",
        "EPSG:4326",
        "-nlt",
        "MULTIPOLYGON",
        "-lco",
        "GEOMETRY_NAME=geom",
        "-overwrite",
    ]
    rounds = []
    toml = (pkg / "plan.toml").read_text()
    report_file = tmp / "report.json"
    for i in range(repeat):
        _forget_bench_plans(dbname, conninfo)  # every round loads into the same, empty-of-bench state
        (pkg / "plan.toml").write_text(toml.replace('id = "bench"', f'id = "bench-{i}"'))
        runs = {}
        for side in ("ours", "ogr") if i % 2 == 0 else ("ogr", "ours"):
            if side == "ours":
                runs[side] = _run([*rdtr_cmd, str(pkg), "--report", str(report_file)], env=env)
            else:
                runs[side] = _run(ogr_cmd)
        report = json.loads(report_file.read_text())
        (ours_wall, ours_rss, _), (ogr_wall, ogr_rss, _) = runs["ours"], runs["ogr"]
        rounds.append((ours_wall, ogr_wall, ours_rss, ogr_rss, report))
        print(
            f"  round {i + 1}: ours {ours_wall:6.1f} s ({ours_rss / 1024:.0f} MiB), ogr2ogr {ogr_wall:6.1f} s "
            f"({ogr_rss / 1024:.0f} MiB), ratio {ours_wall / ogr_wall:.2f}",
            flush=True,
        )
    (pkg / "plan.toml").write_text(toml)
    with psycopg2.connect(dbname=dbname, **conninfo) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM ogr_scratch.pola_ruang")
        ogr_rows = cur.fetchone()[0]
    ours_t = sorted(r[0] for r in rounds)
    ogr_t = sorted(r[1] for r in rounds)
    med = len(rounds) // 2
    best = min(rounds, key=lambda r: r[0])[4]
    counts = best["counts"]
    print(
        f"  ours (rdtr ingest: validation, topology, COPY, pieces, edges, places, ANALYZE): min {ours_t[0]:.1f} s, "
        f"median {ours_t[med]:.1f} s; {counts['zones']:,} zones, {counts['zone_parts']:,} zone pieces, "
        f"{counts.get('zone_edges', 0):,} edges; peak RSS {max(r[2] for r in rounds) / 1024:.0f} MiB"
    )
    print(
        f"  ogr2ogr -f PostgreSQL (-t_srs EPSG:4326, GiST index): min {ogr_t[0]:.1f} s, median {ogr_t[med]:.1f} s; "
        f"{ogr_rows:,} rows; peak RSS {max(r[3] for r in rounds) / 1024:.0f} MiB"
    )
    print(f"  ratio ours / ogr2ogr: {ours_t[0] / ogr_t[0]:.2f} (min/min), {ours_t[med] / ogr_t[med]:.2f} (median)")
    print("  stages of our fastest round (s): " + ", ".join(f"{k} {v:.2f}" for k, v in best["timings_s"].items()))
    return {
        "zones": n,
        "ours": [ours_t[0], ours_t[med]],
        "ogr": [ogr_t[0], ogr_t[med]],
        "rss": [max(r[2] for r in rounds) / 1024, max(r[3] for r in rounds) / 1024],
        "ogr_rows": ogr_rows,
        "counts": counts,
        "timings_s": best["timings_s"],
    }


def _forget_bench_plans(dbname: str, conninfo: dict) -> None:
    import psycopg2

    with psycopg2.connect(dbname=dbname, **conninfo) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM plan_version WHERE plan_id LIKE 'bench-%'")
        for (vid,) in cur.fetchall():
            cur.execute(f"DROP TABLE IF EXISTS zone_part_v{int(vid)}, zone_edge_v{int(vid)}, zone_v{int(vid)}")
        cur.execute("DELETE FROM plan_version WHERE plan_id LIKE 'bench-%'")
        cur.execute("DELETE FROM plan WHERE id LIKE 'bench-%'")


if __name__ == "__main__":
    main()
