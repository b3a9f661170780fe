#!/usr/bin/env python
"""Head-of-line benchmark (issue #8): does a heavy parcel analysis delay the short answers beside it?

    .venv/bin/python bench/bench_headline.py [--rounds 4] [--seconds 6] [--zones 100000]

In one run, on one ``rdtr serve --workers 1`` (a single worker, so everything shares one event loop):

1. a dense plan of ``--zones`` 20 m square zones (``bench_ingest.make_package``, 6.3 km × 6.3 km) is loaded
   once into its own database ``rdtr_bench_dense`` on the benchmark cluster;
2. **probes**: one keep-alive connection asks ``GET /health`` and a point answer (``GET /v1/zoning``) in
   turn, back to back, and records each latency;
3. **idle** slices: the probes alone; **loaded** slices: the probes while other connections keep
   ``POST /v1/parcels/analyze`` busy with a ≈1 km² parcel over the dense plan (≈2,500 zones, thousands of
   pieces) — ``--heavy`` of them at once;
4. idle and loaded slices alternate for ``--rounds`` rounds; the table gives p50, p99 and max of the probes
   in each, and the delay the load adds (loaded − idle). Target: the added delay ≲ 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_point import OUT, REPO, Server, _read_response, setup_database  # noqa: E402

DB_NAME = "rdtr_bench_dense"
ORIGIN_E, ORIGIN_N = 545_000.0, 2_000.0  # bench_ingest.make_package's grid origin, EPSG:9480 (UTM 50N)


def dense_database(base_url: str, zones: int) -> str:
    """A database on the benchmark cluster with the dense grid plan loaded (made once)."""
    import psycopg2
    from sqlalchemy.engine import make_url

    from bench_ingest import make_package
    from rdtr.db import Database, upgrade
    from rdtr.ingest import ingest_package

    url = make_url(base_url)
    params = dict(
        dbname="postgres",
        user=url.username,
        password=url.password,
        host=url.query.get("host") or url.host,
        port=url.query.get("port") or url.port,
    )
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()
    dense = url.set(database=DB_NAME).render_as_string(hide_password=False)
    upgrade(dense)
    with Database(dense, pool_size=1) as db:
        loaded = db.fetch_sql("SELECT zone_count FROM plan_version WHERE plan_id = 'bench'")
        if not loaded:
            with tempfile.TemporaryDirectory(prefix="rdtr-bench-dense-") as tmp:
                print(f"making and loading a {zones:,}-zone grid plan …", flush=True)
                pkg = make_package(Path(tmp) / "pkg", zones)
                ingest_package(db, pkg)
    return dense


def lonlat(e: float, n: float) -> tuple[float, float]:
    from pyproj import Transformer

    return Transformer.from_crs(9480, 4326, always_xy=True).transform(e, n)


def heavy_parcel(zones: int, side_m: float = 995.0) -> dict:
    """A ≈1 km² square (just under RDTR_MAX_PARCEL_AREA_M2) in the middle of the grid, as GeoJSON."""
    grid = math.ceil(math.sqrt(zones)) * 20.0
    e0 = ORIGIN_E + (grid - side_m) / 2 + 3.3  # off the zone corners, so pieces are cut
    n0 = ORIGIN_N + (grid - side_m) / 2 + 7.1
    ring = [lonlat(e, n) for e, n in ((e0, n0), (e0 + side_m, n0), (e0 + side_m, n0 + side_m), (e0, n0 + side_m))]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


async def _probe(port: int, point: tuple[float, float], stop_at: float, out: dict) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lon, lat = point
    requests = {
        "health": b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n",
        "point": f"GET /v1/zoning?lon={lon:.7f}&lat={lat:.7f} HTTP/1.1\r\nHost: bench\r\n\r\n".encode(),
    }
    try:
        while time.perf_counter() < stop_at:
            for name, request in requests.items():
                t0 = time.perf_counter()
                writer.write(request)
                status, _ = await _read_response(reader)
                out[name].append(time.perf_counter() - t0)
                if status != 200:
                    out["errors"] += 1
            await asyncio.sleep(0.005)
    finally:
        writer.close()


async def _heavy(port: int, body: bytes, stop_at: float, out: list) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        b"POST /v1/parcels/analyze HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    try:
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            writer.write(request)
            status, payload = await _read_response(reader)
            out.append((time.perf_counter() - t0, status, len(payload)))
    finally:
        writer.close()


async def _slice(port: int, point, body: bytes | None, seconds: float, heavy: int) -> dict:
    stop_at = time.perf_counter() + seconds
    probes = {"health": [], "point": [], "errors": 0}
    analyses: list = []
    tasks = [_probe(port, point, stop_at, probes)]
    if body is not None:
        tasks += [_heavy(port, body, stop_at, analyses) for _ in range(heavy)]
    await asyncio.gather(*tasks)
    return {**probes, "analyses": analyses}


def _stats(values: list[float]) -> dict:
    v = sorted(values)
    if not v:
        return {"n": 0}
    return {
        "n": len(v),
        "p50_ms": round(v[len(v) // 2] * 1000, 2),
        "p99_ms": round(v[min(len(v) - 1, int(0.99 * len(v)))] * 1000, 2),
        "max_ms": round(v[-1] * 1000, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=6.0, help="seconds per idle or loaded slice")
    ap.add_argument("--zones", type=int, default=100_000)
    ap.add_argument("--heavy", type=int, default=2, help="concurrent heavy analyses in the loaded slices")
    ap.add_argument("--home", type=Path, default=Path(os.environ.get("RDTR_BENCH_HOME", REPO / ".rdtr-bench")))
    ap.add_argument("--database-url", default=os.environ.get("RDTR_BENCH_DATABASE_URL"))
    args = ap.parse_args(argv)

    base = setup_database(args.home, args.database_url)
    url = dense_database(base, args.zones)
    grid = math.ceil(math.sqrt(args.zones)) * 20.0
    point = lonlat(ORIGIN_E + grid / 3 + 5.5, ORIGIN_N + grid / 3 + 9.5)
    body = json.dumps(heavy_parcel(args.zones)).encode()
    runner = asyncio.run
    idle = {"health": [], "point": [], "errors": 0}
    loaded = {"health": [], "point": [], "errors": 0}
    analyses: list = []
    with Server(url, workers=1) as server:
        runner(_slice(server.port, point, body, 3.0, 1))  # warm: version caches, prepared statements
        for k in range(args.rounds):
            a = runner(_slice(server.port, point, None, args.seconds, args.heavy))
            b = runner(_slice(server.port, point, body, args.seconds, args.heavy))
            for part, into in ((a, idle), (b, loaded)):
                into["health"] += part["health"]
                into["point"] += part["point"]
                into["errors"] += part["errors"]
            analyses += b["analyses"]
            print(
                f"round {k + 1}/{args.rounds}: idle point p99 {_stats(a['point']).get('p99_ms')} ms, loaded "
                f"point p99 {_stats(b['point']).get('p99_ms')} ms, {len(b['analyses'])} analyses",
                flush=True,
            )
    ok = [t for t, status, _ in analyses if status == 200]
    statuses = sorted({status for _, status, _ in analyses})
    doc = {
        "zones": args.zones,
        "heavy_concurrent": args.heavy,
        "rounds": args.rounds,
        "slice_s": args.seconds,
        "analysis": {
            "n": len(analyses),
            "statuses": statuses,
            **_stats(ok),
            "mean_s": round(statistics.fmean(ok), 3) if ok else None,
            "response_kb": (round(statistics.fmean(n for _, _, n in analyses) / 1024, 1) if analyses else None),
        },
        "idle": {name: _stats(idle[name]) for name in ("health", "point")},
        "loaded": {name: _stats(loaded[name]) for name in ("health", "point")},
        "errors": {"idle": idle["errors"], "loaded": loaded["errors"]},
    }
    lines = [
        "### Head of line: short answers beside a 1 km² parcel analysis (one worker, same run)",
        "",
        "| probe | idle p50 / p99 / max ms | loaded p50 / p99 / max ms | added p99 ms |",
        "|---|---|---|---:|",
    ]
    for name in ("health", "point"):
        i, lo = doc["idle"][name], doc["loaded"][name]
        lines.append(
            f"| `{'GET /health' if name == 'health' else 'GET /v1/zoning'}` | {i['p50_ms']} / {i['p99_ms']} / "
            f"{i['max_ms']} | {lo['p50_ms']} / {lo['p99_ms']} / {lo['max_ms']} | "
            f"{lo['p99_ms'] - i['p99_ms']:.1f} |"
        )
    an = doc["analysis"]
    lines.append(
        f"\nHeavy analyses: {an['n']} ({args.heavy} at a time), statuses {statuses}, "
        f"p50 {an.get('p50_ms')} ms, answer ≈ {an['response_kb']} kB."
    )
    table = "\n".join(lines)
    print(table)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "headline.json").write_text(json.dumps(doc, indent=2))
    (OUT / "headline.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
