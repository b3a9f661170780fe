#!/usr/bin/env python
"""Vector tiles from the per-version PMTiles archive against per-request ``ST_AsMVT``, over HTTP, same run.

    .venv/bin/python bench/bench_pmtiles.py [--url URL] [--zones 50000] [--steps 8] [--zooms 12,13,14,15,16]

1. the database and the 50,000-zone plan ``bench-50k`` of ``bench_tiles.py`` (same set-up);
2. two real servers (`rdtr serve`, 1 worker each) on that database, each with a downloads folder of its own:
   **render** never builds an archive (``RDTR_TILE_ARCHIVE_ON_FIRST_USE=false``): every tile is ``ST_AsMVT``;
   **archive** gets its archive built first (``GET …/tiles.pmtiles``, timed: the one-off cost);
3. for each zoom, the tiles a 1280 × 800 px view needs while panned by half a screen ``--steps`` times (as in
   ``bench_tiles.py``), each tile requested once, 6 at a time (as a browser), from one server and then the
   other: per-request latency (median, p95), tiles per second, bytes — and every tile's bytes compared
   between the two (they must be equal). Then the same tiles again from **render**: its in-memory tile cache
   (the warm case of per-request rendering).

Results: ``bench/out/pmtiles.json`` and a Markdown table on stdout (copied into ``bench/README.md``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_point import setup_database  # noqa: E402
from bench_tiles import PLAN, free_port, make_big_plan, views  # noqa: E402

OUT = REPO / "bench" / "out"


def start_server(url: str, downloads: Path, on_first_use: bool) -> tuple[subprocess.Popen, str]:
    """`rdtr serve` (1 worker) on ``url`` with its own downloads folder; returns the process and its base URL."""
    import httpx

    port = free_port()
    env = {
        **os.environ,
        "RDTR_DATABASE_URL": url,
        "RDTR_RATE_LIMIT": "off",
        "RDTR_ALLOW_SUPERUSER": "true",
        "RDTR_DOWNLOADS_DIR": str(downloads),
        "RDTR_TILE_ARCHIVE_ON_FIRST_USE": "true" if on_first_use else "false",
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", "from rdtr.cli import main; main()", "serve", "--port", str(port)], cwd=REPO, env=env
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"the server on {base} did not start")


def tiles_for(info: dict, z: int, steps: int) -> list[tuple[int, int]]:
    """The distinct tiles the panned views at zoom ``z`` need, in the order a client first asks for them."""
    seen: dict[tuple[int, int], None] = {}
    for px0, py0, px1, py1 in views(info, z, steps):
        for x in range(int(px0 // 256), int(px1 // 256) + 1):
            for y in range(int(py0 // 256), int(py1 // 256) + 1):
                seen.setdefault((x, y), None)
    return list(seen)


async def fetch_tiles(base: str, z: int, tiles: list[tuple[int, int]], concurrency: int = 6) -> dict:
    """Every tile once, ``concurrency`` at a time: latencies (ms), wall time, bytes per tile."""
    import httpx

    sem = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    bodies: dict[tuple[int, int], bytes] = {}
    headers = {"Accept-Encoding": "identity"}  # tile bytes as stored, no compression on either side

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=8)) as client:

        async def one(xy):
            async with sem:
                t = time.perf_counter()
                r = await client.get(f"/v1/tiles/{PLAN}/{z}/{xy[0]}/{xy[1]}.mvt?v=1&s=1", headers=headers)
                latencies.append((time.perf_counter() - t) * 1000)
                assert r.status_code in (200, 204), r.text[:200]
                assert "immutable" in r.headers["cache-control"]
                bodies[xy] = r.content

        t0 = time.perf_counter()
        await asyncio.gather(*(one(xy) for xy in tiles))
        wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "tiles": len(tiles),
        "median_ms": statistics.median(latencies),
        "p95_ms": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
        "tiles_per_s": len(tiles) / wall,
        "kb": sum(len(b) for b in bodies.values()) / 1024,
        "bodies": bodies,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="database URL (default: the embedded cluster under --home)")
    ap.add_argument("--home", type=Path, default=REPO / ".rdtr-bench")
    ap.add_argument("--zones", type=int, default=50_000)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--zooms", default="12,13,14,15,16")
    args = ap.parse_args()
    zooms = [int(z) for z in args.zooms.split(",")]

    import httpx
    from pmtiles.reader import MemorySource, Reader

    url = setup_database(args.home, args.url)
    info = make_big_plan(url, args.zones)
    print(f"plan {PLAN}: {info['zone_count']:,} zones", flush=True)

    rows, build = [], {}
    with tempfile.TemporaryDirectory(prefix="rdtr-bench-pmtiles-") as tmp:
        render_dir, archive_dir = Path(tmp, "render"), Path(tmp, "archive")
        render_dir.mkdir()
        archive_dir.mkdir()
        procs = []
        try:
            render_proc, render_base = start_server(url, render_dir, on_first_use=False)
            procs.append(render_proc)
            archive_proc, archive_base = start_server(url, archive_dir, on_first_use=True)
            procs.append(archive_proc)

            t = time.perf_counter()
            r = httpx.get(f"{archive_base}/v1/plans/{PLAN}/versions/1/tiles.pmtiles", timeout=3600)
            r.raise_for_status()
            build["build_s"] = time.perf_counter() - t
            build["archive_mb"] = len(r.content) / 1e6
            header = Reader(MemorySource(r.content)).header()
            build["tiles_in_archive"] = header["addressed_tiles_count"]
            build["zooms"] = [header["min_zoom"], header["max_zoom"]]
            print(
                f"archive built in {build['build_s']:.1f} s: {build['tiles_in_archive']:,} tiles "
                f"z{header['min_zoom']}–{header['max_zoom']}, {build['archive_mb']:.1f} MB",
                flush=True,
            )

            for z in zooms:
                wanted = tiles_for(info, z, args.steps)
                cold = asyncio.run(fetch_tiles(render_base, z, wanted))
                stored = asyncio.run(fetch_tiles(archive_base, z, wanted))
                warm = asyncio.run(fetch_tiles(render_base, z, wanted))
                same = cold["bodies"] == stored["bodies"]
                assert same, f"z{z}: tiles from the archive differ from ST_AsMVT's"
                for mode, res in (("ST_AsMVT per request", cold), ("PMTiles archive", stored),
                                  ("ST_AsMVT, server tile cache warm", warm)):  # fmt: skip
                    res = {k: v for k, v in res.items() if k != "bodies"}
                    rows.append({"zoom": z, "mode": mode, **res, "same_bytes": same})
                    print(
                        f"  z{z} {mode:34} {res['tiles']:4} tiles: median {res['median_ms']:6.1f} ms, "
                        f"p95 {res['p95_ms']:6.1f} ms, {res['tiles_per_s']:7.0f} tiles/s, {res['kb']:7.0f} kB",
                        flush=True,
                    )
        finally:
            for p in procs:
                p.terminate()
                p.wait(timeout=20)

    OUT.mkdir(parents=True, exist_ok=True)
    doc = {"plan": PLAN, "zones": info["zone_count"], "steps": args.steps, "archive": build, "http": rows,
           "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}  # fmt: skip
    (OUT / "pmtiles.json").write_text(json.dumps(doc, indent=2))
    print("\n| zoom | tiles | served by | median ms | p95 ms | tiles/s |\n|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['zoom']} | {row['tiles']} | {row['mode']} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} | "
              f"{row['tiles_per_s']:.0f} |")  # fmt: skip
    print(f"wrote {OUT / 'pmtiles.json'}")


if __name__ == "__main__":
    main()
