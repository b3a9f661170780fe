"""The conformity check (issue #11): every check's result, limit and source, and the verdict, on a small plan
with structured and text-only conditions, classes I/T/B/X, a lot-size minimum and a KKOP height.

The plan: four 100 m squares in a row (EPSG:9480, metres): R-2 | K-1 | R-3 | RTH-2, with a KKOP overlay
(max 30 m) over the R-2 square. Parcels are drawn in those metres and sent as lon/lat.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from typer.testing import CliRunner

from tests.support.ingest import ORIGIN, grid_zones, make_package, to_lonlat, write_csv

ACTIVITIES = [  # code, name, kbli, cells for R-2, K-1, R-3, RTH-2
    ("A1", "Rumah Tunggal", "68111", ["I", "T1", "I", "X"]),
    ("A2", "Warung", "47111", ["T2,T4", "I", "T3", "X"]),
    ("A3", "Bengkel", "45201", ["B2", "B1,B2", "X", "X"]),
    ("A4", "Menara Telekomunikasi", "45201", ["T5", "T6", "X", "X"]),
]
LEGEND = [  # code, text, share %, floor area cap, floors, height, min lot, max lot, hours, requires
    ["T1", "Dibatasi paling banyak 20% dari luas persil", "20", "", "", "", "", "", "", ""],
    ["T2", "Jam operasional 07.00-22.00", "", "", "", "", "", "", "07:00-22:00", ""],
    ["T3", "Paling banyak 1 unit per blok", "", "", "", "", "", "", "", ""],
    ["T4", "Luas lantai kegiatan paling banyak 200 m2", "", "200", "", "", "", "", "", ""],
    ["T5", "Tinggi paling banyak 10 m dan 2 lantai", "", "", "2", "10", "", "", "", ""],
    ["T6", "Luas persil paling sedikit 500 m2", "", "", "", "", "500", "", "", ""],
    ["B1", "Wajib persetujuan warga sekitar", "", "", "", "", "", "", "", "persetujuan warga sekitar"],
    ["B2", "Wajib dokumen lingkungan", "", "", "", "", "", "", "", "UKL-UPL"],
]
RULE_HEADER = [
    "code",
    "text",
    "max_footprint_share_pct",
    "max_floor_area_m2",
    "max_floors",
    "max_height_m",
    "min_lot_area_m2",
    "max_lot_area_m2",
    "hours",
    "requires",
]
FULL_OK = {
    "footprint_m2": 200,
    "floor_area_m2": 800,
    "floors": 3,
    "height_m": 20,
    "green_area_m2": 100,
    "setback_m": 4,
    "hours": "08:00-20:00",
    "documents": [],
}


@pytest.fixture(scope="module")
def plan(tmp_path_factory, fresh_database):
    """The little plan, loaded into this module's database."""
    from rdtr.ingest import ingest_package

    root = tmp_path_factory.mktemp("checkplan")
    zones = grid_zones(nx=4, ny=1, codes=["R-2", "K-1", "R-3", "RTH-2"])
    kkop = gpd.GeoDataFrame(
        {"nama": ["KKOP"]},
        geometry=[shapely.box(ORIGIN[0], ORIGIN[1], ORIGIN[0] + 100, ORIGIN[1] + 100)],
        crs=zones.crs,
    )
    extra = """
[[overlays]]
kind = "KKOP"
path = "kkop_check.gpkg"
name = "KKOP Bandara"
text = "Ketinggian bangunan dibatasi kawasan keselamatan operasi penerbangan"
max_height_m = 30
"""
    make_package(root, "checkplan", zones=zones, overlay=False, extra_toml=extra)
    kkop.to_file(root / "kkop_check.gpkg", driver="GPKG")
    write_csv(
        root / "itbx.csv",
        ["activity_code", "activity", "kbli", "group", "R-2", "K-1", "R-3", "RTH-2"],
        [[c, n, k, "Umum", *cells] for c, n, k, cells in ACTIVITIES],
    )
    write_csv(root / "itbx_codes.csv", RULE_HEADER, LEGEND)
    write_csv(root / "kbli.csv", ["kbli", "activity_code"], [["47112", "A2"], ["56101", "A2"], ["56.101", "A3"]])
    toml = (
        (root / "plan.toml")
        .read_text()
        .replace('codes = "itbx_codes.csv"', 'codes = "itbx_codes.csv"\nkbli = "kbli.csv"')
    )
    (root / "plan.toml").write_text(toml)
    result = ingest_package(fresh_database, root)
    assert result.report["counts"]["kbli_pairs"] == 3
    fresh_database.versions.clear()
    return result


def parcel(x0: float, y0: float, x1: float, y1: float) -> dict:
    """A rectangle in the plan's metres (from the grid's corner) as a GeoJSON Polygon in lon/lat."""
    return shapely.geometry.mapping(
        to_lonlat(shapely.box(ORIGIN[0] + x0, ORIGIN[1] + y0, ORIGIN[0] + x1, ORIGIN[1] + y1))
    )


def ask(client, geometry, activity, proposal=None, **extra):
    body = {"parcel": geometry, "activity": activity, "plan": "checkplan", **extra}
    if proposal is not None:
        body["proposal"] = proposal
    r = client.post("/v1/parcels/check", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def by_rule(answer, rule, **match):
    found = [
        c for c in answer["checks"] if c["rule"] == rule and all(c["source"].get(k) == v for k, v in match.items())
    ]
    assert len(found) == 1, (rule, match, answer["checks"])
    return found[0]


R2 = (20, 20, 40, 40)  # 400 m² inside R-2 (and the KKOP)
K1 = (120, 20, 140, 40)  # 400 m² inside K-1
R3_SMALL = (220, 20, 228, 28)  # 64 m² inside R-3 (its lot minimum is 90 m²)
RTH = (320, 20, 340, 40)


def test_all_within_limits_conforms_and_every_limit_cites_its_rule(plan, fresh_client):
    a = ask(fresh_client, parcel(*R2), "A1", FULL_OK)
    area = a["analysis"]["parcel"]["area_m2"]
    assert a["verdict"] == "conforms", a["reasons"]
    assert a["reasons"] == []
    foot = by_rule(a, "footprint")
    assert foot["limit"] == pytest.approx(0.60 * area, abs=0.01) and foot["result"] == "pass"
    assert foot["source"] == {
        "plan": "checkplan",
        "version": 1,
        "subzone_code": "R-2",
        "by": "intensity",
        "field": "kdb_max",
        "value": 60,
        "area_m2": pytest.approx(area, abs=0.01),
        "limit": pytest.approx(0.60 * area, abs=0.01),
    }
    assert by_rule(a, "floor_area")["limit"] == pytest.approx(2.4 * area, abs=0.01)
    assert by_rule(a, "floors")["limit"] == 4
    assert by_rule(a, "green_area")["limit"] == pytest.approx(0.20 * area, abs=0.01)
    assert by_rule(a, "setback")["limit"] == 3
    kkop = by_rule(a, "kkop_height")
    assert (kkop["limit"], kkop["proposed"], kkop["result"]) == (30, 20, "pass")
    assert kkop["source"]["by"] == "overlay" and kkop["source"]["kind"] == "KKOP"
    assert by_rule(a, "activity_class", subzone_code="R-2")["limit"] == "I"


def test_a_failed_check_does_not_conform_and_says_why_in_the_asked_language(plan, fresh_client):
    body = {"parcel": parcel(*R2), "activity": "A1", "plan": "checkplan", "proposal": {**FULL_OK, "height_m": 35}}
    r = fresh_client.post("/v1/parcels/check", json=body, headers={"Accept-Language": "id"})
    a = r.json()
    assert a["verdict"] == "does_not_conform"
    kkop = by_rule(a, "kkop_height")
    assert kkop["result"] == "fail" and kkop["limit"] == 30
    assert [c["rule"] for c in a["checks"] if c["result"] == "fail"] == ["kkop_height"]
    assert len(a["reasons"]) == 1 and "35 m" in a["reasons"][0] and "30 m" in a["reasons"][0]
    assert "melebihi" in a["reasons"][0]  # Indonesian
    en = ask(fresh_client, parcel(*R2), "A1", {**FULL_OK, "height_m": 35})
    assert "exceeds" in en["reasons"][0]


def test_a_condition_lowers_the_limit_where_it_applies_and_names_itself(plan, fresh_client):
    # Half in R-2 (class I: KDB 60 %), half in K-1 (T1: at most 20 % of the lot, below K-1's KDB 80 %).
    a = ask(fresh_client, parcel(80, 20, 120, 40), "A1", {**FULL_OK, "footprint_m2": 330})
    pieces = {z["subzone_code"]: z["area_m2"] for z in a["analysis"]["zones"]}
    foot = by_rule(a, "footprint")
    assert foot["limit"] == pytest.approx(0.60 * pieces["R-2"] + 0.20 * pieces["K-1"], abs=0.02)
    assert foot["result"] == "fail"  # 330 m² > 240 + 80 m²
    parts = {p["subzone_code"]: p for p in foot["source"]["parts"]}
    assert parts["R-2"]["by"] == "intensity" and parts["R-2"]["field"] == "kdb_max"
    assert parts["K-1"]["by"] == "condition" and parts["K-1"]["code"] == "T1"
    assert parts["K-1"]["text"].startswith("Dibatasi paling banyak 20%")
    assert foot["source"]["subzones"] == ["R-2", "K-1"] or foot["source"]["subzones"] == ["K-1", "R-2"]
    assert a["verdict"] == "does_not_conform"
    decided = a["analysis"]["limits"]["decided_by"]["max_footprint_m2"]
    assert {d["by"] for d in decided} == {"intensity", "condition"}


def test_floor_area_cap_hours_and_text_only_conditions(plan, fresh_client):
    a = ask(fresh_client, parcel(*R2), "A2", {**FULL_OK, "floor_area_m2": 250, "hours": "06:00-23:00"})
    fa = by_rule(a, "floor_area")
    assert fa["limit"] == 200 and fa["result"] == "fail"
    assert fa["source"]["by"] == "condition" and fa["source"]["code"] == "T4"
    hours = by_rule(a, "hours")
    assert (hours["limit"], hours["proposed"], hours["result"]) == ("07:00-22:00", "06:00-23:00", "fail")
    assert hours["source"]["code"] == "T2"
    ok = ask(fresh_client, parcel(*R2), "A2", {**FULL_OK, "floor_area_m2": 180, "footprint_m2": 150})
    assert ok["verdict"] == "conforms", ok["reasons"]
    # T3 is text only → the officer's call.
    review = ask(fresh_client, parcel(220, 20, 240, 40), "A2", {**FULL_OK, "height_m": 10})
    assert review["verdict"] == "needs_review"
    cond = by_rule(review, "condition")
    assert cond["result"] == "not_checked" and cond["source"]["code"] == "T3"
    assert "T3" in review["reasons"][0]


def test_missing_proposal_values_need_review_naming_them(plan, fresh_client):
    a = ask(fresh_client, parcel(*R2), "A1", {"floors": 2})
    assert a["verdict"] == "needs_review"
    open_rules = {c["rule"] for c in a["checks"] if c["result"] == "not_checked"}
    assert open_rules == {"footprint", "floor_area", "green_area", "setback", "kkop_height"}
    assert by_rule(a, "floors")["result"] == "pass"
    assert any("footprint" in r for r in a["reasons"])
    bare = ask(fresh_client, parcel(*R2), "A1")
    assert bare["verdict"] == "needs_review" and bare["proposal"] == {}


def test_class_x_and_a_lot_below_its_minimum_do_not_conform(plan, fresh_client):
    x = ask(fresh_client, parcel(*RTH), "A1", FULL_OK)
    assert x["verdict"] == "does_not_conform"
    assert by_rule(x, "activity_class", subzone_code="RTH-2")["result"] == "fail"
    small = ask(fresh_client, parcel(*R3_SMALL), "A1", {**FULL_OK, "footprint_m2": 20, "floor_area_m2": 40})
    lot = by_rule(small, "lot_area")
    assert lot["limit"] == 90 and lot["result"] == "fail" and lot["proposed"] < 90
    assert small["verdict"] == "does_not_conform"
    # a condition's minimum lot (T6: 500 m²) on a 400 m² lot
    tower = ask(fresh_client, parcel(*K1), "A4", FULL_OK)
    lot = by_rule(tower, "lot_area")
    assert (lot["limit"], lot["result"], lot["source"]["code"]) == (500, "fail", "T6")


def test_structured_height_and_floors_take_the_strictest(plan, fresh_client):
    a = ask(fresh_client, parcel(*R2), "A4", {**FULL_OK, "floors": 3, "height_m": 9})
    floors = by_rule(a, "floors")
    assert (floors["limit"], floors["result"], floors["source"]["code"]) == (2, "fail", "T5")
    height = by_rule(a, "height")
    assert (height["limit"], height["result"], height["source"]["code"]) == (10, "pass", "T5")
    assert a["analysis"]["limits"]["max_height_m"] == 10


def test_class_b_and_requirements(plan, fresh_client):
    without = ask(fresh_client, parcel(*R2), "A3", FULL_OK)
    assert without["verdict"] == "conforms_with_conditions"
    assert without["requirements"] == [{"name": "UKL-UPL", "code": "B2", "subzone_code": "R-2", "provided": False}]
    assert any("UKL-UPL" in r for r in without["reasons"])
    held = ask(fresh_client, parcel(*R2), "A3", {**FULL_OK, "documents": ["ukl-upl"]})
    assert held["requirements"][0]["provided"] is True
    assert held["verdict"] == "conforms_with_conditions"  # class B stays conditional


def test_a_sliver_of_class_x_does_not_decide(plan, fresh_client):
    # K-1 (B1,B2) with a 0.1 m strip of R-3 (X for A3): the strip is a sliver.
    fits_k1 = {**FULL_OK, "green_area_m2": 200, "setback_m": 6, "documents": ["UKL-UPL"]}
    a = ask(fresh_client, parcel(150, 20, 200.1, 40), "A3", fits_k1)
    assert [s["subzone_code"] for s in a["analysis"]["slivers"]] == ["R-3"]
    assert a["verdict"] == "conforms_with_conditions"
    assert {r["name"] for r in a["requirements"]} == {"persetujuan warga sekitar", "UKL-UPL"}


def test_kbli_asks_for_an_activity_and_an_ambiguous_one_asks_to_choose(plan, fresh_client):
    a = ask(fresh_client, parcel(*R2), "68111", FULL_OK)
    assert a["activity"]["code"] == "A1" and a["verdict"] == "conforms"
    r = fresh_client.post("/v1/parcels/check", json={"parcel": parcel(*R2), "activity": "45201", "plan": "checkplan"})
    assert r.status_code == 422
    assert "A3" in r.json()["detail"] and "A4" in r.json()["detail"]
    # the package's KBLI table adds codes: one to A2 alone, one shared by A2 and A3
    assert ask(fresh_client, parcel(*R2), "47112", FULL_OK)["activity"]["code"] == "A2"
    r = fresh_client.post("/v1/parcels/check", json={"parcel": parcel(*R2), "activity": "56101", "plan": "checkplan"})
    assert r.status_code == 422 and "A2" in r.json()["detail"] and "A3" in r.json()["detail"]


@pytest.mark.parametrize(
    ("proposal", "field"),
    [
        ({"floors": -1}, "proposal.floors"),
        ({"height_m": 5000}, "proposal.height_m"),
        ({"hours": "sepanjang hari"}, "proposal.hours"),
        ({"hours": "07:00-07:00"}, "proposal.hours"),
        ({"colour": "red"}, "proposal.colour"),
        ({"documents": "UKL-UPL"}, "proposal.documents"),
        ({"footprint_m2": "100"}, "proposal.footprint_m2"),
    ],
)
def test_bad_proposals_are_422_naming_the_field(plan, fresh_client, proposal, field):
    r = fresh_client.post(
        "/v1/parcels/check", json={"parcel": parcel(*R2), "activity": "A1", "plan": "checkplan", "proposal": proposal}
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith(field)


def test_a_batch_gets_one_result_per_feature_in_order(plan, fresh_client):
    features = [
        {"type": "Feature", "id": "ok", "geometry": parcel(*R2), "properties": {"proposal": FULL_OK}},
        {
            "type": "Feature",
            "id": "tall",
            "geometry": parcel(*R2),
            "properties": {"proposal": {**FULL_OK, "floors": 9}},
        },
        {"type": "Feature", "id": "bad", "geometry": parcel(*R2), "properties": {"proposal": {"floors": -2}}},
        {"type": "Feature", "id": "x", "geometry": parcel(*RTH), "properties": {}},
    ]
    a = ask(fresh_client, {"type": "FeatureCollection", "features": features}, "A1", FULL_OK)
    assert a["count"] == 4
    assert [r["id"] for r in a["results"]] == ["ok", "tall", "bad", "x"]
    assert [r.get("verdict") for r in a["results"]] == ["conforms", "does_not_conform", None, "does_not_conform"]
    assert a["results"][2]["error"]["detail"].startswith("features[2].properties.proposal.floors")


def test_cli_json_equals_http(plan, fresh_client, tmp_path):
    from rdtr.cli import app

    geometry = parcel(80, 20, 120, 40)
    (tmp_path / "parcel.geojson").write_text(json.dumps(geometry))
    (tmp_path / "proposal.json").write_text(json.dumps({**FULL_OK, "floors": 5}))
    http = ask(fresh_client, geometry, "A1", {**FULL_OK, "floors": 5, "height_m": 12, "documents": ["UKL-UPL"]})
    args = ["check", str(tmp_path / "parcel.geojson"), "--activity", "A1", "--plan", "checkplan", "--json"]
    args += ["--proposal", str(tmp_path / "proposal.json"), "--height", "12", "--document", "UKL-UPL"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == http
    words = ["check", str(tmp_path / "parcel.geojson"), "-a", "A1", "--plan", "checkplan", "--floors", "9"]
    text = CliRunner().invoke(app, words)
    assert text.exit_code == 0, text.output
    assert text.output.index("Tidak sesuai") < text.output.index("floors")


def test_cli_extract_with_a_proposal_stores_the_same_check(plan, fresh_client, fresh_database, tmp_path):
    from rdtr.cli import app
    from rdtr.extract_records import get_extract

    geometry = parcel(*R2)
    proposal = {**FULL_OK, "height_m": 35}
    (tmp_path / "parcel.geojson").write_text(json.dumps(geometry))
    (tmp_path / "proposal.json").write_text(json.dumps(proposal))
    args = ["extract", str(tmp_path / "parcel.geojson"), "-a", "A1", "--plan", "checkplan", "--out"]
    args += [str(tmp_path / "x.pdf"), "--proposal", str(tmp_path / "proposal.json"), "--json"]
    args += ["--nip", "19850101 201001 1 001", "--officer", "Siti Rahmawati"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    record = get_extract(fresh_database, json.loads(result.output)["id"])
    stored = record["answer"]["conformity"]
    body = {"parcel": geometry, "activity": "A1", "plan": "checkplan", "proposal": proposal}
    http = fresh_client.post("/v1/parcels/check", json=body, headers={"Accept-Language": "id"}).json()
    assert stored["verdict"] == http["verdict"] == "does_not_conform"
    assert stored["checks"] == http["checks"] and stored["reasons"] == http["reasons"]
    assert record["officer_nip"].replace(" ", "") == "198501012010011001"


@pytest.mark.parametrize(
    ("rule", "change"),
    [
        ("footprint", {"footprint_m2": 300}),  # KDB 60 % of 400 m² = 240
        ("floor_area", {"floor_area_m2": 1000}),  # KLB 2.4 × 400 = 960
        ("floors", {"floors": 5}),  # 4
        ("green_area", {"green_area_m2": 50}),  # KDH 20 % = 80
        ("setback", {"setback_m": 2}),  # GSB 3 m
        ("kkop_height", {"height_m": 31}),  # the KKOP's 30 m
    ],
)
def test_each_rule_fails_alone_when_only_its_value_breaks_it(plan, fresh_client, rule, change):
    a = ask(fresh_client, parcel(*R2), "A1", {**FULL_OK, **change})
    assert [c["rule"] for c in a["checks"] if c["result"] == "fail"] == [rule]
    assert a["verdict"] == "does_not_conform"
    (failed,) = [c for c in a["checks"] if c["result"] == "fail"]
    assert failed["proposed"] == next(iter(change.values()))
    assert failed["source"]["plan"] == "checkplan" and failed["source"]["version"] == 1
    assert len(a["reasons"]) == 1


def test_a_lot_above_its_minimum_passes_the_lot_check(plan, fresh_client):
    a = ask(fresh_client, parcel(220, 20, 240, 40), "A1", {**FULL_OK, "height_m": 10})  # 400 m² ≥ R-3's 90 m²
    lot = by_rule(a, "lot_area")
    assert (lot["limit"], lot["result"], lot["source"]["subzone_code"]) == (90, "pass", "R-3")
    assert lot["source"]["by"] == "intensity" and lot["source"]["field"] == "lot_min_m2"
    assert a["verdict"] == "conforms", a["reasons"]
