"""The diff of two plan versions (rdtr.answers.changes) on real PostGIS: the library, HTTP, the CLI, the dry run.

v2 of a 5 × 4 grid removes one polygon, adds one, moves an outer edge of one by 5 m, recodes two (one of them
also moved), changes one ITBX cell, one intensity value and one condition text, and changes LUASHA on a zone
that stays the same. Loaded twice: matched by geometry (no id field) and by ``[zones] id_field``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyogrio
import pytest
import shapely
from pyproj import Geod
from sqlalchemy import text
from typer.testing import CliRunner

from rdtr.answers.changes import plan_changes
from rdtr.cli import app
from rdtr.errors import InvalidInput, NotFound, UnknownPlan
from rdtr.ingest import ingest_package
from rdtr.models import ChangesAnswer
from tests.support.ingest import grid_zones, make_package

GEOD = Geod(ellps="WGS84")
runner = CliRunner()
NX, NY = 5, 4
REMOVED, RESHAPED, RECODED, BOTH, LUASHA_ONLY = 19, 5, 2, 15, 10  # grid positions (OBJECTID = position + 1)
ADDED_ID = 21


def _v1():
    return grid_zones(nx=NX, ny=NY)


def _v2():
    gdf = _v1()
    minx, miny, maxx, maxy = gdf.geometry.iloc[RESHAPED].bounds
    gdf.loc[RESHAPED, "geometry"] = shapely.box(minx - 5, miny, maxx, maxy)  # outer edge out by 5 m: +500 m²
    minx, miny, maxx, maxy = gdf.geometry.iloc[BOTH].bounds
    gdf.loc[BOTH, "geometry"] = shapely.box(minx + 5, miny, maxx, maxy)  # outer edge in by 5 m: −500 m²
    for k, code in ((RECODED, "R-2"), (BOTH, "R-3")):
        gdf.loc[k, "KODSZN"] = code
        gdf.loc[k, "NAMSZN"] = gdf.loc[k, "NAMOBJ"] = f"renamed {code}"
    gdf.loc[LUASHA_ONLY, "LUASHA"] = 123.4  # derived from the geometry: never a recoding
    added = gdf.iloc[[0]].copy()
    x0, y0 = gdf.total_bounds[2], gdf.total_bounds[1]
    added["geometry"] = [shapely.box(x0, y0, x0 + 100, y0 + 100)]
    added["OBJECTID"] = ADDED_ID
    return gdf.drop(index=REMOVED).pipe(lambda g: g._append(added, ignore_index=True))


def _rewrite(path: Path, change) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    change(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def _package_v2(root: Path, plan_id: str, zones_toml: str) -> Path:
    make_package(root, plan_id, effective_from="2025-01-01", zones=_v2(), zones_toml=zones_toml)

    def itbx(rows):  # A002 (Toko) in R-3: T1 → B1
        col = rows[0].index("R-3")
        rows[2][col] = "B1"

    def intensity(rows):  # R-2 KDB 60 → 50
        rows[1][rows[0].index("kdb_max")] = "50"

    def codes(rows):
        rows[2][1] = "jam operasional 08.00–22.00"  # T2

    _rewrite(root / "itbx.csv", itbx)
    _rewrite(root / "intensitas.csv", intensity)
    _rewrite(root / "itbx_codes.csv", codes)
    return root


PLANS = {"diff-geo": "", "diff-id": 'id_field = "OBJECTID"'}


@pytest.fixture(scope="module")
def plans(fresh_database, tmp_path_factory):
    """The two plans, each with v1 and v2 loaded; returns the package folders of v2 (for the dry run)."""
    out = {}
    for plan_id, toml in PLANS.items():
        base = tmp_path_factory.mktemp(plan_id)
        ingest_package(fresh_database, make_package(base / "v1", plan_id, zones=_v1(), zones_toml=toml))
        out[plan_id] = _package_v2(base / "v2", plan_id, toml)
        ingest_package(fresh_database, out[plan_id])
    return out


def _geodesic_m2(gdf, k) -> float:
    geom = gdf.to_crs(4326).geometry.iloc[k]
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def _close(a, b, rel=0.005):
    assert a == pytest.approx(b, rel=rel), (a, b)


def _by_change(doc) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in doc["zones"]["features"]:
        out.setdefault(f["properties"]["change"], []).append(f)
    return out


@pytest.mark.parametrize("plan_id", list(PLANS))
def test_the_diff_lists_exactly_what_changed(fresh_database, plans, plan_id):
    doc = plan_changes(fresh_database, plan_id, 1, 2)
    by_id = plan_id == "diff-id"
    assert doc["matched_by"] == ("id_field" if by_id else "geometry")
    assert doc["summary"] == {"added": 1, "removed": 1, "reshaped": 2, "recoded": 1, "unchanged": 16}
    assert doc["from"]["version"] == 1 and doc["to"]["version"] == 2 and doc["to"]["effective_from"] == "2025-01-01"
    changes = _by_change(doc)
    v1, v2 = _v1(), _v2()

    (removed,) = changes["removed"]
    _close(removed["properties"]["before"]["area_m2"], _geodesic_m2(v1, REMOVED))
    assert removed["properties"]["after"] is None
    (added,) = changes["added"]
    assert added["properties"]["before"] is None
    _close(added["properties"]["after"]["area_m2"], _geodesic_m2(v2, len(v2) - 1))

    reshaped = {f["properties"]["before"]["subzone_code"] + ">" + f["properties"]["after"]["subzone_code"]: f
                for f in changes["reshaped"]}  # fmt: skip
    grown = reshaped["R-3>R-3"]["properties"]  # position 5: R-3, only moved
    _close(grown["area_gained_m2"], _geodesic_m2(v2, RESHAPED) - _geodesic_m2(v1, RESHAPED))
    assert grown["area_lost_m2"] < 0.5
    both = reshaped["RTH-2>R-3"]["properties"]  # position 15: moved and recoded, counted once as reshaped
    _close(both["area_lost_m2"], _geodesic_m2(v1, BOTH) - _geodesic_m2(v2, BOTH))
    assert both["area_gained_m2"] < 0.5 and "subzone_code" in both["changed_fields"]
    (recoded,) = changes["recoded"]
    assert (recoded["properties"]["before"]["subzone_code"], recoded["properties"]["after"]["subzone_code"]) == (
        "K-1",
        "R-2",
    )
    assert "LUASHA" not in recoded["properties"]["changed_fields"]
    if by_id:
        ids = {c: sorted(f["properties"]["OBJECTID"] for f in fs) for c, fs in changes.items()}
        assert ids == {"removed": ["20"], "added": ["21"], "reshaped": ["16", "6"], "recoded": ["3"]}
        assert all(f["id"] == f["properties"]["OBJECTID"] for f in doc["zones"]["features"])

    rules = doc["rules"]
    (cell,) = rules["itbx"]["changed"]
    assert (cell["activity_code"], cell["subzone_code"], cell["before"]["class"], cell["after"]["class"]) == (
        "A002",
        "R-3",
        "T",
        "B",
    )
    assert not rules["itbx"]["added"] and not rules["itbx"]["removed"]
    (row,) = rules["intensity"]["changed"]
    assert row["subzone_code"] == "R-2" and row["values"] == {"kdb_max": {"before": 60, "after": 50}}
    (cond,) = rules["conditions"]["changed"]
    assert cond["code"] == "T2" and list(cond["fields"]) == ["text"]
    assert rules["overlays"]["changed"] is False and rules["overlays"]["count_after"] == 1

    by_subzone = {e["subzone_code"]: e for e in doc["by_subzone"]}
    before = sum(_geodesic_m2(v1, k) for k in range(len(v1)) if v1["KODSZN"].iloc[k] == "K-1")
    after = sum(_geodesic_m2(v2, k) for k in range(len(v2)) if v2["KODSZN"].iloc[k] == "K-1")
    _close(by_subzone["K-1"]["area_before_m2"], before)
    _close(by_subzone["K-1"]["area_after_m2"], after)
    (kel,) = doc["by_kelurahan"]  # one removed, one added (same size), +500 m², −500 m²
    assert kel["kelurahan"] == "Api-Api" and abs(kel["change_m2"]) < 0.005 * kel["area_before_m2"]


def test_versions_by_date_and_the_errors(fresh_database, plans):
    by_date = plan_changes(fresh_database, "diff-geo", "2024-06-01", "2025-06-01", features=False)
    assert by_date["summary"] == plan_changes(fresh_database, "diff-geo", "1", 2)["summary"]
    assert by_date["zones"] is None and by_date["changed_zones"] == 5
    same = plan_changes(fresh_database, "diff-geo", 2, 2)
    assert same["summary"]["unchanged"] == 20 and not same["zones"]["features"]
    with pytest.raises(UnknownPlan):
        plan_changes(fresh_database, "no-such-plan", 1, 2)
    with pytest.raises(NotFound, match="no version 7"):
        plan_changes(fresh_database, "diff-geo", 1, 7)
    with pytest.raises(NotFound, match="in force on 2000-01-01"):
        plan_changes(fresh_database, "diff-geo", "2000-01-01", 2)
    with pytest.raises(InvalidInput):
        plan_changes(fresh_database, "diff-geo", "v1", 2)


def test_http_json_geojson_and_html(fresh_client, fresh_database, plans):
    r = fresh_client.get("/v1/plans/diff-id/changes", params={"from": "1", "to": "2"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json() == plan_changes(fresh_database, "diff-id", 1, 2)
    ChangesAnswer.model_validate(r.json())
    g = fresh_client.get("/v1/plans/diff-id/changes?from=2024-01-01&to=2&f=geojson")
    assert g.status_code == 200 and g.headers["content-type"].startswith("application/geo+json")
    assert g.json()["type"] == "FeatureCollection" and len(g.json()["features"]) == 5
    h = fresh_client.get("/v1/plans/diff-id/changes?from=1&to=2&f=html")
    assert h.status_code == 200 and h.headers["content-type"].startswith("text/html")
    assert "leaflet" in h.text and "#D73027" in h.text and "rdtr-changes" in h.text
    for query, status in (("from=1&to=9", 404), ("from=x&to=2", 422), ("to=2", 422), ("from=1&to=2&f=csv", 422)):
        bad = fresh_client.get(f"/v1/plans/diff-id/changes?{query}")
        assert bad.status_code == status and bad.headers["content-type"].startswith("application/problem+json")
    assert fresh_client.get("/v1/plans/nope/changes?from=1&to=2").status_code == 404


def test_cli_json_equals_http_and_out_files(fresh_client, plans, tmp_path):
    r = runner.invoke(app, ["diff", "diff-geo", "--from", "1", "--to", "2025-01-01", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == fresh_client.get("/v1/plans/diff-geo/changes?from=1&to=2025-01-01").json()
    words = runner.invoke(app, ["diff", "diff-geo", "--from", "1", "--to", "2"])
    assert words.exit_code == 0 and "1 added" in words.stdout and "A002" in words.stdout
    gpkg = tmp_path / "changes.gpkg"
    r = runner.invoke(app, ["diff", "diff-id", "--from", "1", "--to", "2", "--out", str(gpkg)])
    assert r.exit_code == 0, r.output
    layer = pyogrio.read_dataframe(gpkg)
    assert sorted(layer["change"]) == ["added", "recoded", "removed", "reshaped", "reshaped"]
    assert sorted(layer["OBJECTID"]) == ["16", "20", "21", "3", "6"] and layer.crs.to_epsg() == 4326
    gained = layer.loc[layer["OBJECTID"] == "6", "area_gained_m2"].iloc[0]
    assert gained == pytest.approx(500, rel=0.01)
    geojson = tmp_path / "changes.geojson"
    assert runner.invoke(app, ["diff", "diff-id", "--from", "1", "--to", "2", "--out", str(geojson)]).exit_code == 0
    assert len(json.loads(geojson.read_text())["features"]) == 5
    assert runner.invoke(app, ["diff", "diff-id", "--from", "1", "--to", "9"]).exit_code == 1
    assert runner.invoke(app, ["diff", "diff-id", "--from", "1", "--to", "2", "--out", "x.csv"]).exit_code == 2


def _counts(db, plan_id: str) -> tuple:
    with db.engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT (SELECT count(*) FROM plan_version WHERE plan_id = :p), (SELECT count(*) FROM zone z "
                "JOIN plan_version pv ON pv.id = z.plan_version_id WHERE pv.plan_id = :p), "
                "(SELECT count(*) FROM plan WHERE id = :p)"
            ),
            {"p": plan_id},
        ).one()


def test_dry_run_prints_the_diff_and_loads_nothing(fresh_database, plans, tmp_path):
    base = tmp_path / "dry"
    make_package(base / "v1", "diff-dry", zones=_v1())
    ingest_package(fresh_database, base / "v1")
    v2 = _package_v2(base / "v2", "diff-dry", "")
    before = _counts(fresh_database, "diff-dry")
    report = tmp_path / "report.json"
    r = runner.invoke(app, ["ingest", str(v2), "--dry-run", "--report", str(report)])
    assert r.exit_code == 0, r.output
    printed = " ".join(r.stdout.split())
    assert "1 added · 1 removed · 2 reshaped · 1 recoded · 16 unchanged" in printed and "1 ITBX cells" in printed
    assert "would be loaded as version 2" in r.stdout
    assert _counts(fresh_database, "diff-dry") == before == (1, 20, 1)
    doc = json.loads(report.read_text())
    assert doc["changes"]["summary"]["recoded"] == 1 and len(doc["changes"]["zones"]["features"]) == 5
    with fresh_database.engine.connect() as conn:
        runs = conn.execute(
            text("SELECT ok, dry_run, report->'changes'->'summary' FROM ingest_run WHERE plan_id = 'diff-dry'")
        ).all()
    assert [tuple(x) for x in runs][-1][:2] == (True, True) and runs[-1][2]["added"] == 1
    # a new plan's dry run has nothing to compare with, and writes no plan either
    fresh = make_package(tmp_path / "new", "diff-new", zones=_v1())
    result = ingest_package(fresh_database, fresh, dry_run=True)
    assert "changes" not in result.report and _counts(fresh_database, "diff-new") == (0, 0, 0)
