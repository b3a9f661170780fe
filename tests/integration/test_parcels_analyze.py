"""Parcel analysis (issue #4) on the sample plan: areas and shares, limits, lot-size classes, the verdict,
slivers, borderline pieces, batches by HTTP and CLI, and what changed between two plan versions.

Expected values are computed here from the sample FILES (pola_ruang.gpkg in UTM 50N, itbx.csv,
intensitas.csv), independently of the database the answers come from.

The module writes (the two versions of a test plan for compare and ``at=``): it runs on a database of its
own (``fresh_database``, ``fresh_client``), which ``rdtr analyze`` reaches through RDTR_DATABASE_URL.
"""

from __future__ import annotations

import csv
import json
import math
import shutil

import geopandas as gpd
import pytest
import shapely
from shapely import affinity
from shapely.geometry import box, mapping
from typer.testing import CliRunner

from tests.support.ingest import to_lonlat
from tests.support.paths import SAMPLE_PACKAGE

RANK = {"I": 0, "T": 1, "B": 2, "X": 3}
BONTANG = {"plan": "bontang"}  # the module also loads a test plan cut from the sample


def _num(v):
    return None if v in ("", None) else float(v)


@pytest.fixture(scope="module")
def zones_file():
    return gpd.read_file(SAMPLE_PACKAGE / "pola_ruang.gpkg")


@pytest.fixture(scope="module")
def intensity_file():
    rows = {}
    with open(SAMPLE_PACKAGE / "intensitas.csv", newline="", encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            rows.setdefault(r["subzone"], []).append({k: _num(v) if k != "subzone" else v for k, v in r.items()})
    return rows


@pytest.fixture(scope="module")
def itbx_file():
    out = {}
    with open(SAMPLE_PACKAGE / "itbx.csv", newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            out[row["activity_code"]] = {
                sz: max((c.strip()[0] for c in cell.split(",") if c.strip()), key=RANK.get)
                for sz, cell in row.items()
                if sz not in ("activity_code", "activity", "kbli", "group") and cell and cell.strip()
            }
    return out


def footprint_shares(activity: str) -> dict[str, float]:
    """Sub-zone → the smallest ``max_footprint_share_pct`` of the activity's conditions there, read from the
    sample's ITBX matrix and legend CSVs (independently of the ingest)."""
    with open(SAMPLE_PACKAGE / "itbx_codes.csv", newline="", encoding="utf-8-sig") as fh:
        legend = {r["code"]: r.get("max_footprint_share_pct") for r in csv.DictReader(fh)}
    with open(SAMPLE_PACKAGE / "itbx.csv", newline="", encoding="utf-8-sig") as fh:
        row = next(r for r in csv.DictReader(fh) if r["activity_code"] == activity)
    out = {}
    for sz, cell in row.items():
        shares = [float(legend[c.strip()]) for c in (cell or "").split(",") if legend.get(c.strip())]
        if shares and sz not in ("activity_code", "activity", "kbli", "group"):
            out[sz] = min(shares)
    return out


def expected_row(intensity_file, subzone, lot_area):
    """The intensity row for a lot of this area: half-open lot-size classes [min, max)."""
    for r in intensity_file.get(subzone, []):
        lo, hi = r["lot_area_min_m2"], r["lot_area_max_m2"]
        if (lo is None or lot_area >= lo) and (hi is None or lot_area < hi):
            return r
    return None


def square(cx, cy, area, angle=0.0):
    side = math.sqrt(area)
    return affinity.rotate(box(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2), angle, origin=(cx, cy))


def roomy_center(zones_file, code, clearance):
    """A point at least ``clearance`` m inside the largest feature of the sub-zone."""
    feats = zones_file[zones_file.KODSZN == code]
    geom = feats.geometry.iloc[int(feats.geometry.area.argmax())]
    inner = geom.buffer(-clearance)
    assert not inner.is_empty, f"no {code} feature wide enough"
    return inner.representative_point()


def independent_pieces(zones_file, parcel_utm):
    """Sub-zone → area (m², UTM 50N) of the parcel's intersection with the file's zones."""
    hits = zones_file[zones_file.intersects(parcel_utm)]
    out = {}
    for code, geom in zip(hits.KODSZN, hits.geometry):
        a = geom.intersection(parcel_utm).area
        if a > 1e-4:
            out[code] = out.get(code, 0.0) + a
    return out


def _by_subzone(answer):
    out = {}
    for z in answer["zones"] + answer["slivers"]:
        out[z["subzone_code"]] = out.get(z["subzone_code"], 0.0) + z["area_m2"]
    return out


@pytest.mark.parametrize("code", ["R-2", "R-3"])
@pytest.mark.parametrize("area", [16, 160, 1200])
def test_lot_size_classes_pick_the_intensity_row(fresh_client, sample_plan, zones_file, intensity_file, code, area):
    c = roomy_center(zones_file, code, 30)
    parcel = to_lonlat(square(c.x, c.y, area, 20))
    r = fresh_client.post("/v1/parcels/analyze", params=BONTANG, json=mapping(parcel))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["parcel"]["area_m2"] == pytest.approx(area, rel=0.002)
    assert [z["subzone_code"] for z in body["zones"]] == [code] and body["covered_share"] == pytest.approx(1)
    row = expected_row(intensity_file, code, area)
    got = body["zones"][0]["intensity"]
    for key in ("kdb_max", "klb_max", "kdh_min", "ktb_max", "height_max_m", "floors_max", "gsb_min_m", "lot_min_m2"):
        assert got[key] == row[key], key
    assert (got["lot_area_min_m2"], got["lot_area_max_m2"]) == (row["lot_area_min_m2"], row["lot_area_max_m2"])
    a = body["parcel"]["area_m2"]
    lim = body["limits"]
    assert lim["max_footprint_m2"] == pytest.approx(row["kdb_max"] / 100 * a, rel=0.01)
    assert lim["max_floor_area_m2"] == pytest.approx(row["klb_max"] * a, rel=0.01)
    assert lim["min_green_area_m2"] == pytest.approx(row["kdh_min"] / 100 * a, rel=0.01)
    assert lim["max_floors"] == row["floors_max"] and lim["max_height_m"] == row["height_max_m"]
    breach = area < row["lot_min_m2"]
    assert body["lot_size"]["breach"] is breach and body["zones"][0]["lot_min_breach"] is breach
    if breach:
        assert str(int(row["lot_min_m2"])) in body["lot_size"]["breaches"][0]["detail"]


def crossing_parcels(zones_file, n=8, seed=7):
    """Squares (≈ 40 m, rotated) laid across the shared edges of pairs of neighbouring features."""
    import random

    rng = random.Random(seed)
    sindex = zones_file.sindex
    parcels = []
    candidates = list(zones_file.index)
    rng.shuffle(candidates)
    for i in candidates:
        g = zones_file.geometry[i]
        code = zones_file.KODSZN[i]
        for j in sindex.query(g, predicate="touches"):
            if zones_file.KODSZN.iloc[j] == code:
                continue
            edge = g.intersection(zones_file.geometry.iloc[j])
            if edge.length < 30:
                continue
            mid = edge.interpolate(0.5, normalized=True)
            parcels.append(square(mid.x, mid.y, rng.uniform(600, 2000), rng.uniform(0, 90)))
            break
        if len(parcels) == n:
            break
    return parcels


def test_parcels_across_zone_boundaries(fresh_client, sample_plan, zones_file, intensity_file, itbx_file):
    parcels = crossing_parcels(zones_file)
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": f"x{i}", "properties": {}, "geometry": mapping(to_lonlat(p))}
            for i, p in enumerate(parcels)
        ],
    }
    r = fresh_client.post("/v1/parcels/analyze", params={**BONTANG, "activity": "A001"}, json=fc)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["id"] for x in results] == [f"x{i}" for i in range(len(parcels))]
    crossing = 0
    shares_t = footprint_shares("A001")
    assert shares_t, "the sample's A001 has conditions with a footprint share (T1)"
    for parcel_utm, res in zip(parcels, results):
        expected = independent_pieces(zones_file, parcel_utm)
        got = _by_subzone(res)
        assert set(got) == set(expected), (got, expected)
        for code, area in expected.items():
            assert got[code] == pytest.approx(area, rel=0.005, abs=0.01), code
        total = parcel_utm.area
        shares = {c: a / total for c, a in expected.items()}
        crossing += len(expected) > 1
        # limits: Σ coefficient × piece area with the rows of the parcel's lot-size class; for the activity,
        # a condition's footprint share lowers a non-sliver piece's KDB (the smaller wins)
        lot = res["parcel"]["area_m2"]
        for key, field, factor in (
            ("max_footprint_m2", "kdb_max", 0.01),
            ("max_floor_area_m2", "klb_max", 1),
            ("min_green_area_m2", "kdh_min", 0.01),
        ):
            vals = [(expected_row(intensity_file, c, lot)[field], a, c) for c, a in expected.items()]
            if key == "max_footprint_m2":
                vals = [
                    (min(v, shares_t[c]) if c in shares_t and shares[c] >= 0.01 and v is not None else v, a, c)
                    for v, a, c in vals
                ]
            vals = [(v, a) for v, a, _ in vals if v is not None]
            if vals:
                assert res["limits"][key] == pytest.approx(sum(v * factor * a for v, a in vals), rel=0.01, abs=0.01), (
                    key
                )
        # the verdict: most restrictive class over the pieces of at least 1 %
        deciding = [itbx_file["A001"].get(c) for c, s in shares.items() if s >= 0.01]
        assert res["activity"]["class"] == max(deciding, key=RANK.get)
        assert {s["subzone_code"] for s in res["slivers"]} == {c for c, s in shares.items() if s < 0.01}
        assert res["boundary"]["crosses_boundary"] is (len(res["zones"]) + len(res["slivers"]) > 1)
        for z in res["zones"]:
            if res["boundary"]["crosses_boundary"]:
                assert z["boundary_distance_m"] == 0 and z["near_boundary"] and z["boundary_length_m"] > 0
    assert crossing >= len(parcels) - 1


def test_a_parcel_partly_outside_every_plan_has_a_covered_share(fresh_client, sample_plan, zones_file):
    plan_area = zones_file.geometry.union_all()
    # straddle the eastern edge of the plan (the coastline) at mid-height
    y = 10_000
    line = shapely.LineString([(548_000, y), (558_000, y)]).intersection(plan_area)
    east = max(line.geoms, key=lambda g: g.bounds[2]) if hasattr(line, "geoms") else line
    x = east.bounds[2]
    parcel_utm = box(x - 30, y - 15, x + 30, y + 15)
    body = fresh_client.post("/v1/parcels/analyze", params=BONTANG, json=mapping(to_lonlat(parcel_utm))).json()
    inside = parcel_utm.intersection(plan_area).area / parcel_utm.area
    assert 0 < body["covered_share"] < 1
    assert body["covered_share"] == pytest.approx(inside, abs=0.005)
    far = to_lonlat(box(560_000, 10_000, 560_030, 10_030))  # at sea
    body = fresh_client.post("/v1/parcels/analyze", params=BONTANG, json=mapping(far)).json()
    assert body["covered"] is False and body["covered_share"] == 0 and "RTRW" in body["message"]


def sliver_parcel(zones_file):
    """A 40 m × 20 m parcel in one feature whose long side runs 0.15 m over the edge into a neighbour of another
    sub-zone: the neighbour's piece is well under 1 % of the parcel (checked independently)."""
    for i in zones_file.index[::7]:
        g = zones_file.geometry[i]
        code = zones_file.KODSZN[i]
        nb = zones_file[zones_file.touches(g) & (zones_file.KODSZN != code)]
        for h in nb.geometry:
            edge = g.intersection(h)
            segs = [edge] if edge.geom_type == "LineString" else list(getattr(edge, "geoms", []))
            for seg in segs:
                if seg.geom_type != "LineString" or seg.length < 60:
                    continue
                mid = seg.length / 2
                a, b = seg.interpolate(mid - 20), seg.interpolate(mid + 20)
                dx, dy = (b.x - a.x) / 40, (b.y - a.y) / 40
                if abs(math.hypot(dx, dy) - 1) > 0.01:
                    continue  # the edge bends: not a clean straight baseline
                nx, ny = -dy, dx
                m = seg.interpolate(mid)
                if not g.contains(shapely.Point(m.x + nx, m.y + ny)):
                    nx, ny = -nx, -ny
                corners = [
                    (a.x - 0.15 * nx, a.y - 0.15 * ny),
                    (b.x - 0.15 * nx, b.y - 0.15 * ny),
                    (b.x + 20 * nx, b.y + 20 * ny),
                    (a.x + 20 * nx, a.y + 20 * ny),
                ]
                parcel = shapely.Polygon(corners)
                expected = independent_pieces(zones_file, parcel)
                total = parcel.area
                small = {c: a / total for c, a in expected.items() if a / total < 0.01}
                if small and all(0.001 < v < 0.009 for v in small.values()) and expected.get(code, 0) / total > 0.9:
                    return parcel, expected
    raise AssertionError("no straight shared edge found for the sliver test")


def test_a_sliver_is_listed_apart_and_does_not_decide(fresh_client, sample_plan, zones_file, itbx_file):
    parcel, expected = sliver_parcel(zones_file)
    body = fresh_client.post(
        "/v1/parcels/analyze", params={**BONTANG, "activity": "A002"}, json=mapping(to_lonlat(parcel))
    ).json()
    total = sum(expected.values())
    slivers = {c for c, a in expected.items() if a / total < 0.01}
    assert {z["subzone_code"] for z in body["slivers"]} == slivers
    main = [c for c in expected if c not in slivers]
    assert body["activity"]["class"] == max((itbx_file["A002"][c] for c in main), key=RANK.get)
    assert {b["subzone_code"] for b in body["activity"]["by_zone"] if b["sliver"]} == slivers
    for s in body["slivers"]:
        assert s["share"] < 0.01 and s["sliver"] is True
        assert s["within_tolerance"] is True  # 0.15 m wide: thinner than the 2.5 m map tolerance
        assert s["boundary_length_m"] == pytest.approx(40, rel=0.02)
    assert body["boundary"]["near_boundary"] is True and body["boundary"]["pieces_within_tolerance"]
    r2 = fresh_client.post(
        "/v1/parcels/analyze", params={**BONTANG, "sliver_share": 0}, json=mapping(to_lonlat(parcel))
    ).json()
    assert r2["slivers"] == [] and {z["subzone_code"] for z in r2["zones"]} == set(expected)


def six_parcels(zones_file):
    pts = [roomy_center(zones_file, c, 15) for c in ("R-2", "R-3", "K-1", "C-2", "SPU-2", "RTH-4")]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": f"P{i}",
                "properties": {"nib": f"{1000 + i}", "owner_note": "test"},
                "geometry": mapping(to_lonlat(square(p.x, p.y, 150 + 50 * i, 10 * i))),
            }
            for i, p in enumerate(pts)
        ],
    }


def test_six_parcels_answer_in_order_the_same_by_cli_and_http(fresh_client, sample_plan, zones_file, tmp_path):
    from rdtr.cli import app

    fc = six_parcels(zones_file)
    http = fresh_client.post("/v1/parcels/analyze", params={**BONTANG, "activity": "Toko", "at": "2025-06-01"}, json=fc)
    assert http.status_code == 200
    doc = http.json()
    assert [r["id"] for r in doc["results"]] == [f"P{i}" for i in range(6)]
    assert [r["index"] for r in doc["results"]] == list(range(6))
    assert [r["zones"][0]["subzone_code"] for r in doc["results"]] == ["R-2", "R-3", "K-1", "C-2", "SPU-2", "RTH-4"]
    assert all(r["properties"]["owner_note"] == "test" for r in doc["results"])
    path = tmp_path / "six.geojson"
    path.write_text(json.dumps(fc))
    cli = CliRunner().invoke(
        app, ["analyze", str(path), "--activity", "Toko", "--at", "2025-06-01", "--plan", "bontang", "--json"]
    )
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == doc
    out_csv = tmp_path / "answers.csv"
    cli = CliRunner().invoke(
        app, ["analyze", str(path), "--activity", "Toko", "--plan", "bontang", "--out", str(out_csv)]
    )
    assert cli.exit_code == 0, cli.output
    rows = list(csv.DictReader(out_csv.open()))
    assert [r["id"] for r in rows] == [f"P{i}" for i in range(6)]
    assert [r["subzone"] for r in rows] == ["R-2", "R-3", "K-1", "C-2", "SPU-2", "RTH-4"]
    assert [r["class"] for r in rows] == [r["activity"]["class"] for r in doc["results"]]
    out_geo = tmp_path / "answers.geojson"
    cli = CliRunner().invoke(app, ["analyze", str(path), "--plan", "bontang", "--out", str(out_geo)])
    assert cli.exit_code == 0, cli.output
    feats = json.loads(out_geo.read_text())["features"]
    assert [f["id"] for f in feats] == [f"P{i}" for i in range(6)]
    assert feats[0]["properties"]["nib"] == "1000" and feats[0]["properties"]["rdtr_subzone"] == "R-2"
    human = CliRunner().invoke(app, ["analyze", str(path)])
    assert human.exit_code == 0 and "6 parcels" in human.output


def test_a_gpkg_in_utm_gives_the_same_answer_as_geojson(fresh_client, sample_plan, zones_file, tmp_path):
    from rdtr.cli import app

    c = roomy_center(zones_file, "K-2", 20)
    parcel = square(c.x, c.y, 500, 30)
    gpd.GeoDataFrame({"nib": ["X"]}, geometry=[parcel], crs="EPSG:9480").to_file(tmp_path / "p.gpkg")
    cli = CliRunner().invoke(app, ["analyze", str(tmp_path / "p.gpkg"), "--plan", "bontang", "--json"])
    assert cli.exit_code == 0, cli.output
    doc = json.loads(cli.stdout)
    http = fresh_client.post("/v1/parcels/analyze", params=BONTANG, json=mapping(to_lonlat(parcel))).json()
    assert doc["zones"][0]["subzone_code"] == "K-2" == http["zones"][0]["subzone_code"]
    assert doc["parcel"]["area_m2"] == pytest.approx(http["parcel"]["area_m2"], rel=1e-6)


def test_special_provisions_overlays_and_tpz_reach_the_parcel(fresh_client, sample_plan, zones_file):
    kkop = gpd.read_file(SAMPLE_PACKAGE / "kkop.gpkg")
    inside = kkop.geometry.union_all().intersection(zones_file.geometry.union_all()).buffer(-10)
    p = inside.representative_point()
    body = fresh_client.post(
        "/v1/parcels/analyze", params=BONTANG, json=mapping(to_lonlat(square(p.x, p.y, 100)))
    ).json()
    assert [o["kind"] for o in body["overlays"]] == ["KKOP"]
    with_prov = zones_file[zones_file.KSMPDN.notna() & ~zones_file.KSMPDN.isin(["", "Tidak Ada", "-"])]
    if len(with_prov):
        g = with_prov.geometry.iloc[0]
        q = g.representative_point()
        body = fresh_client.post(
            "/v1/parcels/analyze", params=BONTANG, json=mapping(to_lonlat(q.buffer(2, cap_style="square")))
        ).json()
        kinds = {sp["kind"] for z in body["zones"] for sp in z["special_provisions"]}
        assert "KSMPDN" in kinds and {sp["kind"] for sp in body["special_provisions"]} >= {"KSMPDN"}
    for z in body["zones"]:
        assert isinstance(z["tpz"], list)


def test_the_answer_matches_its_documented_model(fresh_client, sample_plan, zones_file):
    from rdtr.models import CompareAnswer, ParcelAnswer, ParcelBatchAnswer

    fc = six_parcels(zones_file)
    doc = fresh_client.post("/v1/parcels/analyze", params={**BONTANG, "activity": "A001"}, json=fc).json()
    ParcelBatchAnswer.model_validate(doc)
    one = fresh_client.post(
        "/v1/parcels/analyze", params={**BONTANG, "activity": "A001"}, json=fc["features"][0]
    ).json()
    ParcelAnswer.model_validate(one)
    for key in ("parcel", "at", "covered_share", "zones", "slivers", "limits", "activity", "overlays"):
        assert key in one
    assert set(one["limits"]) >= {
        "max_footprint_m2",
        "max_floor_area_m2",
        "min_green_area_m2",
        "max_height_m",
        "max_floors",
    }
    assert set(one["activity"]) >= {"code", "name", "class", "by_zone"}
    assert set(one["activity"]["by_zone"][0]) >= {"subzone_code", "class", "codes", "share"}
    cmp = fresh_client.post(
        "/v1/parcels/compare", params={**BONTANG, "from": "2024-06-01", "to": "2025-06-01"}, json=fc["features"][0]
    ).json()
    CompareAnswer.model_validate(cmp)
    assert cmp["changed"] is False  # one version in force on both dates


# --- two versions of a plan: compare and at= ------------------------------------------------------------

SHIFT_N = 40_000  # metres north: the test plan lies away from the sample so their zones never overlap


@pytest.fixture(scope="module")
def two_versions(fresh_database, zones_file, tmp_path_factory):
    """A small plan cut from the sample, moved 40 km north, loaded twice: v1 from 2024-01-01 and v2 from
    2030-01-01 in which one R-2 feature became K-2, R-2 intensity dropped and A001 became X in R-2."""
    from rdtr.ingest import ingest_package

    c = roomy_center(zones_file, "R-2", 20)
    area = zones_file[zones_file.intersects(c.buffer(400))].copy()
    area["geometry"] = area.geometry.translate(0, SHIFT_N)
    target = int(area.index[area.contains(shapely.Point(c.x, c.y + SHIFT_N))][0])
    pkgs = []
    for version in (1, 2):
        d = tmp_path_factory.mktemp(f"shifted-v{version}")
        for name in ("itbx.csv", "itbx_codes.csv", "intensitas.csv", "subzona.csv", "tpz.csv"):
            shutil.copy(SAMPLE_PACKAGE / name, d / name)
        gdf = area.copy()
        if version == 2:
            gdf.loc[target, ["KODSZN", "NAMSZN", "KODZON", "NAMZON"]] = [
                "K-2",
                "Perdagangan dan Jasa Skala WP",
                "K",
                "Zona Perdagangan dan Jasa",
            ]
            text = (d / "itbx.csv").read_text(encoding="utf-8-sig").splitlines()
            header = text[0].split(",")
            rows = list(csv.reader(text))
            col = header.index("R-2")
            for row in rows[1:]:
                if row[0] == "A001":
                    row[col] = "X"
            with open(d / "itbx.csv", "w", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerows(rows)
            lines = (d / "intensitas.csv").read_text(encoding="utf-8-sig").splitlines()
            lines = [ln.replace("R-2,200,500,60,1.8", "R-2,200,500,50,1.5") for ln in lines]
            (d / "intensitas.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        gdf.to_file(d / "pola_ruang.gpkg", layer="pola_ruang")
        (d / "plan.toml").write_text(f"""[plan]
id = "shifted-test"
name = "Shifted test plan v{version}"
legal_basis = "Test instrument No. {version}"
effective_from = {"2024-01-01" if version == 1 else "2030-01-01"}
synthetic = true
[zones]
path = "pola_ruang.gpkg"
[subzones]
path = "subzona.csv"
[itbx]
path = "itbx.csv"
codes = "itbx_codes.csv"
[intensity]
path = "intensitas.csv"
""")
        pkgs.append(ingest_package(fresh_database, d))
    others = area[(area.KODSZN == "R-2") & (area.index != target)]
    roomy = [g.buffer(-15) for g in others.geometry]
    other = next(r.representative_point() for r in roomy if not r.is_empty)
    return {"center": shapely.Point(c.x, c.y + SHIFT_N), "other_r2": other, "results": pkgs}


def test_at_answers_under_the_version_in_force(fresh_client, two_versions):
    c = two_versions["center"]
    lon, lat = to_lonlat(c).x, to_lonlat(c).y
    old = fresh_client.get(
        "/v1/zoning", params={"plan": "shifted-test", "lon": lon, "lat": lat, "at": "2029-12-31", "activity": "A001"}
    ).json()
    new = fresh_client.get(
        "/v1/zoning", params={"plan": "shifted-test", "lon": lon, "lat": lat, "at": "2030-01-01", "activity": "A001"}
    ).json()
    assert old["zones"][0]["plan"]["version"] == 1 and old["zones"][0]["subzone_code"] == "R-2"
    assert new["zones"][0]["plan"]["version"] == 2 and new["zones"][0]["subzone_code"] == "K-2"
    assert old["zones"][0]["plan"]["legal_basis"] == "Test instrument No. 1"


def test_compare_lists_what_changed(fresh_client, two_versions, zones_file, itbx_file, tmp_path):
    from rdtr.cli import app

    c = two_versions["center"]
    parcel = mapping(to_lonlat(square(c.x, c.y, 300, 15)))
    r = fresh_client.post(
        "/v1/parcels/compare",
        params={"from": "2025-01-01", "to": "2031-01-01", "activity": "A001", "plan": "shifted-test"},
        json=parcel,
    )
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["changed"] is True
    assert doc["from"]["plans"][0]["version"] == 1 and doc["to"]["plans"][0]["version"] == 2
    changes = {s["subzone_code"]: s["change"] for s in doc["subzones"]}
    assert changes == {"R-2": "removed", "K-2": "added"}
    assert doc["activity"]["from"] == itbx_file["A001"]["R-2"] and doc["activity"]["to"] == itbx_file["A001"]["K-2"]
    assert doc["activity"]["changed"] is (itbx_file["A001"]["R-2"] != itbx_file["A001"]["K-2"])
    lot = doc["parcel"]["area_m2"]
    assert doc["limits"]["max_footprint_m2"]["from"] == pytest.approx(0.60 * lot, rel=0.01)  # R-2 200–500 m²
    assert doc["limits"]["max_footprint_m2"]["to"] == pytest.approx(0.65 * lot, rel=0.01)  # K-2
    assert doc["limits"]["max_footprint_m2"]["changed"] is True
    # the same parcel under v2 where it stays R-2 elsewhere: the intensity change shows
    o = two_versions["other_r2"]
    same = fresh_client.post(
        "/v1/parcels/compare",
        params={"from": "2025-01-01", "to": "2031-01-01", "plan": "shifted-test"},
        json=mapping(to_lonlat(square(o.x, o.y, 300))),
    ).json()
    assert [(s["subzone_code"], s["change"]) for s in same["subzones"]] == [("R-2", "unchanged")]
    assert same["intensity"][0]["changes"]["kdb_max"] == {"from": 60, "to": 50}
    assert same["intensity"][0]["changes"]["klb_max"] == {"from": 1.8, "to": 1.5}
    assert same["changed"] is True
    # the CLI prints the same document
    path = tmp_path / "parcel.geojson"
    path.write_text(json.dumps(parcel))
    cli = CliRunner().invoke(
        app,
        [
            "analyze",
            str(path),
            "--compare",
            "2025-01-01",
            "2031-01-01",
            "--activity",
            "A001",
            "--plan",
            "shifted-test",
            "--json",
        ],
    )
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == doc
    human = CliRunner().invoke(app, ["analyze", str(path), "--compare", "2025-01-01", "2031-01-01"])
    assert human.exit_code == 0 and "removed" in human.output and "added" in human.output


def test_a_geometry_error_in_postgis_spoils_only_its_own_parcel(
    fresh_database, fresh_client, sample_plan, zones_file, monkeypatch
):
    """GEOS rarely fails on a geometry; when it does, the batch is halved until the culprit is found."""
    import psycopg2.errors

    from rdtr.answers import sql

    fc = six_parcels(zones_file)
    db = fresh_database
    real_fetch = db.fetch

    def flaky(query, params):
        # the overlay in any of its forms: one version's partitions, pruned, or one-trip (rdtr.answers.sql)
        if query.sql in (sql.PARCEL.sql, sql.PARCEL_ALL.sql) or query.name.startswith("rdtr_parcel_v6_pv"):
            if 2 in params[0]:
                raise psycopg2.errors.InternalError("GEOSIntersects: TopologyException: side location conflict")
        return real_fetch(query, params)

    monkeypatch.setattr(db, "fetch", flaky)
    doc = fresh_client.post("/v1/parcels/analyze", params=BONTANG, json=fc).json()
    assert [("error" in r) for r in doc["results"]] == [False, False, True, False, False, False]
    assert "TopologyException" in doc["results"][2]["error"]["detail"]
    assert doc["results"][3]["zones"][0]["subzone_code"] == "C-2"
    monkeypatch.setattr(
        db,
        "fetch",
        lambda *a, **k: (_ for _ in ()).throw(
            psycopg2.errors.InternalError("TopologyException: side location conflict")
        ),
    )
    r = fresh_client.post("/v1/parcels/analyze", params=BONTANG, json=fc["features"][2])
    assert r.status_code == 422 and "could not be overlaid" in r.json()["detail"]
