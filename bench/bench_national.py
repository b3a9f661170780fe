#!/usr/bin/env python
"""National size (issue #14, item 4): 200 plans × 20,000 zones on one database against one city, same run.

    .venv/bin/python bench/bench_national.py [--plans 200] [--zones 20000] [--rounds 4] [--slice 5]

1. **Databases** on an embedded cluster of its own (``--home``, default ``.rdtr-bench-national``, kept between
   runs): ``rdtr_nat_single`` holds ONE synthetic plan (``nat-000``: bench_ingest's grid of 20 m squares, loaded
   by the real ``ingest_package``), ``rdtr_nat_national`` the same plan loaded the same way and then cloned
   ``--plans − 1`` times in SQL: every table with a ``plan_version_id`` column (found in the catalog, so a
   new per-version table is cloned too), ids shifted past the table's maximum, foreign keys shifted alike,
   every geometry moved with ``ST_Translate`` to its own place inside Indonesia (a 20 × 10 grid, 95–140° E,
   8° S–4° N; no two plans overlap), the per-version partitions made, filled and attached as the ingest does;
   then ANALYZE. A national database of the right size is reused; a partial one is completed.
2. **Answers, interleaved**: ``--rounds`` rounds of ``--slice`` seconds per configuration, single and national
   side by side: the point (``zoning_at`` in process; ``GET /v1/zoning`` over HTTP against ``rdtr serve
   --workers 2``, 16 concurrent) and the parcel (``analyze`` in process; ``POST /v1/parcels/analyze`` over
   HTTP) at random points of random plans. Every answer is checked: the plan of the copy the point is in and
   the sub-zone of the grid square under it (a wrong answer is counted and reported).
3. **Ingest** of one more plan (the same 20,000-zone package under a new id): into the national database vs
   into an empty migrated one, ``--ingest-rounds`` times in turn (the extra plan is removed again after each).
4. **Memory**: ``rdtr serve --workers 1`` on the national database with ``RDTR_VERSION_CACHE_SIZE`` = the
   bound (``--cache``) and 0 (off); points of 10, 50, 100, … plans in turn, the worker's RSS after each step.

Raw results: ``bench/out/national.json`` (``--latency-only``: step 2 alone, ``national-latency.json``); tables
on stdout (for bench/README.md). The databases are migrated on every run (``server_database``), so a kept
national database gets a new migration's index (0008: ``plan_version.bbox``) before it is measured.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import SUBZONES, make_package  # noqa: E402
from bench_point import OUT, REPO, Server, http_load, libpq_params  # noqa: E402

SINGLE_DB, NATIONAL_DB, EMPTY_DB = "rdtr_nat_single", "rdtr_nat_national", "rdtr_nat_empty"
BASE_PLAN = "nat-000"
GRID_E, GRID_N, CELL_M = 545_000.0, 2_000.0, 20.0  # bench_ingest.make_package's grid (EPSG:9480)
#: Tables keyed by plan version that are logs of loads, not a version's data: never cloned.
NOT_CLONED = {"ingest_run"}


def plan_id(k: int) -> str:
    """The id of copy ``k`` (0 is the ingested plan)."""
    return f"nat-{k:03d}"


def offset(k: int) -> tuple[float, float]:
    """Degrees to move copy ``k`` by from the ingested plan (near Bontang): a 20 × 10 grid over Indonesia."""
    if k == 0:
        return 0.0, 0.0
    lon, lat = 95.6 + (k % 20) * 2.3, -8.4 + (k // 20 % 10) * 1.3
    return lon - 117.40, lat - 0.02


# --- databases -----------------------------------------------------------------------------------------


def server_database(base: str, name: str, fresh: bool = False) -> str:
    """A migrated database ``name`` on the cluster of ``base`` (dropped first if ``fresh``); its URL."""
    import psycopg2
    from sqlalchemy.engine import make_url

    from rdtr.db import upgrade

    admin = psycopg2.connect(**{**libpq_params(base), "dbname": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cur:
        if fresh:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url


def package(root: Path, zones: int, pid: str) -> Path:
    """bench_ingest's grid package of ``zones`` zones under plan id ``pid`` (generated once into ``root``)."""
    src = root / f"grid-{zones}"
    if not (src / "pola_ruang.gpkg").exists():
        make_package(src, zones)
    pkg = root / f"{pid}-{zones}"
    if not pkg.exists():
        pkg.mkdir()
        for f in src.iterdir():  # copies: a package's files may not point outside it
            if f.name != "plan.toml":
                shutil.copy(f, pkg / f.name)
        toml = (src / "plan.toml").read_text().replace('id = "bench"', f'id = "{pid}"')
        (pkg / "plan.toml").write_text(toml.replace('name = "Benchmark grid"', f'name = "National bench {pid}"'))
    return pkg


def zone_count(url: str, like: str) -> dict[str, int]:
    """plan id → zones of its versions, for the plans whose id matches ``like``."""
    from rdtr.db import Database

    with Database(url, pool_size=1) as db:
        rows = db.fetch_sql(
            "SELECT plan_id, sum(zone_count)::int FROM plan_version WHERE plan_id LIKE %s GROUP BY plan_id", (like,)
        )
    return dict(rows)


def ensure_loaded(url: str, pkg: Path, zones: int) -> None:
    """The base plan loaded by the real pipeline, once."""
    from rdtr.db import Database
    from rdtr.ingest import ingest_package

    if zone_count(url, BASE_PLAN).get(BASE_PLAN) == zones:
        return
    t0 = time.perf_counter()
    with Database(url, pool_size=1) as db:
        ingest_package(db, pkg)
    print(f"  ingested {BASE_PLAN} ({zones:,} zones) in {time.perf_counter() - t0:.1f} s", flush=True)


#: Columns naming another table's id without a foreign key: the zones' derived pieces (migration 0010).
UNDECLARED_REFS = {"zone_part": {"zone_id": "zone"}, "zone_edge": {"zone_id": "zone"}}


def _catalog(cur) -> list[dict]:
    """The tables to clone, parents before children: name, columns, partitioned?, serial id?, foreign keys."""
    cur.execute("""
        SELECT c.relname, c.relkind = 'p'
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'plan_version_id' AND NOT a.attisdropped
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition""")
    tables = {name: {"name": name, "partitioned": part} for name, part in cur.fetchall() if name not in NOT_CLONED}
    for t in tables.values():
        cur.execute(
            """SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attidentity = 'a' OR a.attgenerated <> ''
                 FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""",
            (t["name"],),
        )
        t["columns"] = [(c, typ) for c, typ, always in cur.fetchall() if not always]
        t["sequence"] = None
        if any(c == "id" for c, _ in t["columns"]):
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (t["name"],))
            t["sequence"] = cur.fetchone()[0]
        cur.execute(
            """SELECT a.attname, f.relname FROM pg_constraint k
                 JOIN pg_class f ON f.oid = k.confrelid
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
                WHERE k.conrelid = %s::regclass AND k.contype = 'f' AND array_length(k.conkey, 1) = 1""",
            (t["name"],),
        )
        t["refs"] = {col: ref for col, ref in cur.fetchall() if ref in tables or ref == "plan_version"}
        t["refs"].update(UNDECLARED_REFS.get(t["name"], {}))
    ordered, done = [], {"plan_version"}
    while len(done) < len(tables):
        ready = [t for n, t in tables.items() if n not in done and set(t["refs"].values()) <= done | {n}]
        if not ready:
            raise SystemExit(f"cannot order the per-version tables: {sorted(set(tables) - done)}")
        for t in sorted(ready, key=lambda t: t["name"]):
            ordered.append(t)
            done.add(t["name"])
    return ordered


def _clone(cur, tables: list[dict], src_pv: int, k: int) -> None:
    """Copy ``k`` of version ``src_pv``: plan, version and every per-version table, moved by ``offset(k)``."""
    dx, dy = offset(k)
    pid = plan_id(k)
    cur.execute(
        "INSERT INTO plan (id, name, region, region_code) SELECT %s, 'National bench ' || %s, region, region_code "
        "FROM plan WHERE id = %s",
        (pid, pid, BASE_PLAN),
    )
    cur.execute(
        """INSERT INTO plan_version (plan_id, version, name, legal_basis, effective_from, source_checksum,
                                     validation_report, source_crs, synthetic, zone_count, bbox)
           SELECT %s, version, 'National bench ' || %s, legal_basis, effective_from, source_checksum,
                  validation_report, source_crs, synthetic, zone_count, ST_Translate(bbox, %s, %s)
             FROM plan_version WHERE id = %s RETURNING id""",
        (pid, pid, dx, dy, src_pv),
    )
    pv = cur.fetchone()[0]
    shifts = {}
    for t in tables:
        name = t["name"]
        if t["sequence"]:
            cur.execute(
                f"SELECT (SELECT coalesce(max(id), 0) FROM {name}) + 1 - min(id) FROM {name} "
                "WHERE plan_version_id = %s",
                (src_pv,),
            )
            shifts[name] = cur.fetchone()[0] or 0
        cols, exprs = [], []
        for col, typ in t["columns"]:
            cols.append(col)
            if col == "plan_version_id":
                exprs.append(str(pv))
            elif col == "id" and t["sequence"]:
                exprs.append(f"id + {shifts[name]}")
            elif col in t["refs"] and t["refs"][col] in shifts:
                exprs.append(f"{col} + {shifts[t['refs'][col]]}")
            elif typ.startswith("geometry"):
                exprs.append(f"ST_Translate({col}, {dx}, {dy})")
            elif col in ("minlon", "maxlon"):
                exprs.append(f"{col} + {dx}")
            elif col in ("minlat", "maxlat"):
                exprs.append(f"{col} + {dy}")
            else:
                exprs.append(col)
        target = name
        if t["partitioned"]:  # a fresh per-version partition, filled, then attached (its indexes built in bulk)
            target = f"{name}_v{pv}"
            cur.execute(
                f"CREATE TABLE {target} (LIKE {name} INCLUDING DEFAULTS, "
                f"CONSTRAINT {target}_version CHECK (plan_version_id = {pv}))"
            )
        cur.execute(
            f"INSERT INTO {target} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {name} "
            f"WHERE plan_version_id = {src_pv}"
        )
        if t["partitioned"]:
            cur.execute(f"ALTER TABLE {name} ATTACH PARTITION {target} FOR VALUES IN ({pv})")
            cur.execute(f"GRANT SELECT ON {target} TO rdtr_app")
        if t["sequence"]:
            cur.execute(f"SELECT setval(%s, (SELECT max(id) FROM {name}))", (t["sequence"],))


def build_national(url: str, plans: int, zones: int) -> None:
    """Clone the base plan until the database holds ``plans`` plans of ``zones`` zones (resumes a partial one)."""
    import psycopg2

    have = zone_count(url, "nat-%")
    missing = [k for k in range(1, plans) if have.get(plan_id(k)) != zones]
    if not missing:
        return
    conn = psycopg2.connect(**libpq_params(url))
    with conn, conn.cursor() as cur:
        tables = _catalog(cur)
        cur.execute("SELECT id FROM plan_version WHERE plan_id = %s", (BASE_PLAN,))
        src_pv = cur.fetchone()[0]
    print(f"  cloning {len(missing)} plans in SQL ({', '.join(t['name'] for t in tables)}) …", flush=True)
    t0 = time.perf_counter()
    for i, k in enumerate(missing, 1):
        with conn, conn.cursor() as cur:
            if plan_id(k) in have:  # a partial copy from an interrupted run
                _remove_plan(cur, plan_id(k))
            _clone(cur, tables, src_pv, k)
        if i % 10 == 0 or i == len(missing):
            rate = (time.perf_counter() - t0) / i
            print(f"  {i}/{len(missing)} copies, {rate:.1f} s each", flush=True)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("ANALYZE")
    conn.close()
    print(f"  cloned in {time.perf_counter() - t0:.0f} s (ANALYZE included)", flush=True)


def _remove_plan(cur, pid: str) -> None:
    """Remove a plan and its versions (the benchmark's own plans only: its partitions dropped first)."""
    cur.execute("SELECT id FROM plan_version WHERE plan_id = %s", (pid,))
    for (pv,) in cur.fetchall():
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname LIKE %s",
            (f"%\\_v{pv}",),
        )
        for (part,) in cur.fetchall():
            cur.execute(f"DROP TABLE {part}")
        cur.execute("DELETE FROM ingest_run WHERE plan_version_id = %s", (pv,))
        cur.execute("DELETE FROM plan_version WHERE id = %s", (pv,))
    cur.execute("DELETE FROM ingest_run WHERE plan_id = %s", (pid,))
    cur.execute("DELETE FROM plan WHERE id = %s", (pid,))


def database_size(url: str) -> tuple[int, int]:
    """(bytes on disk, zones) of the database."""
    import psycopg2

    with psycopg2.connect(**libpq_params(url)) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_database_size(current_database()), (SELECT count(*) FROM zone)")
        return cur.fetchone()


# --- answers ---------------------------------------------------------------------------------------------


class Points:
    """Random points inside the grid's squares (away from their edges), in lon/lat, with the sub-zone each
    must answer; ``sample`` puts one in a random plan (of ``plans``) and names the plan it must answer."""

    def __init__(self, zones: int, n: int = 5000, seed: int = 7):
        from pyproj import Transformer

        rng = random.Random(seed)
        side = math.ceil(math.sqrt(zones))
        to_lonlat = Transformer.from_crs(9480, 4326, always_xy=True)
        self.pool = []
        for _ in range(n):
            cell = rng.randrange(zones)
            e = GRID_E + (cell % side + rng.uniform(0.2, 0.8)) * CELL_M
            n_ = GRID_N + (cell // side + rng.uniform(0.2, 0.8)) * CELL_M
            lon, lat = to_lonlat.transform(e, n_)
            self.pool.append((lon, lat, SUBZONES[cell % len(SUBZONES)][0]))

    def sample(self, rng: random.Random, plans: int) -> tuple[float, float, str, str]:
        """(lon, lat, plan id, sub-zone code) at a random point of a random one of the first ``plans`` plans."""
        lon, lat, code = rng.choice(self.pool)
        k = rng.randrange(plans)
        dx, dy = offset(k)
        return lon + dx, lat + dy, plan_id(k), code


def parcel_ring(rng: random.Random, lon: float, lat: float) -> list[list[float]]:
    """A rotated rectangle of 10–40 m sides centred on the point (bench_parcel's parcels), lon/lat."""
    w, h, a = rng.uniform(5, 20), rng.uniform(5, 20), math.radians(rng.uniform(0, 90))
    mx, my = 111_320.0 * math.cos(math.radians(lat)), 110_574.0
    ring = []
    for dx, dy in ((-w, -h), (w, -h), (w, h), (-w, h), (-w, -h)):
        rx, ry = dx * math.cos(a) - dy * math.sin(a), dx * math.sin(a) + dy * math.cos(a)
        ring.append([round(lon + rx / mx, 8), round(lat + ry / my, 8)])
    return ring


def right(kind: str, answer: dict, pid: str, code: str) -> bool:
    """The point's zone is the expected plan's square; a parcel's pieces are all that plan's, the square's
    sub-zone among them."""
    zones = answer.get("zones") or []
    if kind == "point":
        return len(zones) == 1 and zones[0]["plan"]["id"] == pid and zones[0]["subzone_code"] == code
    return bool(zones) and all(z["plan"]["id"] == pid for z in zones) and code in {z["subzone_code"] for z in zones}


def in_process(db, kind: str, points: Points, plans: int, wrong: dict, name: str):
    """A configuration for bench_point.interleave: ``zoning_at`` / ``analyze`` in a loop, each answer checked."""
    from bench_point import _summary
    from rdtr.answers import analyze, zoning_at

    def run(seconds: float, k: int) -> dict:
        rng, latencies = random.Random(k * 7919 + plans), []
        stop = time.perf_counter() + seconds
        t_start = time.perf_counter()
        while time.perf_counter() < stop:
            lon, lat, pid, code = points.sample(rng, plans)
            ring = parcel_ring(rng, lon, lat) if kind == "parcel" else None
            t0 = time.perf_counter()
            if ring is None:
                answer = zoning_at(db, lon, lat)
            else:
                answer = analyze(db, {"type": "Polygon", "coordinates": [ring]}, activity="A001")
            latencies.append(time.perf_counter() - t0)
            if not right(kind, answer, pid, code):
                wrong[name] = wrong.get(name, 0) + 1
        return _summary(latencies, time.perf_counter() - t_start)

    return run


def http_request(kind: str, points: Points, plans: int):
    """bench_point.http_load's request maker: GET /v1/zoning or POST /v1/parcels/analyze at a random plan."""

    def make(rng: random.Random) -> bytes:
        lon, lat, _, _ = points.sample(rng, plans)
        if kind == "point":
            return f"GET /v1/zoning?lon={lon:.7f}&lat={lat:.7f} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
        body = json.dumps({"type": "Polygon", "coordinates": [parcel_ring(rng, lon, lat)]}).encode()
        return (
            b"POST /v1/parcels/analyze?activity=A001 HTTP/1.1\r\nHost: bench\r\n"
            b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )

    return make


def check_http(port: int, points: Points, plans: int, n: int = 100) -> int:
    """Answers over HTTP checked like the in-process ones (n points, n parcels): how many were wrong."""
    from bench_parcel import post_once
    from bench_point import http_get_once

    rng, wrong = random.Random(99), 0
    for _ in range(n):
        lon, lat, pid, code = points.sample(rng, plans)
        status, body = http_get_once("127.0.0.1", port, f"/v1/zoning?lon={lon:.7f}&lat={lat:.7f}")
        wrong += status != 200 or not right("point", json.loads(body), pid, code)
        ring = json.dumps({"type": "Polygon", "coordinates": [parcel_ring(rng, lon, lat)]}).encode()
        status, body, _ = post_once(port, "/v1/parcels/analyze?activity=A001", ring)
        wrong += status != 200 or not right("parcel", json.loads(body), pid, code)
    return wrong


def latency(args, single: str, national: str, points: Points) -> tuple[dict, dict]:
    """Point and parcel, in process and over HTTP, single vs national, interleaved; merged summaries."""
    from bench_point import interleave
    from rdtr.db import Database

    wrong: dict[str, int] = {}
    with contextlib.ExitStack() as stack:
        dbs = {"single": stack.enter_context(Database(single)), "national": stack.enter_context(Database(national))}
        servers = {
            side: stack.enter_context(Server(url, workers=2))
            for side, url in (("single", single), ("national", national))
        }
        sizes = {"single": 1, "national": args.plans}
        for side, srv in servers.items():
            wrong[f"http check {side}"] = check_http(srv.port, points, sizes[side])
            for kind in ("point", "parcel"):  # warm: every worker reads every version once
                http_load("127.0.0.1", srv.port, http_request(kind, points, sizes[side]), args.concurrency, 3.0)
        configs = {}
        for kind in ("point", "parcel"):
            for side in ("single", "national"):
                name = f"{kind} in-process {side}"
                run = in_process(dbs[side], kind, points, sizes[side], wrong, name)
                run(2.0, 0)  # warm this process's cache
                wrong.pop(name, None)
                configs[name] = run
            for side in ("single", "national"):
                configs[f"{kind} HTTP {side}"] = (
                    lambda d, k, p=servers[side].port, m=http_request(kind, points, sizes[side]): http_load(
                        "127.0.0.1", p, m, args.concurrency, d, seed=k
                    )
                )
        merged = interleave(configs, args.rounds, args.slice)
    return merged, wrong


# --- ingest and memory --------------------------------------------------------------------------------------


def ingest_rounds(args, base: str, national: str, work: Path) -> dict:
    """Wall time of ingesting one more plan into the national database and into an empty one, in turn."""
    import psycopg2

    from rdtr.db import Database
    from rdtr.ingest import ingest_package

    times: dict[str, list[float]] = {"national": [], "empty": []}
    for r in range(args.ingest_rounds):
        pkg = package(work, args.zones, f"nat-extra-{r}")
        for side in ("national", "empty") if r % 2 == 0 else ("empty", "national"):
            url = national if side == "national" else server_database(base, EMPTY_DB, fresh=True)
            with Database(url, pool_size=2) as db:
                t0 = time.perf_counter()
                ingest_package(db, pkg)
                times[side].append(time.perf_counter() - t0)
            print(f"ingest round {r + 1}: into {side} {times[side][-1]:.1f} s", flush=True)
            if side == "national":  # the extra plan lies over nat-000: never leave it there
                conn = psycopg2.connect(**libpq_params(national))
                with conn, conn.cursor() as cur:
                    _remove_plan(cur, f"nat-extra-{r}")
                conn.close()
    return times


def rss_mb(srv: Server) -> float:
    """Resident memory (MB) of the server's processes together (granian's main process and its worker)."""
    total = 0
    for pid in [srv.proc.pid, *srv.worker_pids()]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def memory(args, national: str, points: Points) -> dict:
    """RSS of ``rdtr serve --workers 1`` as points reach more and more plans, cache bound on and off."""
    steps = sorted({min(s, args.plans) for s in (1, 10, 50, 100, 150, 200)})
    out = {}
    for bound in (args.cache, 0):
        rows = []
        with Server(national, workers=1, env={"RDTR_VERSION_CACHE_SIZE": str(bound)}) as srv:
            for touched in steps:
                r = http_load("127.0.0.1", srv.port, http_request("point", points, touched), 8, 4.0)
                rows.append(
                    {
                        "plans": touched,
                        "rss_mb": round(rss_mb(srv), 1),
                        "throughput": r["throughput"],
                        "errors": r["errors"]["count"],
                    }
                )
                print(f"cache {bound or 'off'}: {touched} plans → {rows[-1]}", flush=True)
        out[str(bound or "off")] = rows
    return out


def get_cost(national: str) -> dict:
    """ns per VersionCache.get hit, bounded (move_to_end) vs unbounded, on a held version."""
    from rdtr.db import Database
    from rdtr.versions import VersionCache

    res = {}
    with Database(national, pool_size=1) as db:
        pv = db.fetch_sql("SELECT id FROM plan_version WHERE plan_id = %s", (BASE_PLAN,))[0][0]
        for label, bound in (("bounded", 32), ("unbounded", 0)):
            cache = VersionCache(db, max_versions=bound)
            cache.get(pv)
            best = min(timeit(cache.get, pv) for _ in range(5))
            res[label] = round(best, 1)
    return res


def timeit(fn, arg, n: int = 200_000) -> float:
    """ns per call of ``fn(arg)``."""
    t0 = time.perf_counter()
    for _ in range(n):
        fn(arg)
    return (time.perf_counter() - t0) / n * 1e9


def measure(args, base, single, national, work, size, zones) -> int:
    """Steps 2–4 of the module's docstring; prints the tables and writes bench/out/national.json."""
    import os

    points = Points(args.zones)
    load0 = os.getloadavg()
    merged, wrong = latency(args, single, national, points)
    lines = [
        f"{args.plans} plans × {args.zones:,} zones = {zones:,} zones ({size / 1e9:.1f} GB) vs 1 plan; "
        f"{args.rounds} rounds × {args.slice:g} s, load average before {load0[0]:.1f}, after {os.getloadavg()[0]:.1f}",
        "",
        "| question | single: /s, p50 / p99 ms | national: /s, p50 / p99 ms | national ÷ single p50 (target ≤ 1.5) |",
        "|---|---:|---:|---:|",
    ]
    for kind in ("point", "parcel"):
        for how in ("in-process", "HTTP"):
            s, n = merged[f"{kind} {how} single"], merged[f"{kind} {how} national"]
            ratio = n["p50_ms"] / s["p50_ms"]
            lines.append(
                f"| {kind}, {how} | {s['throughput']:.0f}, {s['p50_ms']:.2f} / {s['p99_ms']:.2f} "
                f"| {n['throughput']:.0f}, {n['p50_ms']:.2f} / {n['p99_ms']:.2f} | **{ratio:.2f}** |"
            )
    print("\n".join(lines), flush=True)
    print(f"wrong answers: {wrong or 'none'}", flush=True)
    ingest = mem = cost = None
    if not args.latency_only:
        ingest = ingest_rounds(args, base, national, work)
        mem = memory(args, national, points)
        cost = get_cost(national)
        print(f"VersionCache.get hit, ns: {cost}")
    result = {
        "plans": args.plans,
        "zones_per_plan": args.zones,
        "zones": zones,
        "database_bytes": size,
        "runs": {k: {x: y for x, y in v.items() if not x.startswith("_")} for k, v in merged.items()},
        "wrong": wrong,
        "ingest_s": ingest,
        "memory": mem,
        "get_ns": cost,
        "table": lines,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / ("national-latency.json" if args.latency_only else "national.json")).write_text(json.dumps(result, indent=2))
    return 0


# --- main ------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plans", type=int, default=200, help="plans in the national database (default 200)")
    ap.add_argument("--zones", type=int, default=20_000, help="zones per plan (default 20,000)")
    ap.add_argument("--rounds", type=int, default=4, help="interleaved rounds (default 4)")
    ap.add_argument("--slice", type=float, default=5.0, help="seconds per configuration and round (default 5)")
    ap.add_argument("--concurrency", type=int, default=16, help="HTTP connections (default 16)")
    ap.add_argument("--ingest-rounds", type=int, default=2, help="ingests of one more plan, each side (default 2)")
    ap.add_argument("--cache", type=int, default=32, help="RDTR_VERSION_CACHE_SIZE of the bounded server")
    ap.add_argument("--build-only", action="store_true", help="make the databases, measure nothing")
    ap.add_argument("--latency-only", action="store_true", help="step 2 only (bench/out/national-latency.json)")
    ap.add_argument("--home", type=Path, default=REPO / ".rdtr-bench-national", help="embedded cluster home")
    args = ap.parse_args(argv)
    if not 1 <= args.plans <= 200:
        raise SystemExit("--plans must be 1–200 (the places inside Indonesia are a 20 × 10 grid)")

    from rdtr.db.local import LocalCluster

    base = LocalCluster(args.home).ensure_running()
    work = args.home / "packages"
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    single = server_database(base, SINGLE_DB)
    national = server_database(base, NATIONAL_DB)
    have = zone_count(national, "nat-%")
    if have.get(BASE_PLAN, args.zones) != args.zones:  # another size: start again
        national = server_database(base, NATIONAL_DB, fresh=True)
        single = server_database(base, SINGLE_DB, fresh=True)
    pkg = package(work, args.zones, BASE_PLAN)
    for url in (single, national):
        ensure_loaded(url, pkg, args.zones)
    build_national(national, args.plans, args.zones)
    size, zones = database_size(national)
    print(f"national database: {zones:,} zones, {size / 1e9:.2f} GB; set-up {time.perf_counter() - t0:.0f} s")
    if args.build_only:
        return 0
    return measure(args, base, single, national, work, size, zones)


if __name__ == "__main__":
    sys.exit(main())
