#!/usr/bin/env python
"""Benchmark of the conformity check: ``POST /v1/parcels/check`` against ``POST /v1/parcels/analyze``.

    .venv/bin/python bench/bench_check.py [--duration 15] [--rounds 5] [--concurrency 16] [--parcels 2000]

The check is the parcel analysis plus pure-Python checks (``rdtr.answers.check.conformity``) and a larger
answer (the checks and the full analysis); the target is that a check costs little more than the analysis.
In one run, on the same machine and database (see bench_point.py for the set-up it shares):

1. **analysis**: ``POST /v1/parcels/analyze?activity=A001`` with one random GeoJSON Polygon per request;
2. **check**: ``POST /v1/parcels/check`` with the same kind of parcel, ``"activity": "A001"`` and a full
   proposal (:data:`PROPOSAL`: every field, so every check that applies is computed);
3. 1 and 2 at each ``--concurrency`` against one ``rdtr serve --workers 2`` of this tree, interleaved in
   ``--rounds`` short slices so background load hits them alike; beside throughput and latency, the CPU
   the server and PostgreSQL spent per request (from /proc); every answer must be 200 (the run fails
   loudly, with examples, if any is not);
4. **in-process**: the library's ``analyze`` and ``check`` on the same ``--parcels`` parcels (one call per
   parcel, single-threaded, the database round trip included), the two calls in turn parcel by parcel, in
   ``--lib-rounds`` passes;
   beside them ``conformity()`` alone on the analyses, and the JSON encoding of both answers
   (``api.routers.parcels.answer_bytes``, as the routes send them); then a cProfile of ``conformity()``
   naming its costliest functions (µs per parcel; the profiler inflates them, compare them to each other).

Parcels are bench_parcel.py's random rotated rectangles of 10–40 m sides in the sample's extent (seeded).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_parcel import post_once, random_parcel  # noqa: E402
from bench_point import (  # noqa: E402
    OUT,
    REPO,
    Server,
    http_load,
    interleave,
    public,
    sample_extent,
    setup_database,
)

ACTIVITY = "A001"
#: A full proposal: every field the checks read (the documents name one the sample's conditions require).
PROPOSAL = {
    "footprint_m2": 100,
    "floor_area_m2": 200,
    "floors": 2,
    "height_m": 8,
    "green_area_m2": 40,
    "setback_m": 5,
    "hours": "08:00-20:00",
    "documents": ["UKL-UPL"],
}
ANALYZE_PATH = f"/v1/parcels/analyze?activity={ACTIVITY}"
CHECK_PATH = "/v1/parcels/check"
#: Modules whose functions the profile reports (the check's own code and what it calls).
PROFILED = ("rdtr/answers/check.py", "rdtr/answers/check_text.py", "rdtr/answers/limits.py", "rdtr/proposal.py")


def polygon(rng: random.Random, extent) -> dict:
    """One random parcel as a GeoJSON Polygon (bench_parcel.py's rectangles)."""
    return {"type": "Polygon", "coordinates": [random_parcel(rng, extent)]}


def check_body(parcel: dict) -> dict:
    """The check request's body for ``parcel``: the activity and the full proposal."""
    return {"parcel": parcel, "activity": ACTIVITY, "proposal": PROPOSAL}


def _post(path: str, body: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


def request_makers(extent):
    """``(analyze, check)``: functions of an RNG returning one raw HTTP/1.1 request with a fresh parcel."""

    def analyze(rng: random.Random) -> bytes:
        return _post(ANALYZE_PATH, json.dumps(polygon(rng, extent)).encode())

    def check(rng: random.Random) -> bytes:
        return _post(CHECK_PATH, json.dumps(check_body(polygon(rng, extent))).encode())

    return analyze, check


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes (all their threads), from /proc."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (a postmaster's backends)."""
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def postmaster_pid(home: Path) -> int | None:
    """The pid of the embedded cluster's postmaster under ``home``, or None."""
    from rdtr.db.local import LocalCluster

    try:
        return int((LocalCluster(home).data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class Watch:
    """What the load runs saw besides their latencies: non-200 answers (count and a few examples) and the CPU
    the server (every worker, every thread) and PostgreSQL (every backend of the bench cluster) spent on each
    configuration's requests — a per-request cost that background load on the machine disturbs less than it
    does throughput."""

    def __init__(self, server: Server, postmaster: int | None):
        self.server, self.postmaster = server, postmaster
        self.count, self.examples = 0, []
        self.cpu: dict[str, dict] = {}

    def _cpu(self) -> tuple[float, float]:
        srv = cpu_seconds([self.server.proc.pid, *self.server.worker_pids()])
        db = cpu_seconds(children(self.postmaster)) if self.postmaster else float("nan")
        return srv, db

    def watch(self, name: str, run):
        """``run`` (a ``(duration, round) -> summary`` load slice) recording its non-200 answers and CPU."""

        def wrapped(d: float, k: int) -> dict:
            s0, d0 = self._cpu()
            r = run(d, k)
            s1, d1 = self._cpu()
            acc = self.cpu.setdefault(name, {"requests": 0, "server_s": 0.0, "db_s": 0.0})
            acc["requests"] += r["requests"]
            acc["server_s"] += s1 - s0
            acc["db_s"] += d1 - d0
            self.count += r["errors"]["count"]
            self.examples += [f"{name}: {e}" for e in r["errors"]["examples"]][: max(0, 5 - len(self.examples))]
            return r

        return wrapped

    def per_request(self, name: str) -> dict:
        """Server and PostgreSQL CPU µs per request of configuration ``name``."""
        acc = self.cpu[name]
        n = max(acc["requests"], 1)
        return {"server_cpu_us": round(acc["server_s"] / n * 1e6), "db_cpu_us": round(acc["db_s"] / n * 1e6)}


def sanity(port: int, extent) -> dict:
    """One request of each kind on a parcel inside the plan: both 200, the check with a verdict."""
    rng = random.Random(7)
    out = {}
    for name, path, make in (
        ("analyze", ANALYZE_PATH, polygon),
        ("check", CHECK_PATH, lambda r, e: check_body(polygon(r, e))),
    ):
        status, payload, _ = post_once(port, path, json.dumps(make(rng, extent)).encode(), timeout=30)
        if status != 200:
            raise SystemExit(f"POST {path} answered {status}: {payload[:500]!r}")
        out[name] = len(payload)
    answer = json.loads(payload)
    if "verdict" not in answer or "analysis" not in answer:
        raise SystemExit(f"POST {CHECK_PATH} answered 200 without a verdict and an analysis: {payload[:300]!r}")
    return out


# --- in-process ------------------------------------------------------------------------------------------


def library_costs(url: str, extent, n: int, rounds: int, seed: int = 20_000) -> dict:
    """``analyze`` vs ``check`` in this process on the same ``n`` parcels, one call each (µs per call), with
    ``conformity()`` alone and the JSON encoding of both answers; ``rounds`` passes, the two in turn."""
    from api.routers.parcels import answer_bytes
    from rdtr.answers import analyze, check
    from rdtr.answers.check import conformity
    from rdtr.db import Database
    from rdtr.proposal import parse_proposal

    rng = random.Random(seed)
    parcels = [polygon(rng, extent) for _ in range(n)]
    proposal = parse_proposal(PROPOSAL)
    timings: dict[str, list[float]] = {k: [] for k in ("analyze", "check", "conformity", "json_analyze", "json_check")}
    with Database(url, pool_size=1) as db:
        for g in parcels[:200]:  # warm the per-version cache, the pool and the prepared statement
            check(db, g, activity=ACTIVITY, proposal=PROPOSAL)
        for _ in range(rounds):
            analyses, checks, spent = [], [], [0.0, 0.0]
            for i, g in enumerate(parcels):  # call by call, in turn, so drifting load hits both alike
                for side in (0, 1) if i % 2 else (1, 0):
                    t0 = time.perf_counter()
                    if side:
                        checks.append(check(db, g, activity=ACTIVITY, proposal=PROPOSAL))
                    else:
                        analyses.append(analyze(db, g, activity=ACTIVITY))
                    spent[side] += time.perf_counter() - t0
            t2 = time.perf_counter()
            for a in analyses:
                conformity(a, proposal, "en")
            t3 = time.perf_counter()
            for a in analyses:
                answer_bytes(a)
            t4 = time.perf_counter()
            for c in checks:
                answer_bytes(c)
            t5 = time.perf_counter()
            for name, dt in zip(timings, (spent[0], spent[1], t3 - t2, t4 - t3, t5 - t4)):
                timings[name].append(dt / n * 1e6)
        profile = profile_conformity(analyses, proposal, conformity)
        verdicts: dict[str, int] = {}
        for c in checks:
            verdicts[c["verdict"]] = verdicts.get(c["verdict"], 0) + 1
        sizes = {
            "analyze_bytes": round(statistics.fmean(len(answer_bytes(a)) for a in analyses)),
            "check_bytes": round(statistics.fmean(len(answer_bytes(c)) for c in checks)),
            "checks_per_parcel": round(statistics.fmean(len(c["checks"]) for c in checks), 2),
            "covered": sum(1 for a in analyses if a["covered"]),
        }
    best = {name: min(v) for name, v in timings.items()}
    median = {name: statistics.median(v) for name, v in timings.items()}
    return {
        "parcels": n,
        "rounds": rounds,
        "us_per_call_best": {k: round(v, 1) for k, v in best.items()},
        "us_per_call_median": {k: round(v, 1) for k, v in median.items()},
        "us_per_call_rounds": {k: [round(x, 1) for x in v] for k, v in timings.items()},
        # the two calls ran in turn, so each pass's ratio is the fair one; its median over the passes
        "check_over_analyze": round(statistics.median(c / a for a, c in zip(timings["analyze"], timings["check"])), 3),
        "conformity_share_of_check": round(median["conformity"] / median["check"], 3),
        "verdicts": verdicts,
        **sizes,
        "profile_conformity": profile,
    }


def profile_conformity(analyses: list[dict], proposal: dict, conformity) -> list[dict]:
    """cProfile of ``conformity()`` over the analyses: the functions of :data:`PROFILED` modules, costliest
    first (cumulative and own µs per parcel, calls per parcel)."""
    prof = cProfile.Profile()
    prof.enable()
    for a in analyses:
        conformity(a, proposal, "en")
    prof.disable()
    n = len(analyses)
    rows = []
    for (path, line, func), (_cc, calls, tt, ct, _callers) in pstats.Stats(prof).stats.items():
        rel = os.path.relpath(path, REPO) if os.path.isabs(path) else path
        if rel in PROFILED:
            rows.append(
                {
                    "function": f"{rel}:{line}({func})",
                    "cum_us_per_parcel": round(ct / n * 1e6, 1),
                    "own_us_per_parcel": round(tt / n * 1e6, 1),
                    "calls_per_parcel": round(calls / n, 2),
                }
            )
    return sorted(rows, key=lambda r: -r["cum_us_per_parcel"])[:12]


# --- tables ----------------------------------------------------------------------------------------------


def http_table(rows: list[tuple[str, dict, dict]]) -> str:
    """The HTTP table: each row's throughput, latency and CPU per request, and its ratio to the analysis."""
    lines = [
        "### Conformity check vs parcel analysis over HTTP (same run, interleaved)",
        "",
        "| run | throughput (/s) | p50 ms | p99 ms | vs analysis | server CPU µs/req | PostgreSQL CPU µs/req "
        "| client CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r, base in rows:
        ratio = r["throughput"] / base["throughput"] if base["throughput"] else float("nan")
        lines.append(
            f"| {label} | {r['throughput']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {ratio * 100:.0f} % "
            f"| {r['server_cpu_us']} | {r['db_cpu_us']} | {r['client_cpu_share'] * 100:.0f} % |"
        )
    return "\n".join(lines)


def library_table(lib: dict) -> str:
    """The in-process table: µs per call (best pass, median pass) and the check's extra cost."""
    best, med = lib["us_per_call_best"], lib["us_per_call_median"]
    labels = {
        "analyze": f"`analyze(parcel, activity={ACTIVITY!r})` (overlay query + assembly)",
        "check": "`check(parcel, activity, proposal)` (the analysis + `conformity()`)",
        "conformity": "`conformity()` alone, on the analyses",
        "json_analyze": f"JSON of the analysis (orjson; {lib['analyze_bytes'] / 1000:.1f} kB)",
        "json_check": f"JSON of the check's answer (orjson; {lib['check_bytes'] / 1000:.1f} kB)",
    }
    lines = [
        f"### In-process, one call per parcel, {lib['parcels']:,} parcels, single-threaded "
        f"(best / median of {lib['rounds']} passes, the calls in turn)",
        "",
        "| call | µs per call (best) | µs per call (median) | vs analyze |",
        "|---|---:|---:|---:|",
    ]
    for key, label in labels.items():
        lines.append(f"| {label} | {best[key]:.0f} | {med[key]:.0f} | {best[key] / best['analyze'] * 100:.0f} % |")
    lines += [
        "",
        f"check ÷ analyze = **{lib['check_over_analyze']:.2f}** (median of the passes' ratios); `conformity()` is "
        f"{lib['conformity_share_of_check'] * 100:.1f} % of a check; {lib['checks_per_parcel']:g} checks per "
        f"parcel; verdicts {lib['verdicts']}; {lib['covered']:,} of {lib['parcels']:,} parcels inside the plan.",
        "",
        "`conformity()` under cProfile (µs per parcel, inflated by the profiler):",
        "",
        "| function | cumulative | own | calls per parcel |",
        "|---|---:|---:|---:|",
    ]
    for r in lib["profile_conformity"]:
        lines.append(
            f"| `{r['function']}` | {r['cum_us_per_parcel']:.1f} | {r['own_us_per_parcel']:.1f} "
            f"| {r['calls_per_parcel']:g} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--duration",
        type=float,
        default=15.0,
        help="seconds measured per configuration, split over the rounds (default 15)",
    )
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--concurrency", default="16", help="HTTP concurrencies, comma-separated (default 16)")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    ap.add_argument("--parcels", type=int, default=2000, help="parcels of the in-process run (0: skip it)")
    ap.add_argument("--lib-rounds", type=int, default=5, help="in-process passes (default 5)")
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
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of load on each route before measuring")
    args = ap.parse_args(argv)

    url = setup_database(args.home, args.database_url)
    extent = sample_extent(url)
    analyze_req, check_req = request_makers(extent)
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    print(
        f"sample extent {extent}; {os.cpu_count()} CPUs; {args.duration:g} s per configuration in "
        f"{args.rounds} interleaved rounds",
        flush=True,
    )
    results: dict = {
        "date": time.strftime("%Y-%m-%d"),
        "duration_s": args.duration,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "proposal": PROPOSAL,
        "loadavg_start": os.getloadavg(),  # a hint that something else was running
    }
    postmaster = None if args.database_url else postmaster_pid(args.home)
    with Server(url, workers=args.workers) as server:
        watch = Watch(server, postmaster)
        results["sanity_bytes"] = sanity(server.port, extent)
        for make in (analyze_req, check_req):  # warm every worker on both routes
            watch.watch("warm-up", lambda d, k, make=make: http_load("127.0.0.1", server.port, make, 16, d))(
                args.warmup, 0
            )
        configs = {}
        for c in concurrencies:
            for kind, make in (("analyze", analyze_req), ("check", check_req)):
                name = f"{kind}_c{c}"
                configs[name] = watch.watch(
                    name, lambda d, k, make=make, c=c: http_load("127.0.0.1", server.port, make, c, d, seed=k)
                )
        merged = interleave(configs, args.rounds, args.duration / args.rounds)
    for name, r in merged.items():
        r.update(watch.per_request(name))
    results["runs"] = {name: public(r) for name, r in merged.items()}
    results["non_200"] = {"count": watch.count, "examples": watch.examples}
    rows = []
    for c in concurrencies:
        base = merged[f"analyze_c{c}"]
        rows.append((f"`POST /v1/parcels/analyze?activity={ACTIVITY}`, {c} concurrent", base, base))
        rows.append((f"`POST /v1/parcels/check` (full proposal), {c} concurrent", merged[f"check_c{c}"], base))
    tables = [http_table(rows)]
    print(tables[0], flush=True)
    results["check_over_analysis_throughput"] = {
        f"c{c}": round(merged[f"check_c{c}"]["throughput"] / merged[f"analyze_c{c}"]["throughput"], 3)
        for c in concurrencies
    }
    if args.parcels:
        print(f"\nin-process: {args.parcels:,} parcels × {args.lib_rounds} passes …", flush=True)
        results["library"] = library_costs(url, extent, args.parcels, args.lib_rounds)
        tables.append(library_table(results["library"]))
        print("\n" + tables[-1], flush=True)
    results["loadavg_end"] = os.getloadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "check.json").write_text(json.dumps(results, indent=2))
    (OUT / "check.md").write_text("\n\n".join(tables) + "\n")
    for c, ratio in results["check_over_analysis_throughput"].items():
        print(f"check throughput ÷ analysis throughput at {c}: {ratio:.2f} (a check costs {1 / ratio - 1:+.0%})")
    if watch.count:
        print(f"\nFAILED: {watch.count} answers were not 200, e.g.:", file=sys.stderr)
        for e in watch.examples:
            print(f"  {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
