#!/usr/bin/env python
"""Benchmark of the point question (issue #2): ``GET /v1/zoning`` over HTTP against its raw-SQL floor.

    .venv/bin/python bench/bench_point.py [--duration 15] [--concurrency 16,32] [--workers 2]

What it does, all in one run so the numbers are comparable on the same (noisy) machine:

1. starts (or reuses) an embedded PostGIS cluster under ``--home`` (default ``.rdtr-bench``, shared with the
   other benchmarks), migrates it and loads the sample plan ``data/zoning/bontang`` once;
2. starts ``rdtr serve --workers N`` — a real uvicorn server — in a subprocess on that database;
3. draws random points (seeded) in the sample's extent;
4. **floor**: the same question as ONE raw SQL query per point (``rdtr.answers.sql.POINT_ALL``, prepared, with
   the same session settings as the API's connections) through psycopg2 on 2 connections in 2 threads, for
   ``--duration`` seconds;
5. **HTTP**: ``GET /v1/zoning?lon=&lat=`` at each concurrency with a small asyncio keep-alive HTTP/1.1 client
   (raw sockets: far cheaper per request than httpx, so the load generator steals less CPU from the server);
6. steps 4 and 5 run interleaved in ``--rounds`` short slices (floor, HTTP c=16, HTTP c=32, …, again), so
   load from anything else on the machine hits them alike; then a table: throughput, p50/p99 latency, and
   HTTP ÷ floor. ``--variants single,before`` also serves the code of ``--before`` (default: the last commit
   with the old ``/v1/zoning`` ASGI fast path, unpacked from git into ``bench/out/``) beside this tree's one
   request path, on the same database, in the same interleaved rounds.

The load generator runs on the same machine and shares its cores with the server and PostgreSQL; the table
reports how much CPU the client itself used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SAMPLE = REPO / "data" / "zoning" / "bontang"
OUT = REPO / "bench" / "out"


# --- setup ---------------------------------------------------------------------------------------------


#: The last commit before the single request path: its ``/v1/zoning`` ASGI fast path is the old figure.
BEFORE_REF = "6aba852"


def setup_database(home: Path, url: str | None = None) -> str:
    """A migrated database with the sample loaded; returns its SQLAlchemy URL."""
    if url is None:
        from rdtr.db.local import LocalCluster

        url = LocalCluster(home).ensure_running()
    os.environ["RDTR_DATABASE_URL"] = url
    from rdtr.config import get_settings

    get_settings.cache_clear()
    from sqlalchemy import text

    from rdtr.db import Database, upgrade

    upgrade(url)
    with Database(url, pool_size=1) as db, db.engine.connect() as conn:
        if not conn.execute(text("SELECT to_regclass('zone_edge') IS NOT NULL")).scalar():
            raise SystemExit(
                f"the database at {url} predates the current schema (no zone_edge table): "
                "start from a fresh cluster (remove the --home directory) or another database"
            )
        loaded = conn.execute(text("SELECT count(*) FROM plan_version WHERE plan_id = 'bontang'")).scalar()
    if not loaded:
        from rdtr.ingest import ingest_package

        print(f"loading the sample plan {SAMPLE} …", flush=True)
        with Database(url, pool_size=1) as db:
            ingest_package(db, SAMPLE)
    return url


def sample_extent(url: str) -> tuple[float, float, float, float]:
    from rdtr.db import Database

    with Database(url, pool_size=1) as db:
        rows = db.fetch_sql(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(z.geom)::geometry e "
            "FROM zone z JOIN plan_version pv ON pv.id = z.plan_version_id WHERE pv.plan_id = 'bontang') s"
        )
    return tuple(rows[0])


def libpq_params(url: str) -> dict:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    params = dict(
        dbname=u.database,
        user=u.username,
        password=u.password,
        host=u.query.get("host") or u.host,
        port=u.query.get("port") or u.port,
    )
    return {k: v for k, v in params.items() if v}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def code_tree(ref: str | None) -> Path:
    """This repository's working tree (``ref`` None), or the code of commit ``ref`` unpacked once into
    ``bench/out/tree-<ref>`` (git-ignored) so it can be served beside the current code."""
    if ref is None:
        return REPO
    target = OUT / f"tree-{ref}"
    if not (target / "rdtr").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", ref], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


class Server:
    """``rdtr serve`` in a subprocess (a real uvicorn with N workers), from this tree or another ``tree``
    (the code of an earlier commit, see :func:`code_tree`)."""

    def __init__(self, url: str, workers: int = 2, port: int | None = None, tree: Path = REPO, env: dict | None = None):
        self.url, self.workers, self.port = url, workers, port or free_port()
        self.tree, self.extra_env = tree, env or {}
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = dict(
            os.environ,
            RDTR_DATABASE_URL=self.url,
            PYTHONUNBUFFERED="1",
            RDTR_RATE_LIMIT="off",
            RDTR_ALLOW_SUPERUSER="true",
            **self.extra_env,
        )
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (self.tree, self.tree / "bench") if p)
        cmd = [
            sys.executable,
            "-c",
            "from rdtr.cli import main; main()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=self.tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the server exited: " + (self.proc.stderr.read() or b"").decode()[-2000:])
            try:
                status, _ = http_get_once("127.0.0.1", self.port, "/health")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("the server did not answer /health within 60 s")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout.split()
        return [int(p) for p in out]

    def peak_rss_mb(self) -> dict[int, float]:
        peaks = {}
        for pid in [self.proc.pid, *self.worker_pids()]:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = int(line.split()[1]) / 1024
            except OSError:
                pass
        return peaks

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            import signal

            os.killpg(self.proc.pid, signal.SIGTERM)  # our own session: the server and its workers only
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


# --- a tiny keep-alive HTTP/1.1 client -----------------------------------------------------------------


def http_get_once(host: str, port: int, path: str) -> tuple[int, bytes]:
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
            break
    body = await reader.readexactly(length) if length else b""
    return status, body


async def _http_load(host: str, port: int, make_request, concurrency: int, duration: float, seed: int = 0) -> dict:
    latencies: list[float] = []
    errors = {"count": 0, "examples": []}
    stop_at = time.perf_counter() + duration

    async def one_connection(seed: int) -> None:
        rng = random.Random(seed)
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < stop_at:
                request = make_request(rng)
                t0 = time.perf_counter()
                writer.write(request)
                status, body = await _read_response(reader)
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors["count"] += 1
                    if len(errors["examples"]) < 3:
                        errors["examples"].append(f"{status} {body[:200]!r}")
        finally:
            writer.close()

    cpu0, t0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one_connection(seed * 1000 + i) for i in range(concurrency)))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return _summary(latencies, wall, errors=errors, client_cpu_share=cpu / wall)


def http_load(host: str, port: int, make_request, concurrency: int, duration: float, seed: int = 0) -> dict:
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover
        runner = asyncio.run
    return runner(_http_load(host, port, make_request, concurrency, duration, seed))


def _summary(latencies: list[float], wall: float, **extra) -> dict:
    lat = sorted(latencies)
    n = len(lat)

    def pct(p: float) -> float:
        return lat[min(n - 1, int(p * n))] * 1000 if n else float("nan")

    return {
        "_latencies": latencies,
        "_wall": wall,
        "requests": n,
        "seconds": round(wall, 2),
        "throughput": round(n / wall, 1) if wall else 0.0,
        "p50_ms": round(pct(0.50), 2),
        "p99_ms": round(pct(0.99), 2),
        "mean_ms": round(statistics.fmean(lat) * 1000, 2) if n else None,
        **extra,
    }


# --- the floor: the same SQL through psycopg2 ---------------------------------------------------------


def sql_floor(
    url: str,
    statement: str,
    make_params,
    connections: int = 2,
    duration: float = 10.0,
    name: str = "bench_floor",
    seed: int = 0,
) -> dict:
    """Run ``statement`` (``$n`` placeholders, PREPAREd like the API does) on ``connections`` psycopg2
    connections in as many threads for ``duration`` seconds."""
    import psycopg2

    from rdtr.db.database import SESSION_OPTIONS  # the same session settings as the API's connections

    latencies: list[float] = []
    lock = threading.Lock()
    params = libpq_params(url)
    start = threading.Barrier(connections + 1)
    stop_at = [0.0]

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        conn = psycopg2.connect(**params, application_name="rdtr-bench-floor", options=SESSION_OPTIONS)
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute(f"PREPARE {name} AS {statement}")
        mine = []
        start.wait()
        while time.perf_counter() < stop_at[0]:
            p = make_params(rng)
            t0 = time.perf_counter()
            cur.execute(f"EXECUTE {name}({','.join(['%s'] * len(p))})", p)
            cur.fetchall()
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(seed * 1000 + i,)) for i in range(connections)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + duration
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return _summary(latencies, time.perf_counter() - t0, connections=connections)


# --- the point benchmark --------------------------------------------------------------------------------


def point_maker(extent):
    x0, y0, x1, y1 = extent

    def http(rng: random.Random) -> bytes:
        lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
        return f"GET /v1/zoning?lon={lon:.7f}&lat={lat:.7f} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()

    today = date.today()

    def sql_params(rng: random.Random) -> tuple:
        return (rng.uniform(x0, x1), rng.uniform(y0, y1), today, None)

    return http, sql_params


def merge(parts: list[dict]) -> dict:
    """Summaries of several slices of the same configuration → one summary over all of them."""
    lat = [x for p in parts for x in p["_latencies"]]
    wall = sum(p["_wall"] for p in parts)
    extra = {}
    if all("client_cpu_share" in p for p in parts):
        extra["client_cpu_share"] = sum(p["client_cpu_share"] * p["_wall"] for p in parts) / wall
        extra["errors"] = sum(p["errors"]["count"] for p in parts)
    return _summary(lat, wall, slices=len(parts), **extra)


def interleave(configs: dict, rounds: int, slice_s: float) -> dict:
    """Run every configuration for ``slice_s`` seconds, round-robin, ``rounds`` times, and merge each one's
    slices. Interleaving puts the floor and the HTTP runs side by side in time, so load from anything else
    on the machine affects them alike instead of favouring whichever ran in a quiet minute."""
    parts: dict[str, list] = {name: [] for name in configs}
    for k in range(rounds):
        for name, run in configs.items():
            parts[name].append(run(slice_s, k + 1))
        line = "  ".join(f"{n}={parts[n][-1]['throughput']:.0f}/s" for n in configs)
        print(f"round {k + 1}/{rounds}: {line}", flush=True)
    return {name: merge(p) for name, p in parts.items()}


def public(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if not k.startswith("_")}


def print_table(title: str, rows: list[tuple[str, dict]], floor: dict) -> str:
    lines = [
        f"### {title}",
        "",
        "| run | throughput (/s) | p50 ms | p99 ms | vs floor | client CPU |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, r in rows:
        ratio = r["throughput"] / floor["throughput"] if floor["throughput"] else float("nan")
        cpu = f"{r['client_cpu_share'] * 100:.0f} %" if "client_cpu_share" in r else "—"
        lines.append(
            f"| {label} | {r['throughput']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {ratio * 100:.0f} % | {cpu} |"
        )
    text = "\n".join(lines)
    print(text, flush=True)
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--duration",
        type=float,
        default=15.0,
        help="seconds measured per configuration, split over the rounds (default 15)",
    )
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--concurrency", default="16,32", help="HTTP concurrencies, comma-separated (default 16,32)")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    ap.add_argument("--floor-connections", type=int, default=2)
    ap.add_argument(
        "--home",
        type=Path,
        default=Path(os.environ.get("RDTR_BENCH_HOME", REPO / ".rdtr-bench")),
        help="embedded cluster home (default .rdtr-bench, shared with the other benchmarks; RDTR_BENCH_HOME)",
    )
    ap.add_argument(
        "--database-url",
        default=os.environ.get("RDTR_BENCH_DATABASE_URL"),
        help="use this database instead of the embedded cluster",
    )
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument(
        "--variants",
        default="single,before",
        help="servers to measure: single (this tree: one request path) and/or before (the code of "
        "--before, with the old ASGI fast path)",
    )
    ap.add_argument("--before", default=BEFORE_REF, help=f"the earlier commit to serve beside (default {BEFORE_REF})")
    args = ap.parse_args(argv)

    url = setup_database(args.home, args.database_url)
    extent = sample_extent(url)
    http_req, sql_params = point_maker(extent)
    from rdtr.answers import sql

    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    variants = [v for v in args.variants.split(",") if v]
    slice_s = args.duration / args.rounds
    print(
        f"sample extent {extent}; {os.cpu_count()} CPUs; {args.duration:g} s per configuration in "
        f"{args.rounds} interleaved rounds",
        flush=True,
    )
    with contextlib.ExitStack() as stack:
        servers = {}
        if "single" in variants:
            servers["single"] = stack.enter_context(Server(url, workers=args.workers))
        if "before" in variants:
            servers["before"] = stack.enter_context(Server(url, workers=args.workers, tree=code_tree(args.before)))
        for srv in servers.values():
            http_load("127.0.0.1", srv.port, http_req, max(concurrencies), args.warmup)  # warm every worker
        sql_floor(url, sql.POINT_ALL.sql, sql_params, args.floor_connections, min(args.warmup, 2.0), "bench_warm")
        configs = {
            "floor": lambda d, k: sql_floor(
                url, sql.POINT_ALL.sql, sql_params, args.floor_connections, d, f"bench_floor_{k}", seed=k
            )
        }
        for variant, srv in servers.items():
            for c in concurrencies:
                configs[f"{variant}_c{c}"] = lambda d, k, port=srv.port, c=c: http_load(
                    "127.0.0.1", port, http_req, c, d, seed=k
                )
        merged = interleave(configs, args.rounds, slice_s)
    floor = merged["floor"]
    labels = {"single": "one request path (this tree)", "before": f"old ASGI fast path ({args.before})"}
    rows = [(f"floor: raw SQL, prepared, psycopg2, {args.floor_connections} connections", floor)]
    for variant in servers:
        for c in concurrencies:
            rows.append((f"HTTP GET /v1/zoning, {c} concurrent — {labels[variant]}", merged[f"{variant}_c{c}"]))
    table = print_table("Point question: HTTP vs the raw SQL floor (same run, interleaved)", rows, floor)
    for variant in servers:
        best = max(merged[f"{variant}_c{c}"]["throughput"] for c in concurrencies)
        print(
            f"best HTTP throughput, {labels[variant]}: {best / floor['throughput'] * 100:.0f} % of the floor "
            "(target ≥ 50 %)"
        )
    results = {
        "duration_s": args.duration,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "before": args.before,
        "runs": {name: public(r) for name, r in merged.items()},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "point.json").write_text(json.dumps(results, indent=2))
    (OUT / "point.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
