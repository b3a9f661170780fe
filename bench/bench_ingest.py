"""Benchmark: our full ingest (validation included) of a 100,000-zone package vs ``ogr2ogr -f PostgreSQL``
loading the same file into the same server, in the same run.

    .venv/bin/python bench/bench_ingest.py [--zones 100000] [--url postgresql+psycopg2://…] [--keep DIR]

The package (a grid of small square zones in EPSG:9480 with Permen 14/2021 fields, a sub-zone table and a
small ITBX) is generated in a temporary folder — never committed. A scratch database ``rdtr_bench_ingest``
is created on the server of ``--url`` (default: RDTR_DATABASE_URL, else the embedded cluster) and dropped
at the end. Each loader runs in its own process; peak memory is that process's ru_maxrss.
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

SUBZONES = [("R-2", "Perumahan Kepadatan Tinggi", "R", "Zona Perumahan"),
            ("R-3", "Perumahan Kepadatan Sedang", "R", "Zona Perumahan"),
            ("K-1", "Perdagangan dan Jasa Skala Kota", "K", "Zona Perdagangan dan Jasa"),
            ("RTH-2", "Taman Kota", "RTH", "Zona Ruang Terbuka Hijau"),
            ("SPU-1", "SPU Skala Kota", "SPU", "Zona Sarana Pelayanan Umum"),
            ("BJ", "Badan Jalan", "BJ", "Zona Badan Jalan")]


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
    gdf = gpd.GeoDataFrame({
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
    }, geometry=geoms, crs="EPSG:9480")
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
    (root / "plan.toml").write_text('''[plan]
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
''')
    return root


def _run(cmd: list[str], env=None) -> tuple[float, int, str]:
    """Wall time (s), peak RSS (KiB) of the child process, and its stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    out, err = proc.communicate()  # reads pipes; the child is reaped below
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, _child_maxrss(proc), out


_last_children_maxrss = 0


def _child_maxrss(proc) -> int:
    # ru_maxrss of RUSAGE_CHILDREN is the largest of all waited-for children; we run loaders one at a time and
    # report a child's own peak when it exceeds the previous ones (else the previous maximum bounds it).
    import resource

    global _last_children_maxrss
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    own = peak if peak > _last_children_maxrss else None
    _last_children_maxrss = peak
    return own if own is not None else -peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zones", type=int, default=100_000)
    ap.add_argument("--url", default=None, help="SQLAlchemy URL of the server (default: RDTR_DATABASE_URL or embedded)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated package in this folder")
    args = ap.parse_args()

    import psycopg2
    from sqlalchemy.engine import make_url

    from rdtr.db import database_url, upgrade

    base = make_url(args.url or database_url())
    conninfo = dict(user=base.username, host=base.query.get("host") or base.host,
                    port=base.query.get("port") or base.port, password=base.password)
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

    tmp = Path(tempfile.mkdtemp(prefix="rdtr-bench-"))
    try:
        t0 = time.perf_counter()
        pkg = make_package(args.keep or tmp / "pkg", args.zones)
        gen = time.perf_counter() - t0
        size = (pkg / "pola_ruang.gpkg").stat().st_size
        print(f"package: {args.zones:,} zones, pola_ruang.gpkg {size / 1e6:.1f} MB (generated in {gen:.1f} s)")

        env = dict(os.environ, RDTR_DATABASE_URL=url)
        child = ("import json, sys, time; t = time.perf_counter(); from rdtr.ingest import ingest_package; "
                 "r = ingest_package(sys.argv[1]); "
                 "print(json.dumps({'s': time.perf_counter() - t, 'zones': r.report['counts']['zones'], "
                 "'parts': r.report['counts']['zone_parts'], 'timings': r.report['timings_s']}))")
        ours_wall, ours_rss, out = _run([sys.executable, "-c", child, str(pkg)], env=env)
        ours = json.loads(out.strip().splitlines()[-1])

        pg = " ".join(f"{k}={v}" for k, v in {"dbname": dbname, **{("host" if k == "host" else k): v
                                                                for k, v in conninfo.items()}}.items())
        ogr_wall, ogr_rss, _ = _run(["ogr2ogr", "-f", "PostgreSQL", f"PG:{pg}", str(pkg / "pola_ruang.gpkg"),
                                     "pola_ruang", "-nln", "ogr_scratch.pola_ruang", "-t_srs", "EPSG:4326",
                                     "-nlt", "MULTIPOLYGON", "-lco", "GEOMETRY_NAME=geom"])
        with psycopg2.connect(dbname=dbname, **conninfo) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM ogr_scratch.pola_ruang")
            ogr_rows = cur.fetchone()[0]

        ratio = ours_wall / ogr_wall
        print(f"ours (full ingest, validation, topology, COPY, subdivide, ANALYZE): {ours_wall:6.1f} s wall "
              f"({ours['s']:.1f} s inside ingest_package), {ours['zones']:,} zones, {ours['parts']:,} zone parts, "
              f"peak RSS {abs(ours_rss) / 1024:.0f} MiB")
        print(f"ogr2ogr -f PostgreSQL (-t_srs EPSG:4326, GiST index):            {ogr_wall:6.1f} s wall, "
              f"{ogr_rows:,} rows, peak RSS {abs(ogr_rss) / 1024:.0f} MiB{' (bound)' if ogr_rss < 0 else ''}")
        print(f"ratio ours / ogr2ogr: {ratio:.2f}  (target ≤ 2)")
        print("stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in ours["timings"].items()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
