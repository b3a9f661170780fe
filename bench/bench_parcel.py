#!/usr/bin/env python
"""Benchmark of the parcel question (issue #4): ``POST /v1/parcels/analyze`` over HTTP against its raw-SQL
floor, and a 10,000-parcel batch.

    .venv/bin/python bench/bench_parcel.py [--duration 15] [--concurrency 16,32] [--batch 10000]

In one run, on the same machine (see bench_point.py for the set-up it shares):

1. **floor**: the same overlay as ONE raw SQL query per parcel (``rdtr.answers.sql.PARCEL_ALL`` with a
   one-parcel array, prepared with the API's session settings) through psycopg2 on 2 connections in 2 threads;
2. **HTTP**: ``POST /v1/parcels/analyze?activity=A001`` with one GeoJSON Polygon per request, at each
   concurrency, against ``rdtr serve --workers 2``;
3. 1 and 2 interleaved in ``--rounds`` short slices so background load hits them alike;
4. **batch**: one FeatureCollection of ``--batch`` parcels over HTTP (wall time, response size, the
   workers' peak RSS), and the same batch through the library in this process with its split (parse and
   check, the one set-based SQL query, assembling the answers) and the process's peak RSS growth.

Parcels are random quadrilaterals of 10–40 m sides, rotated, anywhere in the sample's extent (seeded),
so some straddle zone edges and some lie at sea.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_point import (  # noqa: E402
    BEFORE_REF,
    OUT,
    REPO,
    Server,
    code_tree,
    http_load,
    interleave,
    print_table,
    public,
    sample_extent,
    setup_database,
    sql_floor,
)


def random_parcel(rng: random.Random, extent) -> list[list[float]]:
    """A ring (lon/lat) of a rotated rectangle with sides of 10–40 m."""
    x0, y0, x1, y1 = extent
    cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
    w, h = rng.uniform(10, 40) / 2, rng.uniform(10, 40) / 2
    a = math.radians(rng.uniform(0, 90))
    mx = 111_320.0 * math.cos(math.radians(cy))
    my = 110_574.0
    ring = []
    for dx, dy in ((-w, -h), (w, -h), (w, h), (-w, h), (-w, -h)):
        rx, ry = dx * math.cos(a) - dy * math.sin(a), dx * math.sin(a) + dy * math.cos(a)
        ring.append([round(cx + rx / mx, 8), round(cy + ry / my, 8)])
    return ring


def parcel_maker(extent):
    import shapely

    def http(rng: random.Random) -> bytes:
        body = json.dumps({"type": "Polygon", "coordinates": [random_parcel(rng, extent)]}).encode()
        return (
            b"POST /v1/parcels/analyze?activity=A001 HTTP/1.1\r\nHost: bench\r\n"
            b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )

    today = date.today()

    def sql_params(rng: random.Random) -> tuple:
        ring = random_parcel(rng, extent)
        hexwkb = shapely.to_wkb(shapely.Polygon(ring), hex=True)
        return ([0], [hexwkb], today, None)

    return http, sql_params


def batch_collection(n: int, extent, seed: int = 10_000) -> dict:
    rng = random.Random(seed)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": i,
                "properties": {"nop": f"64.74.{i:06d}"},
                "geometry": {"type": "Polygon", "coordinates": [random_parcel(rng, extent)]},
            }
            for i in range(n)
        ],
    }


def post_once(port: int, path: str, body: bytes, timeout: float = 600) -> tuple[int, bytes, float]:
    import socket

    t0 = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(
            f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        chunks = []
        while chunk := s.recv(1 << 20):
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, payload = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), payload, time.perf_counter() - t0


def library_batch(url: str, fc: dict) -> dict:
    """The same batch in this process: parse/check, the one overlay query, assembly; peak RSS growth."""
    from rdtr.answers import analyze
    from rdtr.answers.parcel import overlay
    from rdtr.db import Database
    from rdtr.parcel_input import parse_geojson

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    batch = parse_geojson(fc)
    t1 = time.perf_counter()
    with Database(url) as db:
        overlay(db, batch.parcels, date.today(), None)  # the SQL alone, timed separately
        t2 = time.perf_counter()
        answer = analyze(db, batch, activity="A001")
    t3 = time.perf_counter()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sql_s = t2 - t1
    return {
        "parcels": len(batch.parcels),
        "parse_check_s": round(t1 - t0, 2),
        "sql_s": round(sql_s, 2),
        "assemble_s": round((t3 - t2) - sql_s, 2),
        "total_s": round((t1 - t0) + (t3 - t2), 2),
        "covered": sum(1 for r in answer["results"] if r.get("covered")),
        "peak_rss_growth_mb": round((rss1 - rss0) / 1024, 1),
        "peak_rss_mb": round(rss1 / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--duration",
        type=float,
        default=15.0,
        help="seconds measured per configuration, split over the rounds (default 15)",
    )
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--concurrency", default="16,32", help="HTTP concurrencies (default 16,32)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--floor-connections", type=int, default=2)
    ap.add_argument("--batch", type=int, default=10_000, help="parcels in the batch run (0: skip)")
    ap.add_argument("--home", type=Path, default=Path(os.environ.get("RDTR_BENCH_HOME", REPO / ".rdtr-bench")))
    ap.add_argument("--database-url", default=os.environ.get("RDTR_BENCH_DATABASE_URL"))
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument(
        "--before",
        default=BEFORE_REF,
        help=f"also serve this earlier commit's code beside ours (default {BEFORE_REF}; '' to skip)",
    )
    args = ap.parse_args(argv)

    url = setup_database(args.home, args.database_url)
    extent = sample_extent(url)
    http_req, sql_params = parcel_maker(extent)
    from rdtr.answers import sql

    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    print(
        f"sample extent {extent}; {os.cpu_count()} CPUs; {args.duration:g} s per configuration in "
        f"{args.rounds} interleaved rounds",
        flush=True,
    )
    results: dict = {
        "duration_s": args.duration,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "workers": args.workers,
    }
    env = {k: os.environ[k] for k in ("RDTR_WORKER_THREADS", "RDTR_SWITCH") if k in os.environ}
    with Server(url, workers=args.workers, env=env) as server, contextlib.ExitStack() as stack:
        before = (
            stack.enter_context(Server(url, workers=args.workers, tree=code_tree(args.before))) if args.before else None
        )
        http_load("127.0.0.1", server.port, http_req, max(concurrencies), args.warmup)
        if before is not None:
            http_load("127.0.0.1", before.port, http_req, max(concurrencies), args.warmup)
        sql_floor(url, sql.PARCEL_ALL.sql, sql_params, args.floor_connections, min(args.warmup, 2.0), "bench_warm")
        configs = {
            "floor": lambda d, k: sql_floor(
                url, sql.PARCEL_ALL.sql, sql_params, args.floor_connections, d, f"bench_floor_{k}", seed=k
            )
        }
        for c in concurrencies:
            configs[f"http_c{c}"] = lambda d, k, c=c: http_load("127.0.0.1", server.port, http_req, c, d, seed=k)
            if before is not None:
                configs[f"before_c{c}"] = lambda d, k, c=c: http_load("127.0.0.1", before.port, http_req, c, d, seed=k)
        merged = interleave(configs, args.rounds, args.duration / args.rounds)
        results["runs"] = {name: public(r) for name, r in merged.items()}
        if args.batch:
            fc = batch_collection(args.batch, extent)
            body = json.dumps(fc).encode()
            rss_before = server.peak_rss_mb()
            status, payload, wall = post_once(server.port, "/v1/parcels/analyze?activity=A001", body)
            rss_after = server.peak_rss_mb()
            answer = json.loads(payload) if status == 200 else {}
            workers = [pid for pid in rss_after if pid != server.proc.pid]
            results["batch_http"] = {
                "parcels": args.batch,
                "status": status,
                "seconds": round(wall, 2),
                "request_mb": round(len(body) / 1e6, 1),
                "response_mb": round(len(payload) / 1e6, 1),
                "results": len(answer.get("results", [])),
                "in_order": [r.get("id") for r in answer.get("results", [])] == list(range(args.batch)),
                "worker_peak_rss_mb": round(max(rss_after[w] for w in workers), 1) if workers else None,
                "worker_peak_rss_mb_before": round(max(rss_before.get(w, 0) for w in workers), 1) if workers else None,
            }
            print(f"batch over HTTP: {results['batch_http']}", flush=True)
    if args.batch:
        results["batch_library"] = library_batch(url, batch_collection(args.batch, extent))
        print(f"batch in-process: {results['batch_library']}", flush=True)
    floor = merged["floor"]
    rows = [(f"floor: raw SQL, prepared, psycopg2, {args.floor_connections} connections", floor)]
    rows += [
        (
            f"HTTP POST /v1/parcels/analyze?activity=A001, {c} concurrent — one request path (this tree)",
            merged[f"http_c{c}"],
        )
        for c in concurrencies
    ]
    if args.before:
        rows += [
            (
                f"HTTP POST /v1/parcels/analyze?activity=A001, {c} concurrent — old fast path ({args.before})",
                merged[f"before_c{c}"],
            )
            for c in concurrencies
        ]
    table = print_table(
        "Parcel analysis (one parcel per request): HTTP vs the raw SQL floor (same run, interleaved)", rows, floor
    )
    best = max(merged[f"http_c{c}"]["throughput"] for c in concurrencies)
    print(f"\nbest HTTP throughput = {best / floor['throughput'] * 100:.0f} % of the floor (target ≥ 40 %)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "parcel.json").write_text(json.dumps(results, indent=2))
    (OUT / "parcel.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
