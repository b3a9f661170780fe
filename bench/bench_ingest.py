"""Benchmark: our full ingest (validation included) of a 100,000-zone package vs ``ogr2ogr -f PostgreSQL``
loading the same file into the same server, in the same run.

    .venv/bin/python bench/bench_ingest.py [--zones 100000] [--repeat 3] [--url postgresql+psycopg2://…] [--keep DIR]

The package (a grid of small square zones in EPSG:9480 with Permen 14/2021 fields, a sub-zone table and a
small ITBX) is generated in a temporary folder — never committed. A scratch database ``rdtr_bench_ingest``
is created on the server of ``--url`` (default: RDTR_DATABASE_URL, else the embedded cluster) and dropped
at the end. Each loader runs in its own process; peak memory is that process's ru_maxrss (os.wait4).
The two loaders alternate for --repeat rounds; min and median are reported because a shared machine is noisy.
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
    ap.add_argument("--zones", type=int, default=100_000)
    ap.add_argument("--url", default=None, help="SQLAlchemy URL of the server (default: RDTR_DATABASE_URL or embedded)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated package in this folder")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (the machine may be busy: min and median)")
    args = ap.parse_args()

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

    tmp = Path(tempfile.mkdtemp(prefix="rdtr-bench-"))
    try:
        t0 = time.perf_counter()
        pkg = make_package(args.keep or tmp / "pkg", args.zones)
        gen = time.perf_counter() - t0
        size = (pkg / "pola_ruang.gpkg").stat().st_size
        print(
            f"package: {args.zones:,} zones, pola_ruang.gpkg {size / 1e6:.1f} MB (generated in {gen:.1f} s); "
            f"{args.repeat} rounds, each: our ingest, then ogr2ogr"
        )

        env = dict(os.environ, RDTR_DATABASE_URL=url)
        child = (
            "import json, sys, time; t = time.perf_counter(); from rdtr.ingest import ingest_package; "
            "from rdtr.db import Database; r = ingest_package(Database.open(), sys.argv[1]); "
            "print(json.dumps({'s': time.perf_counter() - t, 'zones': r.report['counts']['zones'], "
            "'parts': r.report['counts']['zone_parts'], 'timings': r.report['timings_s']}))"
        )
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
        for i in range(args.repeat):
            _forget_bench_plans(dbname, conninfo)  # every round loads into the same, empty-of-bench state
            (pkg / "plan.toml").write_text(toml.replace('id = "bench"', f'id = "bench-{i}"'))
            ours_wall, ours_rss, out = _run([sys.executable, "-c", child, str(pkg)], env=env)
            ours = json.loads(out.strip().splitlines()[-1])
            ogr_wall, ogr_rss, _ = _run(ogr_cmd)
            rounds.append((ours_wall, ogr_wall, ours_rss, ogr_rss, ours))
            print(
                f"  round {i + 1}: ours {ours_wall:6.1f} s, ogr2ogr {ogr_wall:6.1f} s, "
                f"ratio {ours_wall / ogr_wall:.2f}",
                flush=True,
            )
        with psycopg2.connect(dbname=dbname, **conninfo) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM ogr_scratch.pola_ruang")
            ogr_rows = cur.fetchone()[0]

        ours_t = sorted(r[0] for r in rounds)
        ogr_t = sorted(r[1] for r in rounds)
        med = len(rounds) // 2
        best = min(rounds, key=lambda r: r[0])[4]
        print(
            f"ours (full ingest: validation, topology, COPY, zone pieces, ANALYZE): min {ours_t[0]:.1f} s, "
            f"median {ours_t[med]:.1f} s; {best['zones']:,} zones, {best['parts']:,} zone pieces; "
            f"peak RSS {max(r[2] for r in rounds) / 1024:.0f} MiB"
        )
        print(
            f"ogr2ogr -f PostgreSQL (-t_srs EPSG:4326, GiST index):            min {ogr_t[0]:.1f} s, "
            f"median {ogr_t[med]:.1f} s; {ogr_rows:,} rows; peak RSS {max(r[3] for r in rounds) / 1024:.0f} MiB"
        )
        print(
            f"ratio ours / ogr2ogr: {ours_t[0] / ogr_t[0]:.2f} (min/min), {ours_t[med] / ogr_t[med]:.2f} "
            f"(median/median)  — target ≤ 2"
        )
        print("stages of our fastest round (s): " + ", ".join(f"{k} {v:.2f}" for k, v in best["timings"].items()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()


def _forget_bench_plans(dbname: str, conninfo: dict) -> None:
    import psycopg2

    with psycopg2.connect(dbname=dbname, **conninfo) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM plan_version WHERE plan_id LIKE 'bench-%'")
        for (vid,) in cur.fetchall():
            cur.execute(f"DROP TABLE IF EXISTS zone_part_v{int(vid)}")
        cur.execute("DELETE FROM plan_version WHERE plan_id LIKE 'bench-%'")
        cur.execute("DELETE FROM plan WHERE id LIKE 'bench-%'")


if __name__ == "__main__":
    main()
