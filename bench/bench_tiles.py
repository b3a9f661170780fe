#!/usr/bin/env python
"""Which zone layer keeps panning smooth over a city of 50,000 zones: vector tiles (``ST_AsMVT``) or
simplified GeoJSON per bounding box?

    .venv/bin/python bench/bench_tiles.py [--url URL] [--zones 50000] [--steps 8] [--no-browser]

1. a database with the sample plan (``--url``, else the embedded cluster under ``.rdtr-bench``);
2. a synthetic plan ``bench-50k`` made by tiling the sample: copies of its 2,974 zones shrunk 5× and laid on
   a 5 × 5 grid over the sample's own extent (17 cells → ~50,000 zones, 20× the sample's density);
3. a real server (`rdtr serve`, 1 worker) on it;
4. **server, over HTTP**: for zooms 12–17, a 1280 × 800 px view panned by half a screen ``--steps`` times;
   for MVT every tile the view needs that the client has not fetched yet (6 parallel requests, as a browser),
   for GeoJSON one request for the view (padded 20 %, as the page does) — time until the step's data is in,
   bytes, with the server's tile cache off (cold) and on (warm);
5. **browser**: the page itself in headless Chromium, in each mode, panned the same way: time from the pan to
   the zones drawn, and main-thread long tasks (> 50 ms: what makes panning stutter).

Results: ``bench/out/tiles.json`` and a table on stdout; the conclusions are in ``bench/extract.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_point import setup_database  # noqa: E402  (one set-up for every benchmark)

SAMPLE = REPO / "data" / "zoning" / "bontang"
OUT = REPO / "bench" / "out"
PLAN = "bench-50k"
VIEW_W, VIEW_H = 1280, 800


def make_big_plan(url: str, target: int) -> dict:
    """Tile the sample into a plan of about ``target`` zones (once); returns its version and extent."""
    from sqlalchemy import text

    from rdtr.db import Database

    engine = Database(url, pool_size=1).engine
    with engine.begin() as conn:
        row = conn.execute(text("SELECT id, zone_count FROM plan_version WHERE plan_id = :p"), {"p": PLAN}).first()
        if row is None:
            src = (
                conn.execute(
                    text("""SELECT id, name, zone_count FROM plan_version WHERE plan_id = 'bontang'
                                       ORDER BY version DESC LIMIT 1""")
                )
                .mappings()
                .one()
            )
            x0, y0, x1, y1 = conn.execute(
                text("""SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
                FROM (SELECT ST_Extent(geom)::geometry e FROM zone WHERE plan_version_id = :v) s"""),
                {"v": src["id"]},
            ).one()
            n = 5
            copies = min(n * n, math.ceil(target / src["zone_count"]))
            print(f"making {PLAN}: {copies} shrunk copies of {src['zone_count']} zones …", flush=True)
            conn.execute(
                text(
                    "INSERT INTO plan (id, name) VALUES (:p, 'Bench: sample tiled to ~50,000 zones') "
                    "ON CONFLICT DO NOTHING"
                ),
                {"p": PLAN},
            )
            pv = conn.execute(
                text("""INSERT INTO plan_version (plan_id, version, name, legal_basis, effective_from,
                    source_checksum, synthetic, zone_count, bbox)
                VALUES (:p, 1, 'Bench 50k', 'none (benchmark)', '2024-05-01', 'bench', true, 0,
                        ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)) RETURNING id"""),
                {"p": PLAN, "x0": x0, "y0": y0, "x1": x1, "y1": y1},
            ).scalar()
            conn.execute(
                text("""INSERT INTO subzone SELECT :pv, subzone_code, subzone_name, zone_code, zone_name
                                 FROM subzone WHERE plan_version_id = :src"""),
                {"pv": pv, "src": src["id"]},
            )
            # zone is partitioned by plan version (migration 0010): this version's partition first
            conn.execute(text(f"CREATE TABLE zone_v{int(pv)} PARTITION OF zone FOR VALUES IN ({int(pv)})"))
            conn.execute(
                text("""
                INSERT INTO zone (plan_version_id, feature_id, subzone_code, subzone_name, zone_code, zone_name,
                                  block, kelurahan, kecamatan, area_m2, geom)
                SELECT :pv, z.feature_id || '-' || c.i, z.subzone_code, z.subzone_name, z.zone_code, z.zone_name,
                       z.block, z.kelurahan, z.kecamatan, z.area_m2 / (:n * :n),
                       ST_Multi(ST_Translate(ST_Scale(ST_Translate(z.geom, -:x0, -:y0), 1.0 / :n, 1.0 / :n),
                                             :x0 + (c.i % :n) * (:x1 - :x0) / :n,
                                             :y0 + (c.i / :n) * (:y1 - :y0) / :n))
                FROM zone z, generate_series(0, :copies - 1) AS c(i)
                WHERE z.plan_version_id = :src"""),
                {"pv": pv, "src": src["id"], "n": n, "copies": copies, "x0": x0, "y0": y0, "x1": x1, "y1": y1},
            )
            count = conn.execute(text("SELECT count(*) FROM zone WHERE plan_version_id = :pv"), {"pv": pv}).scalar()
            conn.execute(text("UPDATE plan_version SET zone_count = :c WHERE id = :pv"), {"c": count, "pv": pv})
        conn.execute(text("ANALYZE zone"))
        info = (
            conn.execute(
                text("""SELECT pv.id, pv.zone_count, ST_XMin(pv.bbox) x0, ST_YMin(pv.bbox) y0,
                                           ST_XMax(pv.bbox) x1, ST_YMax(pv.bbox) y1
                                    FROM plan_version pv WHERE plan_id = :p"""),
                {"p": PLAN},
            )
            .mappings()
            .one()
        )
    return dict(info)


# ------------------------------------------------------------------------------------- geometry


def lonlat_to_px(lon: float, lat: float, z: int) -> tuple[float, float]:
    n = 256 * 2**z
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return x, y


def px_to_lonlat(x: float, y: float, z: int) -> tuple[float, float]:
    n = 256 * 2**z
    lon = x / n * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    return lon, lat


def centres(info: dict, z: int, steps: int) -> list[tuple[float, float]]:
    """Pixel centres of a view panned by half a screen ``steps`` times, back and forth across the plan
    (it turns at the plan's edges, so every step shows zones, as a person panning around a city)."""
    px0, py1 = lonlat_to_px(info["x0"], info["y0"], z)
    px1, py0 = lonlat_to_px(info["x1"], info["y1"], z)
    cy = (py0 + py1) / 2
    lo = px0 + VIEW_W / 4
    hi = max(px1 - VIEW_W / 4, lo + VIEW_W / 2)
    x, direction, out = lo, 1, [(lo, cy)]
    for _ in range(steps):
        nxt = x + direction * VIEW_W / 2
        if nxt > hi or nxt < lo:
            direction = -direction
            nxt = x + direction * VIEW_W / 2
        x = nxt
        out.append((x, cy))
    return out


def views(info: dict, z: int, steps: int) -> list[tuple[float, float, float, float]]:
    """Pixel windows (x0, y0, x1, y1) of the panned views."""
    return [(x - VIEW_W / 2, y - VIEW_H / 2, x + VIEW_W / 2, y + VIEW_H / 2) for x, y in centres(info, z, steps)]


# ------------------------------------------------------------------------------------------ HTTP


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def fetch_all(client, urls: list[str], concurrency: int = 6) -> tuple[int, list[int]]:
    sem = asyncio.Semaphore(concurrency)
    sizes: list[int] = []

    async def one(u):
        async with sem:
            r = await client.get(u)
            sizes.append(len(r.content))
            return r.status_code

    codes = await asyncio.gather(*(one(u) for u in urls))
    assert all(c in (200, 204) for c in codes), codes
    return sum(sizes), sizes


async def http_bench(base: str, info: dict, zooms: list[int], steps: int, warm: bool) -> list[dict]:
    import httpx

    rows = []
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=8)) as client:
        for z in zooms:
            # MVT
            seen: set[tuple[int, int]] = set()
            step_ms, step_bytes, new_tiles, tiles_n = [], [], [], 0
            for px0, py0, px1, py1 in views(info, z, steps):
                need = [
                    (x, y)
                    for x in range(int(px0 // 256), int(px1 // 256) + 1)
                    for y in range(int(py0 // 256), int(py1 // 256) + 1)
                    if (x, y) not in seen
                ]
                seen.update(need)
                new_tiles.append(len(need))
                urls = [f"/v1/tiles/{PLAN}/{z}/{x}/{y}.mvt?v=1&s=1" for x, y in need]
                t = time.perf_counter()
                nbytes, _ = await fetch_all(client, urls)
                step_ms.append((time.perf_counter() - t) * 1000)
                step_bytes.append(nbytes)
                tiles_n += len(need)
            pans = [(ms, b) for ms, b, n in zip(step_ms[1:], step_bytes[1:], new_tiles[1:]) if n]
            rows.append(
                {
                    "mode": "mvt",
                    "zoom": z,
                    "warm": warm,
                    "steps": len(step_ms) - 1,
                    "first_view_ms": step_ms[0],
                    "first_view_kb": step_bytes[0] / 1024,
                    "pans_fetching": len(pans),
                    "median_pan_ms": statistics.median([p[0] for p in pans]) if pans else 0.0,
                    "max_pan_ms": max([p[0] for p in pans], default=0.0),
                    "mean_pan_kb": sum(p[1] for p in pans) / 1024 / max(len(step_ms) - 1, 1),
                    "tiles": tiles_n,
                }
            )
            # GeoJSON per view
            step_ms, step_bytes, feats = [], [], []
            for px0, py0, px1, py1 in views(info, z, steps):
                padx, pady = (px1 - px0) * 0.2, (py1 - py0) * 0.2
                lon0, lat1 = px_to_lonlat(px0 - padx, py0 - pady, z)
                lon1, lat0 = px_to_lonlat(px1 + padx, py1 + pady, z)
                url = f"/v1/zones.geojson?plan={PLAN}&v=1&bbox={lon0:.5f},{lat0:.5f},{lon1:.5f},{lat1:.5f}&zoom={z}"
                t = time.perf_counter()
                r = await client.get(url)
                assert r.status_code == 200, r.text[:300]
                step_ms.append((time.perf_counter() - t) * 1000)
                step_bytes.append(len(r.content))
                feats.append(int(r.headers.get("x-feature-count", 0)))
            rows.append(
                {
                    "mode": "geojson",
                    "zoom": z,
                    "warm": warm,
                    "steps": len(step_ms) - 1,
                    "first_view_ms": step_ms[0],
                    "first_view_kb": step_bytes[0] / 1024,
                    "pans_fetching": len(step_ms) - 1,
                    "median_pan_ms": statistics.median(step_ms[1:]),
                    "max_pan_ms": max(step_ms[1:]),
                    "mean_pan_kb": statistics.mean(step_bytes[1:]) / 1024,
                    "median_features": statistics.median(feats),
                }
            )
            m, g = rows[-2], rows[-1]
            print(
                f"  z{z} {'warm' if warm else 'cold'}: mvt first view {m['first_view_ms']:.0f} ms "
                f"{m['first_view_kb']:.0f} kB, pan {m['median_pan_ms']:.0f} ms (max {m['max_pan_ms']:.0f}) "
                f"{m['mean_pan_kb']:.0f} kB | geojson first {g['first_view_ms']:.0f} ms {g['first_view_kb']:.0f} kB, "
                f"pan {g['median_pan_ms']:.0f} ms (max {g['max_pan_ms']:.0f}) {g['mean_pan_kb']:.0f} kB, "
                f"{g['median_features']:.0f} features",
                flush=True,
            )
    return rows


# --------------------------------------------------------------------------------------- browser

BROWSER_PAN = """
async ([z, lat, lon, pans]) => {
  const map = window.RDTR_APP.map;
  const longTasks = [];
  const obs = new PerformanceObserver(list => list.getEntries().forEach(e => longTasks.push(e.duration)));
  obs.observe({entryTypes: ['longtask']});
  const loaded = () => new Promise(res => {
    const done = () => { document.removeEventListener('rdtr:zones-loaded', done);
                         requestAnimationFrame(() => requestAnimationFrame(res)); };
    document.addEventListener('rdtr:zones-loaded', done);
    setTimeout(done, 15000);
  });
  let wait = loaded();
  map.setView([lat, lon], z, {animate: false});
  await wait;
  longTasks.length = 0;
  const times = [];
  const layer = window.RDTR_APP.state.zoneLayers[0];
  const settle = () => new Promise(res => requestAnimationFrame(() => requestAnimationFrame(res)));
  for (const dx of pans) {
    wait = loaded();
    const t = performance.now();
    map.panBy([dx, 0], {animate: false});
    // A tile layer that needs no new tile (panning back) fires no 'load': it is drawn already.
    if (layer && layer._loading === false) { await settle(); } else { await wait; }
    times.push(performance.now() - t);
  }
  await new Promise(r => setTimeout(r, 300));
  obs.disconnect();
  return {times, longTasks};
}
"""


def browser_bench(base: str, info: dict, zooms: list[int], steps: int) -> list[dict]:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        print("  (no /usr/bin/chromium: browser part skipped)")
        return []
    from playwright.sync_api import sync_playwright

    args = [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True, args=args)
        for mode in ("mvt", "geojson"):
            for z in zooms:
                page = browser.new_page(viewport={"width": VIEW_W + 400, "height": VIEW_H + 60})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
                page.goto(f"{base}/?layer={mode}&plan={PLAN}")
                page.wait_for_selector("body[data-ready=true]", timeout=60_000)
                cs = centres(info, z, steps)
                lon, lat = px_to_lonlat(cs[0][0], cs[0][1], z)
                pans = [b[0] - a[0] for a, b in zip(cs, cs[1:])]
                res = page.evaluate(BROWSER_PAN, [z, lat, lon, pans])
                page.close()
                times, long_tasks = res["times"], res["longTasks"]
                rows.append(
                    {
                        "mode": mode,
                        "zoom": z,
                        "median_pan_ms": statistics.median(times),
                        "max_pan_ms": max(times),
                        "long_tasks": len(long_tasks),
                        "longest_task_ms": max(long_tasks) if long_tasks else 0.0,
                        "long_task_total_ms": sum(long_tasks),
                    }
                )
                print(
                    f"  browser {mode:7} z{z}: pan→drawn median {rows[-1]['median_pan_ms']:.0f} ms, max "
                    f"{rows[-1]['max_pan_ms']:.0f} ms; long tasks {len(long_tasks)} "
                    f"(longest {rows[-1]['longest_task_ms']:.0f} ms)",
                    flush=True,
                )
        browser.close()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="database URL (default: the embedded cluster under --home)")
    ap.add_argument("--home", type=Path, default=REPO / ".rdtr-bench")
    ap.add_argument("--zones", type=int, default=50_000)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--zooms", default="12,13,14,15,16,17")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    zooms = [int(z) for z in args.zooms.split(",")]

    url = setup_database(args.home, args.url)
    info = make_big_plan(url, args.zones)
    print(f"plan {PLAN}: {info['zone_count']:,} zones", flush=True)

    port = free_port()
    env = {**os.environ, "RDTR_DATABASE_URL": url, "RDTR_RATE_LIMIT": "off", "RDTR_ALLOW_SUPERUSER": "true"}
    server = subprocess.Popen(
        [sys.executable, "-c", "from rdtr.cli import main; main()", "serve", "--port", str(port)], cwd=REPO, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(300):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        print(
            "server, over HTTP (cold: first pass; warm: the same views again, tiles from the server cache):", flush=True
        )
        http_rows = asyncio.run(http_bench(base, info, zooms, args.steps, warm=False))
        http_rows += asyncio.run(http_bench(base, info, zooms, args.steps, warm=True))
        browser_rows = [] if args.no_browser else browser_bench(base, info, zooms, args.steps)
    finally:
        server.terminate()
        server.wait(timeout=20)

    OUT.mkdir(parents=True, exist_ok=True)
    doc = {
        "plan": PLAN,
        "zones": info["zone_count"],
        "view_px": [VIEW_W, VIEW_H],
        "steps": args.steps,
        "http": http_rows,
        "browser": browser_rows,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (OUT / "tiles.json").write_text(json.dumps(doc, indent=2))
    print(f"wrote {OUT / 'tiles.json'}")


if __name__ == "__main__":
    main()
