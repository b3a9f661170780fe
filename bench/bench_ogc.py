#!/usr/bin/env python
"""One screen of a 50,000-zone city through OGC API – Features: rdtr's ``/ogc`` against tipg serving the
same database, in the same run, interleaved; and beside rdtr's own vector tiles for the same screen.

    python3 -m venv .venv-tipg && .venv-tipg/bin/pip install tipg uvicorn     # once: tipg in a venv of its own
    .venv/bin/python bench/bench_ogc.py [--url URL] [--rounds 5] [--screens 12] [--limits 100,1000]

1. the database of bench_tiles (``--url``, else the embedded cluster under ``.rdtr-bench``) with its plan
   ``bench-50k`` (bench_tiles.make_big_plan: the sample tiled to ~50,000 zones);
2. ``rdtr serve`` (granian, as deployed) and tipg (``uvicorn tipg.main:app``, one worker each) on it;
3. ``--screens`` screens of 1.5 km × 0.8 km spread over the plan; each round visits every screen and asks, in
   turn, rdtr ``/ogc/collections/bench-50k-zones/items?bbox=…&limit=L`` and tipg
   ``/collections/public.zone/items?bbox=…&limit=L&plan_version_id=…&properties=…`` (the same zones, the same
   properties; both must return the same number of features, or the run stops), then rdtr's z16 tiles of the
   screen (6 parallel requests, as a browser). Sequential requests: latency, not a load test; then a short
   throughput pass (8 clients, each server alone in turn, alternating twice).

The machine is shared (others run tests): rounds alternate the servers request by request so both see the
same noise. Results: ``bench/out/ogc.json`` and a table on stdout; the method and numbers are in
``bench/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_point import setup_database  # noqa: E402  (one set-up for every benchmark)
from bench_tiles import OUT, PLAN, free_port, make_big_plan  # noqa: E402  (the 50,000-zone city)

TIPG_PYTHON = REPO / ".venv-tipg" / "bin" / "python"
SCREEN_M = (1500.0, 800.0)
TILE_ZOOM = 16
PROPERTIES = "subzone_code,subzone_name,zone_code,zone_name,block,subblock,kelurahan,kecamatan"


def screens(info: dict, n: int) -> list[tuple[float, float, float, float]]:
    """``n`` screens (CRS84 boxes of SCREEN_M metres) on a grid over the plan's extent, inside it."""
    lat = (info["y0"] + info["y1"]) / 2
    w = SCREEN_M[0] / (111_320 * math.cos(math.radians(lat)))
    h = SCREEN_M[1] / 110_574
    cols = max(1, round(math.sqrt(n * 2)))
    rows = max(1, math.ceil(n / cols))
    out = []
    for k in range(n):
        i, j = k % cols, k // cols
        x = info["x0"] + (info["x1"] - info["x0"] - w) * (i + 0.5) / cols
        y = info["y0"] + (info["y1"] - info["y0"] - h) * (j + 0.5) / rows
        out.append((x, y, x + w, y + h))
    return out


def tiles_of(box, z: int) -> list[tuple[int, int]]:
    """The (x, y) tiles a box needs at zoom ``z``."""
    n = 2**z

    def tile(lon, lat):
        return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)

    x0, y0 = tile(box[0], box[3])
    x1, y1 = tile(box[2], box[1])
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def wait_for(url: str, proc: subprocess.Popen, what: str) -> None:
    import httpx

    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited ({proc.returncode})")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer {url}")


def tcp_url(url: str, driver: str) -> str:
    """The database URL over TCP (a socket-directory host becomes 127.0.0.1), with ``driver`` as its scheme:
    both servers then reach PostgreSQL the same way (tipg's settings refuse a URL without a host)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    host = u.query.get("host")
    if u.host is None and (host is None or str(host).startswith("/")):
        u = u.set(host="127.0.0.1", port=int(u.query.get("port", u.port or 5432)), query={})
    return u.set(drivername=driver).render_as_string(hide_password=False)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def latency(rdtr: str, tipg: str, info: dict, boxes, limits, rounds: int) -> tuple[list[dict], dict]:
    """Interleaved sequential requests; per (server, limit) the times (ms), bytes and features; tiles beside."""
    import httpx

    times: dict[str, list[float]] = {}
    sizes: dict[str, list[int]] = {}
    counts: dict[str, list[int]] = {}

    def add(key, ms, size, n=None):
        times.setdefault(key, []).append(ms)
        sizes.setdefault(key, []).append(size)
        if n is not None:
            counts.setdefault(key, []).append(n)

    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=8)) as client:
        for r in range(rounds):
            for box in boxes:
                bbox = ",".join(f"{v:.6f}" for v in box)
                for limit in limits:
                    urls = {
                        "rdtr": f"{rdtr}/ogc/collections/{PLAN}-zones/items?bbox={bbox}&limit={limit}",
                        "tipg": f"{tipg}/collections/public.zone/items?bbox={bbox}&limit={limit}"
                        f"&plan_version_id={info['id']}&properties={PROPERTIES}",
                    }
                    got = {}
                    order = ("rdtr", "tipg") if r % 2 == 0 else ("tipg", "rdtr")  # alternate who goes first
                    for name in order:
                        t = time.perf_counter()
                        resp = await client.get(urls[name])
                        ms = (time.perf_counter() - t) * 1000
                        assert resp.status_code == 200, (name, resp.status_code, resp.text[:300])
                        doc = resp.json()
                        got[name] = (doc["numberReturned"], doc["numberMatched"])
                        if r > 0:  # round 0 warms both (connections, plans, caches)
                            add(f"{name} L{limit}", ms, len(resp.content), doc["numberReturned"])
                    if got["rdtr"] != got["tipg"]:
                        raise SystemExit(f"different answers for {bbox} limit {limit}: {got}")
                need = tiles_of(box, TILE_ZOOM)
                sem = asyncio.Semaphore(6)

                async def one(x, y, sem=sem):
                    async with sem:
                        resp = await client.get(f"{rdtr}/v1/tiles/{PLAN}/{TILE_ZOOM}/{x}/{y}.mvt?v=1&s=1")
                        assert resp.status_code in (200, 204), resp.status_code
                        return len(resp.content)

                t = time.perf_counter()
                nbytes = sum(await asyncio.gather(*(one(x, y) for x, y in need)))
                ms = (time.perf_counter() - t) * 1000
                add("rdtr tiles z16 " + ("cold" if r == 0 else "warm"), ms, nbytes)
    rows = []
    for key, ms in times.items():
        rows.append(
            {
                "what": key,
                "n": len(ms),
                "median_ms": statistics.median(ms),
                "p90_ms": pct(ms, 0.9),
                "median_kb": statistics.median(sizes[key]) / 1024,
                "median_features": statistics.median(counts[key]) if key in counts else None,
            }
        )
    return rows, {"tiles_per_screen": statistics.median(len(tiles_of(b, TILE_ZOOM)) for b in boxes)}


async def throughput(url_of, boxes, limit: int, clients: int = 8, seconds: float = 8.0) -> float:
    """Requests per second from ``clients`` concurrent clients over the screens for ``seconds``."""
    import httpx

    done = 0
    stop = time.perf_counter() + seconds

    async def worker(k):
        nonlocal done
        async with httpx.AsyncClient(timeout=120) as client:
            i = k
            while time.perf_counter() < stop:
                resp = await client.get(url_of(boxes[i % len(boxes)], limit))
                assert resp.status_code == 200
                done += 1
                i += clients

    t = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(clients)))
    return done / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="database URL (default: the embedded cluster under --home)")
    ap.add_argument("--home", type=Path, default=REPO / ".rdtr-bench")
    ap.add_argument("--zones", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=5, help="rounds over the screens (the first one warms up)")
    ap.add_argument("--screens", type=int, default=12)
    ap.add_argument("--limits", default="100,1000")
    ap.add_argument("--seconds", type=float, default=8.0, help="length of each throughput pass")
    args = ap.parse_args()
    if not TIPG_PYTHON.is_file():
        raise SystemExit(
            f"no tipg at {TIPG_PYTHON}: python3 -m venv .venv-tipg && .venv-tipg/bin/pip install tipg uvicorn"
        )
    limits = [int(v) for v in args.limits.split(",")]

    url = setup_database(args.home, args.url)
    info = make_big_plan(url, args.zones)
    boxes = screens(info, args.screens)
    print(f"plan {PLAN}: {info['zone_count']:,} zones; {len(boxes)} screens of {SCREEN_M[0]:.0f} × {SCREEN_M[1]:.0f} m")

    rdtr_port, tipg_port = free_port(), free_port()
    env = {
        **os.environ,
        "RDTR_DATABASE_URL": tcp_url(url, "postgresql+psycopg2"),
        "RDTR_RATE_LIMIT": "off",
        "RDTR_ALLOW_SUPERUSER": "true",
        # tiles rendered per request (ST_AsMVT, then the in-memory cache): no PMTiles archive being built in
        # the background while the requests are timed (bench_pmtiles.py measures the archive)
        "RDTR_TILE_ARCHIVE_ON_FIRST_USE": "false",
    }
    servers = [
        subprocess.Popen(
            [sys.executable, "-c", "from rdtr.cli import main; main()", "serve", "--port", str(rdtr_port)],
            cwd=REPO,
            env=env,
        ),
        subprocess.Popen(
            [str(TIPG_PYTHON), "-m", "uvicorn", "tipg.main:app", "--port", str(tipg_port), "--log-level", "warning"],
            cwd=REPO / "bench",
            env={
                **os.environ,
                "DATABASE_URL": tcp_url(url, "postgresql"),
                "TIPG_DB_SCHEMAS": '["public"]',
                "TIPG_DB_TABLES": '["public.zone"]',
                "TIPG_MAX_FEATURES_PER_QUERY": "10000",
            },
        ),
    ]
    rdtr, tipg = f"http://127.0.0.1:{rdtr_port}", f"http://127.0.0.1:{tipg_port}"
    try:
        wait_for(rdtr + "/health", servers[0], "rdtr serve")
        wait_for(tipg + "/collections/public.zone", servers[1], "tipg")
        rows, extra = asyncio.run(latency(rdtr, tipg, info, boxes, limits, args.rounds))
        url_of = {
            "rdtr": lambda b, lim: (
                f"{rdtr}/ogc/collections/{PLAN}-zones/items?bbox=" + ",".join(f"{v:.6f}" for v in b) + f"&limit={lim}"
            ),
            "tipg": lambda b, lim: (
                f"{tipg}/collections/public.zone/items?bbox="
                + ",".join(f"{v:.6f}" for v in b)
                + f"&limit={lim}&plan_version_id={info['id']}&properties={PROPERTIES}"
            ),
        }
        rates: dict[str, list[float]] = {"rdtr": [], "tipg": []}
        for _ in range(2):  # alternate: rdtr, tipg, rdtr, tipg
            for name in ("rdtr", "tipg"):
                rates[name].append(asyncio.run(throughput(url_of[name], boxes, limits[0], seconds=args.seconds)))
    finally:
        for p in servers:
            p.terminate()
        for p in servers:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()

    print(f"\n{'request':28} {'n':>4} {'median ms':>10} {'p90 ms':>8} {'kB':>8} {'features':>9}")
    for r in sorted(rows, key=lambda r: r["what"]):
        feats = "" if r["median_features"] is None else f"{r['median_features']:.0f}"
        print(f"{r['what']:28} {r['n']:4d} {r['median_ms']:10.1f} {r['p90_ms']:8.1f} {r['median_kb']:8.0f} {feats:>9}")
    print(f"(z16 tiles per screen: {extra['tiles_per_screen']:.0f})")
    for name, got in rates.items():
        print(f"throughput {name} limit {limits[0]}, 8 clients: " + ", ".join(f"{v:.0f}" for v in got) + " req/s")
    OUT.mkdir(parents=True, exist_ok=True)
    doc = {
        "plan": PLAN,
        "zones": info["zone_count"],
        "screen_m": SCREEN_M,
        "screens": len(boxes),
        "rounds": args.rounds,
        "latency": rows,
        "throughput_req_s": rates,
        **extra,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (OUT / "ogc.json").write_text(json.dumps(doc, indent=2))
    print(f"wrote {OUT / 'ogc.json'}")


if __name__ == "__main__":
    main()
