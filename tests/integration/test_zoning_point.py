"""The point question (issue #2 item 6) on the sample plan, through the library, the HTTP API and the CLI.

Expectations come from the sample FILE (pola_ruang.gpkg, itbx.csv, intensitas.csv) read independently
with geopandas/csv, never from the database the answers come from.
"""

from __future__ import annotations

import csv
import json
import random

import geopandas as gpd
import pytest
import shapely
from typer.testing import CliRunner

from tests.support.paths import SAMPLE_PACKAGE

RANK = {"I": 0, "T": 1, "B": 2, "X": 3}


@pytest.fixture(scope="module")
def zones_file() -> gpd.GeoDataFrame:
    """The sample's zones as delivered (EPSG:9480, UTM 50N metres)."""
    return gpd.read_file(SAMPLE_PACKAGE / "pola_ruang.gpkg")


@pytest.fixture(scope="module")
def itbx_file() -> dict:
    """activity code → {sub-zone: (class, codes)} and names, parsed here independently of rdtr."""
    out = {}
    with open(SAMPLE_PACKAGE / "itbx.csv", newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    meta = {"activity_code", "activity", "kbli", "group"}
    for row in rows:
        cells = {}
        for sz, cell in row.items():
            if sz in meta or not cell or not cell.strip():
                continue
            codes = [c.strip() for c in cell.split(",") if c.strip()]
            cells[sz] = (max((c[0] for c in codes), key=RANK.get), codes)
        out[row["activity_code"]] = {"name": row["activity"], "kbli": row["kbli"], "cells": cells}
    return out


def _to_lonlat(points_utm) -> list[tuple[float, float]]:
    s = gpd.GeoSeries(points_utm, crs="EPSG:9480").to_crs(4326)
    return [(p.x, p.y) for p in s]


@pytest.fixture(scope="module")
def stratified(zones_file) -> list[dict]:
    """Up to 3 features per sub-zone (seeded), with an interior point of each in lon/lat."""
    rng = random.Random(20240501)
    picks = []
    for _code, group in zones_file.groupby("KODSZN"):
        idx = list(group.index)
        rng.shuffle(idx)
        picks.extend(idx[:3])
    sub = zones_file.loc[sorted(picks)]
    reps = sub.geometry.representative_point()
    lonlat = _to_lonlat(list(reps))
    return [
        {
            "kodszn": r.KODSZN,
            "kelurahan": r.WADMKD,
            "block": r.KODBLK,
            "lon": x,
            "lat": y,
            "edge_m": float(g.boundary.distance(p)),
        }
        for r, (x, y), g, p in zip(sub.itertuples(), lonlat, sub.geometry, reps)
    ]


def test_health_is_ok(client, sample_plan):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


def test_points_inside_zones_get_the_subzone_the_file_says(database, sample_plan, stratified):
    from rdtr.answers import zoning_at

    assert len({p["kodszn"] for p in stratified}) >= 20  # every sub-zone of the sample is represented
    wrong = []
    for p in stratified:
        answer = zoning_at(database, p["lon"], p["lat"], plan="bontang")
        codes = [z["subzone_code"] for z in answer["zones"]]
        if not answer["covered"] or codes != [p["kodszn"]]:
            wrong.append((p, codes))
            continue
        z = answer["zones"][0]
        assert z["plan"]["id"] == "bontang" and z["plan"]["effective_from"] == "2024-05-01"
        assert z["plan"]["legal_basis"].startswith("Perwali Kota Bontang")
        assert z["kelurahan"] == p["kelurahan"]
        assert z["block"] == p["block"]
    assert not wrong, f"{len(wrong)} of {len(stratified)} points answered with another sub-zone: {wrong[:3]}"


def test_http_answers_the_same_subzones(client, sample_plan, stratified):
    for p in stratified[::7]:
        r = client.get("/v1/zoning", params={"plan": "bontang", "lon": p["lon"], "lat": p["lat"]})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["covered"] is True
        assert [z["subzone_code"] for z in body["zones"]] == [p["kodszn"]]
        assert body["location"] == {"lon": p["lon"], "lat": p["lat"]}


def test_boundary_distance_matches_an_independent_computation(database, sample_plan, stratified):
    """Geodesic distance to the zone edge vs shapely in UTM 50N (scale factor ≈ 0.9996 here)."""
    from rdtr.answers import zoning_at

    for p in stratified[::3]:
        z = zoning_at(database, p["lon"], p["lat"], plan="bontang")["zones"][0]
        expected = p["edge_m"]
        assert z["boundary_distance_m"] == pytest.approx(expected, rel=0.005, abs=0.05), p
        assert z["near_boundary"] is (z["boundary_distance_m"] <= 2.5)


def test_a_point_within_the_map_tolerance_of_an_edge_is_flagged(database, sample_plan, zones_file):
    from rdtr.answers import zoning_at

    big = zones_file[zones_file.geometry.area > 20_000].iloc[:5]
    for row in big.itertuples():
        poly = row.geometry.geoms[0] if row.geometry.geom_type == "MultiPolygon" else row.geometry
        ring = poly.buffer(-1.0).exterior  # every point of it is 1 m inside the polygon's edge
        near = ring.interpolate(0.37, normalized=True)
        inner = poly.buffer(-6.0).exterior.interpolate(0.37, normalized=True)
        (nx, ny), (ix, iy) = _to_lonlat([near, inner])
        a = zoning_at(database, nx, ny, plan="bontang")["zones"]
        b = zoning_at(database, ix, iy, plan="bontang")["zones"]
        assert [z["subzone_code"] for z in a] == [row.KODSZN]
        assert a[0]["near_boundary"] is True
        assert a[0]["boundary_distance_m"] == pytest.approx(row.geometry.boundary.distance(near), abs=0.05)
        assert b[0]["near_boundary"] is False and b[0]["boundary_distance_m"] > 5


def test_points_at_sea_or_far_away_are_not_covered(client, sample_plan):
    sea_lon, sea_lat = _to_lonlat([shapely.Point(557_400, 10_000)])[0]  # east of the coastline
    for lon, lat in [(sea_lon, sea_lat), (106.8, -6.2), (0.0, 0.0)]:
        r = client.get("/v1/zoning", params={"plan": "bontang", "lon": lon, "lat": lat})
        assert r.status_code == 200
        body = r.json()
        assert body["covered"] is False and body["zones"] == []
        assert "RTRW" in body["message"] and "No RDTR" in body["message"]


def test_before_the_plan_took_effect_nothing_is_in_force(client, sample_plan, stratified):
    p = stratified[0]
    body = client.get(
        "/v1/zoning", params={"plan": "bontang", "lon": p["lon"], "lat": p["lat"], "at": "2024-04-30"}
    ).json()
    assert body["covered"] is False and body["at"] == "2024-04-30"
    body = client.get(
        "/v1/zoning", params={"plan": "bontang", "lon": p["lon"], "lat": p["lat"], "at": "2024-05-01"}
    ).json()
    assert body["covered"] is True


def test_cli_json_is_the_http_document(client, sample_plan, stratified):
    from rdtr.cli import app

    runner = CliRunner()
    p = next(s for s in stratified if s["kodszn"] == "R-2")
    for args, params in [
        ([str(p["lon"]), str(p["lat"]), "--activity", "A001"], {"activity": "A001"}),
        (["106.8", "-6.2"], {}),  # a negative latitude as a plain argument
        ([str(p["lon"]), str(p["lat"]), "--at", "2025-01-01"], {"at": "2025-01-01"}),
    ]:
        result = runner.invoke(app, ["lookup", *args, "--plan", "bontang", "--json"])
        assert result.exit_code == 0, result.output
        lon, lat = float(args[0]), float(args[1])
        http = client.get("/v1/zoning", params={"plan": "bontang", "lon": lon, "lat": lat, **params}).json()
        assert json.loads(result.stdout) == http


def test_cli_human_output_is_a_summary(sample_plan, stratified):
    from rdtr.cli import app

    p = next(s for s in stratified if s["kodszn"] == "R-3")
    result = CliRunner().invoke(
        app, ["lookup", str(p["lon"]), str(p["lat"]), "--activity", "Rumah Tunggal", "--plan", "bontang"]
    )
    assert result.exit_code == 0, result.output
    assert "R-3" in result.output and "Perumahan Kepadatan Sedang" in result.output
    assert "Rumah Tunggal" in result.output and "KDB" in result.output
    bad = CliRunner().invoke(app, ["lookup", "106.8", "-96.2"])
    assert bad.exit_code == 2 and "beyond ±90" in bad.output


@pytest.mark.parametrize(
    "params, needle",
    [
        ({"lon": "abc", "lat": "0.1"}, "lon"),
        ({"lon": "117.5", "lat": "95"}, "lat"),
        ({"lon": "181", "lat": "0.1"}, "lon"),
        ({"lon": "117.5"}, "lat"),
        ({"lon": "117.5", "lat": "0.1", "at": "2024-13-01"}, "at"),
        ({"lon": "117.5", "lat": "0.1", "at": "yesterday"}, "at"),
        ({"lon": "nan", "lat": "0.1"}, "lon"),
        ({"lon": "117.5", "lat": "0.1", "plan": "Not A Plan!"}, "plan"),
    ],
)
def test_bad_parameters_are_a_4xx_problem_that_says_what_is_wrong(client, sample_plan, params, needle):
    r = client.get("/v1/zoning", params={"plan": "bontang", **params})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 422 and needle in body["detail"]


def test_activity_by_code_name_and_kbli(client, sample_plan, stratified, itbx_file):
    p = next(s for s in stratified if s["kodszn"] == "R-2")
    kbli_code, kbli_act = next(
        (c, a)
        for c, a in itbx_file.items()
        if a["kbli"] and sum(1 for x in itbx_file.values() if x["kbli"] == a["kbli"]) == 1
    )
    for ask, code in [
        ("A001", "A001"),
        ("rumah  TUNGGAL", "A001"),
        ("Rúmah Tunggal", "A001"),
        (kbli_act["kbli"], kbli_code),
    ]:
        body = client.get(
            "/v1/zoning", params={"plan": "bontang", "lon": p["lon"], "lat": p["lat"], "activity": ask}
        ).json()
        a = body["zones"][0]["activity"]
        cls, codes = itbx_file[code]["cells"]["R-2"]
        assert (a["code"], a["class"], a["codes"]) == (code, cls, codes), ask
        assert a["name"] == itbx_file[code]["name"]


def test_activity_conditions_carry_the_legend_texts(client, sample_plan, stratified, itbx_file):
    legend = {}
    with open(SAMPLE_PACKAGE / "itbx_codes.csv", newline="", encoding="utf-8-sig") as fh:
        for row in csv.reader(fh):
            if row and row[0] != "code":
                legend[row[0]] = row[1]
    p = next(s for s in stratified if s["kodszn"] == "R-2")
    code = next(c for c, a in itbx_file.items() if len(a["cells"].get("R-2", ("I", []))[1]) > 1)
    a = client.get("/v1/zoning", params={"plan": "bontang", "lon": p["lon"], "lat": p["lat"], "activity": code}).json()[
        "zones"
    ][0]["activity"]
    assert a["conditions"] == [legend[c] for c in a["codes"] if c in legend] and a["conditions"]


def test_unknown_activity_is_a_404_suggesting_close_matches(client, sample_plan, stratified):
    p = stratified[0]
    r = client.get(
        "/v1/zoning", params={"plan": "bontang", "lon": p["lon"], "lat": p["lat"], "activity": "Rumah Tungal"}
    )
    assert r.status_code == 404
    assert "Rumah Tunggal" in r.json()["detail"]
    r = client.get("/v1/zoning", params={"plan": "bontang", "lon": 106.8, "lat": -6.2, "activity": "Rumah Tungal"})
    assert r.status_code == 404  # unknown to every plan in force, even where no plan covers the point


def test_intensity_at_a_point_lists_the_lot_size_classes(client, sample_plan, stratified):
    p = next(s for s in stratified if s["kodszn"] == "R-2")
    z = client.get("/v1/zoning", params={"plan": "bontang", "lon": p["lon"], "lat": p["lat"]}).json()["zones"][0]
    classes = z["intensity"]["by_lot_size"]
    assert [(c["lot_area_min_m2"], c["lot_area_max_m2"], c["kdb_max"]) for c in classes] == [
        (0, 100, 80),
        (100, 200, 70),
        (200, 500, 60),
        (500, 1000, 50),
        (1000, None, 40),
    ]
    assert z["intensity"]["kdb_max"] is None and z["intensity"]["height_max_m"] == 12
    p = next(s for s in stratified if s["kodszn"] == "K-1")
    z = client.get("/v1/zoning", params={"plan": "bontang", "lon": p["lon"], "lat": p["lat"]}).json()["zones"][0]
    assert {k: z["intensity"][k] for k in ("kdb_max", "klb_max", "kdh_min", "floors_max")} == {
        "kdb_max": 70,
        "klb_max": 4.2,
        "kdh_min": 10,
        "floors_max": 10,
    }


def test_overlays_that_contain_the_point_are_listed(client, sample_plan):
    kkop = gpd.read_file(SAMPLE_PACKAGE / "kkop.gpkg")
    zones = gpd.read_file(SAMPLE_PACKAGE / "pola_ruang.gpkg")
    inside = shapely.intersection(kkop.geometry.union_all(), zones.geometry.union_all())
    lon, lat = _to_lonlat([inside.representative_point()])[0]
    body = client.get("/v1/zoning", params={"plan": "bontang", "lon": lon, "lat": lat}).json()
    assert body["covered"] and [o["kind"] for o in body["overlays"]] == ["KKOP"]
    assert body["overlays"][0]["text"]


def test_the_answer_matches_its_documented_model(client, sample_plan, stratified):
    from rdtr.models import ZoningAnswer

    p = stratified[5]
    body = client.get(
        "/v1/zoning", params={"plan": "bontang", "lon": p["lon"], "lat": p["lat"], "activity": "A001"}
    ).json()
    ZoningAnswer.model_validate(body)
    for key in ("location", "at", "covered", "message", "zones", "overlays"):
        assert key in body
    z = body["zones"][0]
    for key in (
        "plan",
        "zone_code",
        "zone_name",
        "subzone_code",
        "subzone_name",
        "block",
        "subblock",
        "kecamatan",
        "kelurahan",
        "tpz",
        "special_provisions",
        "intensity",
        "activity",
        "boundary_distance_m",
        "near_boundary",
    ):
        assert key in z
    assert set(z["intensity"]) >= {
        "kdb_max",
        "klb_max",
        "kdh_min",
        "ktb_max",
        "height_max_m",
        "floors_max",
        "gsb_min_m",
        "lot_min_m2",
    }
    assert set(z["activity"]) >= {"code", "name", "class", "codes", "conditions"}


def test_one_request_path_per_route(client, sample_plan, stratified):
    """No fast path in front of the router: one route per method and path, and the documented answers
    (including the swapped-axes hint, which only the library's one lon/lat check gives)."""
    from collections import Counter

    from api.compression import Compression
    from api.ratelimit import RateLimitMiddleware

    routes = Counter((r.path, m) for r in client.app.routes for m in (getattr(r, "methods", None) or ()))
    assert not [k for k, n in routes.items() if n > 1], "a path answered by two routes"
    assert [m.cls for m in client.app.user_middleware][:1] == [Compression]
    assert RateLimitMiddleware in [m.cls for m in client.app.user_middleware]
    p = stratified[4]
    cases = {
        f"lon={p['lon']}&lat={p['lat']}": 200,
        f"lon={p['lon']}&lat={p['lat']}&activity=A001&plan=bontang": 200,
        f"lon={p['lon']}&lat={p['lat']}&at=2025-01-01&f=json": 200,
        "lon=106.8&lat=-6.2": 200,
        f"lon={p['lon']}&lat={p['lat']}&activity=Rumah%20Tungal": 404,
        "lon=117.5&lat=95": 422,
        "lon=abc&lat=1": 422,
        f"lon={p['lon']}&lat={p['lat']}&extra=1": 200,
        "lat=1": 422,
        f"lon={p['lon']}&lat={p['lat']}&at=2024-02-30": 422,
        f"lon={p['lon']}&lat={p['lat']}&plan=Bad!": 422,
        f"lon={p['lon']}&lon={p['lon']}&lat={p['lat']}": 422,
    }
    for q, status in cases.items():
        r = client.get(f"/v1/zoning?{q}")
        assert r.status_code == status, (q, r.text)
        if status != 200:
            assert r.headers["content-type"] == "application/problem+json", q
    swapped = client.get("/v1/zoning", params={"lon": 0.1351, "lat": 117.4823}).json()
    assert swapped["status"] == 422 and "look swapped" in swapped["detail"]
